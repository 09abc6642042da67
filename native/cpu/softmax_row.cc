// SoftmaxLine (softmax_row.h): the line's max and the final scaling in AVX-512 or AVX2 where
// the CPU has them (VectorKernel(), the SGEMM micro-kernel's choice), the terms by
// RunSimdExpShifted.
#include "cpu/softmax_row.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu/activation_simd.h"
#include "cpu/tap_sum.h"

#include "cpu/x86.h"
#if defined(HR_X86)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace hybridrt {
namespace cpu {

namespace {

float MaxPortable(const float* x, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) m = std::max(m, x[i]);
  return m;
}

// y = (x + c) * a + b: softmax's term * (1 / sum) (c = b = 0), log-softmax's (x - max) - log(sum)
// (a = 1).
void ScalePortable(const float* x, float* y, int64_t n, float c, float a, float b) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::fma(x[i] + c, a, b);
}

#ifdef HR_X86
// max(x, m) keeps m where x is NaN (the second operand wins on NaN), as std::max(m, x) does.
__attribute__((target("avx512f"))) float Max512(const float* x, int64_t n) {
  const __m512 ninf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __m512 m0 = ninf, m1 = ninf;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    m0 = _mm512_max_ps(_mm512_loadu_ps(x + i), m0);
    m1 = _mm512_max_ps(_mm512_loadu_ps(x + i + 16), m1);
  }
  for (; i < n; i += 16) {
    const __mmask16 k = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    m0 = _mm512_max_ps(_mm512_mask_loadu_ps(ninf, k, x + i), m0);
  }
  return _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
}

// ScalePortable, the last < 16 floats masked.
__attribute__((target("avx512f"))) void Scale512(const float* x, float* y, int64_t n, float c, float a, float b) {
  const __m512 vc = _mm512_set1_ps(c), va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    _mm512_mask_storeu_ps(y + i, k, _mm512_fmadd_ps(_mm512_add_ps(_mm512_maskz_loadu_ps(k, x + i), vc), va, vb));
  }
}

__attribute__((target("avx2,fma"))) float Max256(const float* x, int64_t n) {
  __m256 m = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) m = _mm256_max_ps(_mm256_loadu_ps(x + i), m);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, m);
  float r = MaxPortable(lanes, 8);
  for (; i < n; ++i) r = std::max(r, x[i]);
  return r;
}

__attribute__((target("avx2,fma"))) void Scale256(const float* x, float* y, int64_t n, float c, float a, float b) {
  const __m256 vc = _mm256_set1_ps(c), va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(_mm256_add_ps(_mm256_loadu_ps(x + i), vc), va, vb));
  ScalePortable(x + i, y + i, n - i, c, a, b);
}
#endif

}  // namespace

double SoftmaxLine(const float* x, float* y, int64_t n, bool log, float* scratch) {
  const SimdKernel kernel = VectorKernel();
  float m;
  switch (kernel) {
#ifdef HR_X86
    case SimdKernel::kAvx512: m = Max512(x, n); break;
    case SimdKernel::kAvx2: m = Max256(x, n); break;
#endif
    default: m = MaxPortable(x, n); break;
  }
  const double sum = RunSimdExpShifted(kernel, x, m, log ? scratch : y, n);
  // softmax: term / sum as term * (1 / sum); log-softmax: (x - max) - log(sum).
  const float c = log ? -m : 0.0f;
  const float a = log ? 1.0f : static_cast<float>(1.0 / sum);
  const float b = log ? static_cast<float>(-std::log(sum)) : 0.0f;
  const float* from = log ? x : y;
  switch (kernel) {
#ifdef HR_X86
    case SimdKernel::kAvx512: Scale512(from, y, n, c, a, b); break;
    case SimdKernel::kAvx2: Scale256(from, y, n, c, a, b); break;
#endif
    default: ScalePortable(from, y, n, c, a, b); break;
  }
  return sum;
}

}  // namespace cpu
}  // namespace hybridrt
