// Sixteen floats p[0], p[s], ..., p[15 s] for s in {1, 2} into a zmm register, lanes outside
// the mask zero and their inputs not read (masked loads do not fault): the loads of the direct
// convolution's tap sums (tap_sum.cc) and of the patch packer (patch_pack.cc). Stride 2 loads
// two vectors of consecutive inputs and keeps the even lanes. Compiled for avx512f through a
// target attribute: callers run it only where VectorKernel() is kAvx512.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

template <int S>
__attribute__((target("avx512f"))) inline __m512 StridedLoad512(const float* p, __mmask16 m) {
  if constexpr (S == 1) {
    return _mm512_maskz_loadu_ps(m, p);
  } else {
    // Output lane j reads input 2j: input lanes 2j of the first 16 and of the next 16.
    const unsigned full = m;
    unsigned lo = 0, hi = 0;
    for (int j = 0; j < 16; ++j) {
      if (!(full >> j & 1u)) continue;
      if (j < 8) lo |= 1u << (2 * j);
      else hi |= 1u << (2 * j - 16);
    }
    const __m512 a = _mm512_maskz_loadu_ps(static_cast<__mmask16>(lo), p);
    const __m512 b = _mm512_maskz_loadu_ps(static_cast<__mmask16>(hi), p + 16);
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    return _mm512_permutex2var_ps(a, even, b);
  }
}

}  // namespace cpu
}  // namespace hybridrt

#endif
