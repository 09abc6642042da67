// The AVX2+FMA SGEMM micro-kernel: a 6 x 16 tile of C in twelve ymm accumulators, one
// broadcast of A and two loads of B per k. Compiled for avx2/fma through a target
// attribute, so the addon still loads on CPUs without them (sgemm.cc checks at run time).
#include "cpu/sgemm.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

__attribute__((target("avx2,fma"))) void MicroKernelAvx2(int64_t kc, const float* pa, const float* pb, float* c,
                                                         int64_t ldc, float beta, int mr, int nr) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(pb);
    const __m256 b1 = _mm256_load_ps(pb + 8);
    __m256 a;
    a = _mm256_broadcast_ss(pa + 0);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(pa + 1);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(pa + 2);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(pa + 3);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(pa + 4);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(pa + 5);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
    pa += kGemmMR;
    pb += kGemmNR;
  }
  alignas(32) float tile[kGemmMR][kGemmNR];
  const __m256 acc[kGemmMR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == kGemmMR && nr == kGemmNR) {
    const __m256 vb = _mm256_set1_ps(beta);
    for (int r = 0; r < kGemmMR; ++r) {
      float* row = c + r * ldc;
      if (beta == 0) {
        _mm256_storeu_ps(row, acc[r][0]);
        _mm256_storeu_ps(row + 8, acc[r][1]);
      } else {
        _mm256_storeu_ps(row, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), acc[r][0]));
        _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), acc[r][1]));
      }
    }
    return;
  }
  for (int r = 0; r < kGemmMR; ++r) {
    _mm256_store_ps(tile[r], acc[r][0]);
    _mm256_store_ps(tile[r] + 8, acc[r][1]);
  }
  for (int r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    if (beta == 0) {
      for (int j = 0; j < nr; ++j) row[j] = tile[r][j];
    } else {
      for (int j = 0; j < nr; ++j) row[j] = beta * row[j] + tile[r][j];
    }
  }
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
void MicroKernelAvx2(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float beta, int mr, int nr) {
  MicroKernelPortable(kc, pa, pb, c, ldc, beta, mr, nr);
}
}  // namespace cpu
}  // namespace hybridrt

#endif
