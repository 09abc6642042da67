// Single-precision GEMM, the engine of convolution, deconvolution and matmul on cpu:
//   C(i,j) = alpha * sum_k A(i,k) * B(k,j) + beta * C(i,j)
// with A(i,k) = a[i*rs_a + k*cs_a] and B(k,j) = b[k*rs_b + j*cs_b] (any strides, so both
// transposes are free) and C row-major with leading dimension ldc. beta == 0 overwrites C
// without reading it.
//
// Blocked in the manner of Goto/BLIS: C is cut into MC x NC tiles spread over the thread
// pool; for each KC slice a tile packs its A block into MR-row panels (alpha folded in) and
// its B block into NR-column panels (or reads the B its thread packed for a previous tile of the
// same columns, where all of its K slices fit the scratch), then a register-tiled MR x NR
// micro-kernel runs over them. The micro-kernel is chosen at run time: AVX-512F
// (sgemm_avx512.cc) or AVX2+FMA (sgemm_avx2.cc) where the CPU has them, a portable C++ one
// otherwise;
// HYBRIDRT_CPU_KERNEL=portable|avx2|avx512 forces one (if the CPU has it), for tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace hybridrt {
namespace cpu {

// The tile of the portable and AVX2 micro-kernels, and of the AVX-512 one; packing follows the
// kernel in use.
constexpr int kGemmMR = 6;
constexpr int kGemmNR = 16;
constexpr int kGemmMR512 = 8;
constexpr int kGemmNR512 = 32;

void Sgemm(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b,
           int64_t rs_b, int64_t cs_b, float beta, float* c, int64_t ldc, int threads);

// A constant operand of Sgemm packed once (convolution and matmul weights) into the panels the
// blocked product reads, every KC slice of them, so that runs skip packing it: side A in
// MR-row panels (alpha folded in), side B in NR-column panels, MR and NR those of the
// micro-kernel in use. For slice p0 (a multiple of KC) the panels of rows (A) or columns (B)
// [i, i + MR) start at p0 * padded + i * kc. Packings of one operand are shared: packing the
// same weights again (another engine instance of a shape range, another context) returns the
// buffer already made while it is alive.
class PackedMatrix {
 public:
  // tile: the panels' rows, the micro-kernel's in use unless kNarrowMR (NarrowFits).
  static PackedMatrix A(int64_t m, int64_t k, float alpha, const float* a, int64_t rs, int64_t cs, int tile = 0);
  static PackedMatrix B(int64_t k, int64_t n, const float* b, int64_t rs, int64_t cs);
  bool empty() const { return !data_; }
  int64_t outer() const { return outer_; }  // m (side A) or n (side B)
  int64_t k() const { return k_; }
  int64_t padded() const { return padded_; }  // outer rounded up to the panel width
  int tile() const { return tile_; }
  const float* data() const { return data_.get(); }
  PackedMatrix() = default;

 private:
  PackedMatrix(int64_t outer, int64_t k, int tile);
  std::shared_ptr<const float> data_;
  int64_t outer_ = 0, k_ = 0, padded_ = 0;
  int tile_ = 0;
};

// Called once for each finished tile of C, rows [i0, i0 + rows) x columns [j0, j0 + cols),
// by the thread that computed it, while the tile is still in its cache: where a layer's bias,
// residual and activation go (one pass less over the output). Tiles never overlap.
using TileEpilogue = std::function<void(int64_t i0, int64_t j0, int64_t rows, int64_t cols)>;

// Packs rows [p0, p0 + kc) x columns [j0, j0 + nc) of a B that is never stored whole (a
// convolution's patch matrix, patch_pack.h) into nr-column panels, as the product packs a
// stored B: panel q holds, for each row, columns j0 + q nr .. j0 + q nr + nr - 1, zero past
// nc. Called by the thread that multiplies the block, once per tile and KC slice.
using PanelPacker = std::function<void(int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* out)>;

// Sgemm with A packed (m and k are the packing's) or with B packed (k and n are the
// packing's); the plain operand as in Sgemm, or B (k x n) from a packer; `epilogue`
// (optional) runs on each tile.
void Sgemm(const PackedMatrix& a, int64_t n, const float* b, int64_t rs_b, int64_t cs_b, float beta, float* c,
           int64_t ldc, int threads, const TileEpilogue* epilogue = nullptr);
void Sgemm(const PackedMatrix& a, int64_t n, const PanelPacker& pack_b, float beta, float* c, int64_t ldc, int threads,
           const TileEpilogue* epilogue = nullptr);
void Sgemm(int64_t m, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const PackedMatrix& b, float beta,
           float* c, int64_t ldc, int threads, const TileEpilogue* epilogue = nullptr);

// A shallow product (k of at most kShallowK: the 1x1 convolutions over 16 to 160 channels of
// MobileNet-style expand and project layers and ResNet's first stage; 256 channels measured
// no faster) with A packed and B read in place,
// row-major with row stride ldb, and finished as it is stored: each C row r gets + bias[r] (if
// bias), + z (if z, as C's layout, row stride ldz), then is clamped to [lo, hi] (if clamp:
// Relu and Clip, as formulas.inc: NaN and -0 kept), or HardSwish in registers (as formulas.inc).
// Other activations keep the blocked product (applied per row of a strip, 32 floats a call, they
// made EfficientNet's SiLU layers slower than its pass per tile). Packing B per tile and a separate
// epilogue pass over each tile were as much time as the FMAs there (a 16 -> 96 layer over
// 112 x 112 positions). ShallowFits says where it applies: the AVX-512 kernel in use, k small.
// Up to kShallowFewK where C has at most kShallowFewM rows (squeezenet1_1's squeeze layers, 256
// -> 32 over 15 x 15 0.050 -> 0.037 ms, 256 -> 48 over 7 x 7 0.024 -> 0.015; ResNet's 256 -> 64
// over 32 x 32 0.20-0.30 -> 0.16-0.17; 256 -> 256 over 32 x 32 was slower: B's strip is read
// again by each of C's 32 row panels). kShallowFewK is at most the blocked product's K slice,
// in which A is packed.
constexpr int64_t kShallowK = 160;
constexpr int64_t kShallowFewK = 256;
constexpr int64_t kShallowFewM = 128;
struct ShallowFinish {
  const float* bias = nullptr;
  const float* z = nullptr;
  int64_t ldz = 0;
  bool clamp = false;
  float lo = 0, hi = 0;
  bool hard_swish = false;  // then x * clamp01(x / 6 + 0.5), as formulas.inc (instead of the clamp)
};
// Or with B from a packer (a convolution's patches over few channels: the 3-channel stems),
// each strip packed as one panel, k up to kShallowPatchK.
constexpr int64_t kShallowPatchK = 160;
// m: C's rows (the output channels), or 0 where not known (then k up to kShallowK only).
bool ShallowFits(int64_t k, bool patches = false, int64_t m = 0);
void SgemmShallow(const PackedMatrix& a, int64_t n, const float* b, int64_t ldb, float* c, int64_t ldc,
                  const ShallowFinish& finish, int threads);
void SgemmShallow(const PackedMatrix& a, int64_t n, const PanelPacker& pack_b, float* c, int64_t ldc,
                  const ShallowFinish& finish, int threads);
// Its micro-kernel: C[mr x nr] (mr <= kGemmMR512, nr <= kGemmNR512) from the packed panel pa
// (kc x kGemmMR512) and B's rows in place; bias and z already offset to the tile.
void ShallowKernelAvx512(int64_t kc, const float* pa, const float* b, int64_t ldb, float* c, int64_t ldc, int mr,
                         int nr, const ShallowFinish& finish);

// Products of at most kNarrowN columns against weights packed for them (PackedMatrix::A with tile
// kNarrowMR: a late convolution's 4 x 4 positions) run on the narrow kernel, where the AVX-512
// kernel is in use: 24 rows x 16 columns, each thread its own rows, B packed once per thread into
// 16 columns, so every weight is read once and feeds 16 columns. NarrowFits says where.
constexpr int64_t kNarrowN = 16;
constexpr int kNarrowMR = 24;
bool NarrowFits(int64_t n);
// C[mr x nr] (mr <= kNarrowMR, nr <= kNarrowN; = or +=, by beta) from a kNarrowMR-row panel of A
// (kc x kNarrowMR) and a 16-column panel of B (kc x 16).
void NarrowKernelAvx512(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float beta, int mr,
                        int nr);

// The micro-kernels: C[mr x nr] (= or +=, by beta) from packed panels pa (kc x MR) and pb
// (kc x NR), MR x NR being kGemmMR x kGemmNR, or kGemmMR512 x kGemmNR512 for the AVX-512 one.
// Full tiles store directly; partial ones go through a local tile (AVX-512: masked stores, and
// only the tile's rows computed).
void MicroKernelPortable(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float beta, int mr,
                         int nr);
void MicroKernelAvx2(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float beta, int mr, int nr);
void MicroKernelAvx512(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float beta, int mr, int nr);

// c[j] = alpha * (a . column j of b) + beta * c[j] for j in [0, n), column j at b + j * ldb
// (k contiguous floats, as a: a fully connected layer's transposed weights), with AVX-512F;
// beta == 0 does not read c. Sgemm's single-row product uses it where the micro-kernel in use
// is the AVX-512 one.
void GemvColumnsAvx512(int64_t n, int64_t k, float alpha, const float* a, const float* b, int64_t ldb, float beta,
                       float* c);

// The micro-kernel in use: "avx512", "avx2" or "portable".
const char* SgemmKernelName();

}  // namespace cpu
}  // namespace hybridrt
