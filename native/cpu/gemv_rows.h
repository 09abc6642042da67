// One row times a small constant matrix: a recurrent step's h @ W (the unrolled LSTM and GRU of
// converters/recurrent.ts: k 64, n 256), with W kept row-major (k x n) so that the row's products
// accumulate along n in vector registers, sixteen columns a vector, eight vectors a block of
// columns. Sgemm's single-row product reads transposed weights by columns (GemvColumnsAvx512),
// one dot product and one sum across lanes per column: at k 64 that sum is most of its work
// (lstm's matmul layers 0.155 -> 0.100 ms a run: docs/benchmarks.md, "Recurrent and
// sub-millisecond runs"). Every column is the sum over k in order, one fused multiply-add a step,
// so a column's result does not depend on where it falls (identical columns give identical bits).
#pragma once

#include <cstdint>

namespace hybridrt {
namespace cpu {

// Where the row kernel applies: the AVX-512 SGEMM kernel in use (SgemmKernelName), k at most
// kRowsGemvMaxK and W at most kRowsGemvMaxFloats (a copy of it is kept: larger weights stay with
// the column kernel, which streams them from memory once).
constexpr int64_t kRowsGemvMaxK = 256;
constexpr int64_t kRowsGemvMaxFloats = 256 * 1024;
bool RowsGemvFits(int64_t k, int64_t n);

// c[j] = alpha * sum_kk a[kk * cs_a] * w[kk * n + j] + beta * c[j] for j in [0, n) (beta == 0
// does not read c), on up to `threads` threads by blocks of columns.
void RowsGemv(int64_t n, int64_t k, float alpha, const float* a, int64_t cs_a, const float* w, float beta, float* c,
              int threads);

}  // namespace cpu
}  // namespace hybridrt
