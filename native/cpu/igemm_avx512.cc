// The AVX-512 VNNI int8 micro-kernel (igemm.h): an 8 x 32 tile of int32 sums in sixteen zmm
// accumulators; per k-group two loads of B (32 columns x 4 uint8) and eight broadcasts of A
// (4 int8 of a row), each feeding two vpdpbusd (u8 x s8, four products summed into each int32
// lane, exactly); a panel of at most 16 columns runs one of the two halves. Compiled through a
// target attribute; igemm.cc picks it where the CPU has AVX-512 VNNI.
#include <cstdlib>

#include "cpu/igemm.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

// The tile's sums; with kHalf only its first 16 columns (the rest are not computed: a panel
// of at most 16 columns, a late layer's 4 x 4 plane, costs half).
template <bool kHalf>
__attribute__((target("avx512f,avx512vnni"))) inline void VnniTile(int64_t groups, const int8_t* pa, const uint8_t* pb,
                                                                   __m512i (&acc)[kIgemmMR512][2]) {
#pragma GCC unroll 8
  for (int r = 0; r < kIgemmMR512; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
  for (int64_t g = 0; g < groups; ++g) {
    const __m512i p = _mm512_loadu_si512(pb);
    const __m512i q = kHalf ? _mm512_setzero_si512() : _mm512_loadu_si512(pb + 64);
#pragma GCC unroll 8
    for (int r = 0; r < kIgemmMR512; ++r) {
      int32_t word;
      __builtin_memcpy(&word, pa + r * 4, 4);
      const __m512i a = _mm512_set1_epi32(word);
      acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], p, a);
      if (!kHalf) acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], q, a);
    }
    pa += kIgemmMR512 * 4;
    pb += kIgemmNR512 * 4;
  }
}

__attribute__((target("avx512f,avx512vnni"))) void IgemmKernelVnni(int64_t groups, const int8_t* pa, const uint8_t* pb,
                                                                   int32_t* c, int64_t ldc, int mr, int nr) {
  __m512i acc[kIgemmMR512][2];
  if (nr <= 16) {
    VnniTile<true>(groups, pa, pb, acc);
  } else {
    VnniTile<false>(groups, pa, pb, acc);
  }
  const __mmask16 lo = static_cast<__mmask16>(nr >= 16 ? 0xffffu : (1u << nr) - 1u);
  const __mmask16 hi = static_cast<__mmask16>(nr >= 32 ? 0xffffu : nr <= 16 ? 0u : (1u << (nr - 16)) - 1u);
  for (int r = 0; r < mr; ++r) {
    _mm512_mask_storeu_epi32(c + r * ldc, lo, acc[r][0]);
    _mm512_mask_storeu_epi32(c + r * ldc + 16, hi, acc[r][1]);
  }
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
// Unreachable: igemm.cc picks it only on x86-64 with AVX-512 VNNI.
void IgemmKernelVnni(int64_t, const int8_t*, const uint8_t*, int32_t*, int64_t, int, int) { std::abort(); }
}  // namespace cpu
}  // namespace hybridrt

#endif
