// The AVX-512 SGEMM micro-kernel: an 8 x 32 tile of C (kGemmMR512 x kGemmNR512) in sixteen zmm
// accumulators, two loads of B and eight broadcasts of A per k: sixteen independent FMA chains
// hide the FMA latency, and each load feeds two FMAs (the 6 x 16 tile of the AVX2 kernel, one
// zmm a row, fed one FMA per load and ran out of load slots first). Compiled for avx512f
// through a target attribute; sgemm.cc picks it at run time where the CPU has AVX-512F.
#include "cpu/sgemm.h"

#include <cstdlib>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

__attribute__((target("avx512f"))) void MicroKernelAvx512(int64_t kc, const float* pa, const float* pb, float* c,
                                                          int64_t ldc, float beta, int mr, int nr) {
  __m512 acc[kGemmMR512][2];
#pragma GCC unroll 8
  for (int r = 0; r < kGemmMR512; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 p = _mm512_load_ps(pb);
    const __m512 q = _mm512_load_ps(pb + 16);
#pragma GCC unroll 8
    for (int r = 0; r < kGemmMR512; ++r) {
      const __m512 a = _mm512_set1_ps(pa[r]);
      acc[r][0] = _mm512_fmadd_ps(a, p, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, q, acc[r][1]);
    }
    pa += kGemmMR512;
    pb += kGemmNR512;
  }
  // Columns past nr are masked off, so partial tiles store straight into C too.
  const __mmask16 lo = static_cast<__mmask16>(nr >= 16 ? 0xffffu : (1u << nr) - 1u);
  const __mmask16 hi = static_cast<__mmask16>(nr >= 32 ? 0xffffu : nr <= 16 ? 0u : (1u << (nr - 16)) - 1u);
  const __m512 vb = _mm512_set1_ps(beta);
  for (int r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    if (beta == 0) {
      _mm512_mask_storeu_ps(row, lo, acc[r][0]);
      _mm512_mask_storeu_ps(row + 16, hi, acc[r][1]);
    } else {
      _mm512_mask_storeu_ps(row, lo, _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(lo, row), acc[r][0]));
      _mm512_mask_storeu_ps(row + 16, hi, _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(hi, row + 16), acc[r][1]));
    }
  }
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
// Unreachable: HasAvx512() is false where this file has no AVX-512 kernel, and the portable
// kernel reads 6 x 16 panels, not this kernel's 8 x 32 ones.
void MicroKernelAvx512(int64_t, const float*, const float*, float*, int64_t, float, int, int) { std::abort(); }
}  // namespace cpu
}  // namespace hybridrt

#endif
