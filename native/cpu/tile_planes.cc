// Transposed tiles into output planes (tile_planes.h).
#include "cpu/tile_planes.h"

#include "cpu/tap_sum.h"
#include "cpu/transpose8x16.h"
#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

void TileToPlanesScalar(const float* t, int64_t ldt, int64_t rows, int64_t cols, float* y, int64_t ldy) {
  for (int64_t c = 0; c < cols; ++c) {
    for (int64_t i = 0; i < rows; ++i) y[c * ldy + i] = t[i * ldt + c];
  }
}

#ifdef HR_X86
__attribute__((target("avx512f,avx512vl,avx512dq"))) void TileToPlanes512(const float* t, int64_t ldt, int64_t rows,
                                                                          int64_t cols, float* y, int64_t ldy) {
  const __mmask8 rm = static_cast<__mmask8>((1u << rows) - 1u);
  for (int64_t c0 = 0; c0 < cols; c0 += 16) {
    const int64_t n = cols - c0 < 16 ? cols - c0 : 16;
    const __mmask16 cm = static_cast<__mmask16>((1u << n) - 1u);
    __m512 v[8], out[8];
    for (int i = 0; i < 8; ++i) v[i] = i < rows ? _mm512_maskz_loadu_ps(cm, t + i * ldt + c0) : _mm512_setzero_ps();
    Transpose8x16(v, out);
    for (int q = 0; q < 8; ++q) {
      const int64_t lo = kTransposedLow[q], hi = kTransposedLow[q] + 8;  // out[q]'s channels (low and high half)
      if (lo < n) _mm256_mask_storeu_ps(y + (c0 + lo) * ldy, rm, _mm512_castps512_ps256(out[q]));
      if (hi < n) _mm256_mask_storeu_ps(y + (c0 + hi) * ldy, rm, _mm512_extractf32x8_ps(out[q], 1));
    }
  }
}
#endif

}  // namespace

void TileToPlanes(const float* t, int64_t ldt, int64_t rows, int64_t cols, float* y, int64_t ldy) {
#ifdef HR_X86
  static const bool avx512 =
      VectorKernel() == SimdKernel::kAvx512 && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  if (avx512) {
    for (int64_t r0 = 0; r0 < rows; r0 += 8) {
      TileToPlanes512(t + r0 * ldt, ldt, rows - r0 < 8 ? rows - r0 : 8, cols, y + r0, ldy);
    }
    return;
  }
#endif
  TileToPlanesScalar(t, ldt, rows, cols, y, ldy);
}

}  // namespace cpu
}  // namespace hybridrt
