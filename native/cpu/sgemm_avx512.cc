// The AVX-512 SGEMM micro-kernel: the same 6 x 16 tile and packing as the AVX2 one, one zmm
// per row of C. Six FMA chains cannot hide the FMA latency, so k is unrolled by two into a
// second set of six accumulators, summed at the end. Compiled for avx512f through a target
// attribute; sgemm.cc picks it at run time where the CPU has AVX-512F.
#include "cpu/sgemm.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

__attribute__((target("avx512f"))) void MicroKernelAvx512(int64_t kc, const float* pa, const float* pb, float* c,
                                                          int64_t ldc, float beta, int mr, int nr) {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps();
  __m512 a3 = _mm512_setzero_ps(), a4 = _mm512_setzero_ps(), a5 = _mm512_setzero_ps();
  __m512 b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps(), b2 = _mm512_setzero_ps();
  __m512 b3 = _mm512_setzero_ps(), b4 = _mm512_setzero_ps(), b5 = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 1 < kc; k += 2) {
    const __m512 p = _mm512_load_ps(pb);
    const __m512 q = _mm512_load_ps(pb + kGemmNR);
    a0 = _mm512_fmadd_ps(_mm512_set1_ps(pa[0]), p, a0);
    a1 = _mm512_fmadd_ps(_mm512_set1_ps(pa[1]), p, a1);
    a2 = _mm512_fmadd_ps(_mm512_set1_ps(pa[2]), p, a2);
    a3 = _mm512_fmadd_ps(_mm512_set1_ps(pa[3]), p, a3);
    a4 = _mm512_fmadd_ps(_mm512_set1_ps(pa[4]), p, a4);
    a5 = _mm512_fmadd_ps(_mm512_set1_ps(pa[5]), p, a5);
    b0 = _mm512_fmadd_ps(_mm512_set1_ps(pa[6]), q, b0);
    b1 = _mm512_fmadd_ps(_mm512_set1_ps(pa[7]), q, b1);
    b2 = _mm512_fmadd_ps(_mm512_set1_ps(pa[8]), q, b2);
    b3 = _mm512_fmadd_ps(_mm512_set1_ps(pa[9]), q, b3);
    b4 = _mm512_fmadd_ps(_mm512_set1_ps(pa[10]), q, b4);
    b5 = _mm512_fmadd_ps(_mm512_set1_ps(pa[11]), q, b5);
    pa += 2 * kGemmMR;
    pb += 2 * kGemmNR;
  }
  if (k < kc) {
    const __m512 p = _mm512_load_ps(pb);
    a0 = _mm512_fmadd_ps(_mm512_set1_ps(pa[0]), p, a0);
    a1 = _mm512_fmadd_ps(_mm512_set1_ps(pa[1]), p, a1);
    a2 = _mm512_fmadd_ps(_mm512_set1_ps(pa[2]), p, a2);
    a3 = _mm512_fmadd_ps(_mm512_set1_ps(pa[3]), p, a3);
    a4 = _mm512_fmadd_ps(_mm512_set1_ps(pa[4]), p, a4);
    a5 = _mm512_fmadd_ps(_mm512_set1_ps(pa[5]), p, a5);
  }
  const __m512 acc[kGemmMR] = {_mm512_add_ps(a0, b0), _mm512_add_ps(a1, b1), _mm512_add_ps(a2, b2),
                               _mm512_add_ps(a3, b3), _mm512_add_ps(a4, b4), _mm512_add_ps(a5, b5)};
  // Columns past nr are masked off, so partial tiles store straight into C too.
  const __mmask16 cols = static_cast<__mmask16>((1u << nr) - 1u);
  const __m512 vb = _mm512_set1_ps(beta);
  for (int r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    if (beta == 0) {
      _mm512_mask_storeu_ps(row, cols, acc[r]);
    } else {
      const __m512 old = _mm512_maskz_loadu_ps(cols, row);
      _mm512_mask_storeu_ps(row, cols, _mm512_fmadd_ps(vb, old, acc[r]));
    }
  }
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
void MicroKernelAvx512(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float beta, int mr,
                       int nr) {
  MicroKernelPortable(kc, pa, pb, c, ldc, beta, mr, nr);
}
}  // namespace cpu
}  // namespace hybridrt

#endif
