// The per-channel affine planes (pointwise_affine.h): 16 floats a vector on AVX-512, else the
// plain loop (4 wide at the baseline; no FMA there to contract the product and the sum).
#include "cpu/pointwise_affine.h"

#include "cpu/activation_simd.h"
#include "cpu/tap_sum.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

#ifdef HR_X86
// Relu as max(0, v): max keeps its second operand where either is NaN or both are zeros, so NaN
// and -0 are kept, as v < 0 ? 0 : v keeps them.
__attribute__((target("avx512f"))) void Plane512(const float* x, float s, float t, float* y, int64_t n, bool relu) {
  const __m512 sv = _mm512_set1_ps(s), tv = _mm512_set1_ps(t), zero = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), sv);
    __asm__("" : "+v"(v));  // the product rounded: GCC would contract the mul and add into an FMA
    v = _mm512_add_ps(v, tv);
    if (relu) v = _mm512_max_ps(zero, v);
    _mm512_mask_storeu_ps(y + i, m, v);
  }
}
#endif

void PlanePortable(const float* x, float s, float t, float* y, int64_t n, bool relu) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i] * s + t;
    y[i] = relu && v < 0 ? 0.0f : v;
  }
}

}  // namespace

void ChannelAffinePlanes(const float* x, const float* scale, const float* shift, float* y, int64_t plane,
                         int64_t channels, bool relu, int64_t p0, int64_t p1) {
#ifdef HR_X86
  const bool v512 = VectorKernel() == SimdKernel::kAvx512;
#else
  const bool v512 = false;
#endif
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t c = p % channels, at = p * plane;
#ifdef HR_X86
    if (v512) {
      Plane512(x + at, scale[c], shift[c], y + at, plane, relu);
      continue;
    }
#endif
    (void)v512;
    PlanePortable(x + at, scale[c], shift[c], y + at, plane, relu);
  }
}

}  // namespace cpu
}  // namespace hybridrt
