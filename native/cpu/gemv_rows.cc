// The row kernel of gemv_rows.h: blocks of up to eight zmm accumulators (128 columns), a's value
// broadcast once per k and fed to every vector of the block; the block's last vector masked.
#include "cpu/gemv_rows.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cpu/sgemm.h"
#include "src/util/thread_pool.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

namespace {

constexpr int kBlockVectors = 8;
constexpr int64_t kBlockColumns = 16 * kBlockVectors;

// Columns [0, 16 * (V - 1) + popcount(last)) of the block at c (w and c offset to it).
template <int V>
__attribute__((target("avx512f"), always_inline)) inline void Block(int64_t k, float alpha, const float* a,
                                                                    int64_t cs_a, const float* w, int64_t ldw,
                                                                    float beta, float* c, __mmask16 last) {
  __m512 acc[V];
  for (int v = 0; v < V; ++v) acc[v] = _mm512_setzero_ps();
  for (int64_t kk = 0; kk < k; ++kk) {
    const __m512 x = _mm512_set1_ps(a[kk * cs_a]);
    const float* row = w + kk * ldw;
    for (int v = 0; v < V - 1; ++v) acc[v] = _mm512_fmadd_ps(x, _mm512_loadu_ps(row + 16 * v), acc[v]);
    acc[V - 1] = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(last, row + 16 * (V - 1)), acc[V - 1]);
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int v = 0; v < V; ++v) {
    const __mmask16 m = v == V - 1 ? last : static_cast<__mmask16>(0xffff);
    __m512 r = _mm512_mul_ps(va, acc[v]);
    if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m, c + 16 * v), r);
    _mm512_mask_storeu_ps(c + 16 * v, m, r);
  }
}

__attribute__((target("avx512f"))) void Columns(int64_t j0, int64_t j1, int64_t n, int64_t k, float alpha,
                                                const float* a, int64_t cs_a, const float* w, float beta, float* c) {
  for (int64_t j = j0; j < j1; j += kBlockColumns) {
    const int64_t cols = std::min(kBlockColumns, j1 - j);
    const int vectors = static_cast<int>((cols + 15) / 16);
    const int in_last = static_cast<int>(cols - 16 * (vectors - 1));
    const __mmask16 last = static_cast<__mmask16>(in_last == 16 ? 0xffffu : (1u << in_last) - 1u);
    switch (vectors) {
      case 1: Block<1>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
      case 2: Block<2>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
      case 3: Block<3>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
      case 4: Block<4>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
      case 5: Block<5>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
      case 6: Block<6>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
      case 7: Block<7>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
      default: Block<8>(k, alpha, a, cs_a, w + j, n, beta, c + j, last); break;
    }
  }
}

}  // namespace

bool RowsGemvFits(int64_t k, int64_t n) {
  return k >= 1 && k <= kRowsGemvMaxK && n >= 1 && k * n <= kRowsGemvMaxFloats &&
         std::strcmp(SgemmKernelName(), "avx512") == 0;
}

void RowsGemv(int64_t n, int64_t k, float alpha, const float* a, int64_t cs_a, const float* w, float beta, float* c,
              int threads) {
  // Blocks of 128 columns, at least 16K multiply-adds a chunk (a thread's hand-over costs more).
  const int64_t blocks = (n + kBlockColumns - 1) / kBlockColumns;
  const int64_t grain = std::max<int64_t>(1, 16384 / (k * kBlockColumns));
  ParallelFor(threads, blocks, grain, [&](int64_t b0, int64_t b1) {
    Columns(b0 * kBlockColumns, std::min(n, b1 * kBlockColumns), n, k, alpha, a, cs_a, w, beta, c);
  });
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
// Unreachable where RowsGemvFits is false (no AVX-512 kernel on this architecture).
bool RowsGemvFits(int64_t, int64_t) { return false; }
void RowsGemv(int64_t, int64_t, float, const float*, int64_t, const float*, float, float*, int) { std::abort(); }
}  // namespace cpu
}  // namespace hybridrt

#endif
