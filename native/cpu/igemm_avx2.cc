// The AVX2 int8 micro-kernel (igemm.h): a 4 x 8 tile of int32 sums. vpmaddubsw would add two
// u8 x s8 products in int16 and saturate (255 x 127 x 2 > 32767), so the bytes are widened to
// int16 first and vpmaddwd adds pairs into int32, exactly: per k-group, B's 8 columns x 4
// bytes become two registers of 4 columns x 4 int16, and a row's 4 weights, widened and
// repeated, multiply both; each accumulator lane holds half a column's sum (k pairs 0-1 or
// 2-3), added at the end. Compiled through a target attribute; igemm.cc picks it where the CPU
// has AVX2 (and no VNNI, or when forced).
#include <cstdlib>

#include "cpu/igemm.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

__attribute__((target("avx2"))) void IgemmKernelAvx2(int64_t groups, const int8_t* pa, const uint8_t* pb, int32_t* c,
                                                     int64_t ldc, int mr, int nr) {
  __m256i acc[kIgemmMR][2];
  for (int r = 0; r < kIgemmMR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  for (int64_t g = 0; g < groups; ++g) {
    const __m256i b0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pb)));
    const __m256i b1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pb + 16)));
    for (int r = 0; r < kIgemmMR; ++r) {
      int32_t word;
      __builtin_memcpy(&word, pa + r * 4, 4);
      const __m256i a = _mm256_cvtepi8_epi16(_mm_set1_epi32(word));
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(b0, a));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(b1, a));
    }
    pa += kIgemmMR * 4;
    pb += kIgemmNR * 4;
  }
  for (int r = 0; r < mr; ++r) {
    // [c0 c1 c4 c5 | c2 c3 c6 c7] -> columns in order.
    const __m256i sums = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xD8);
    if (nr == kIgemmNR) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * ldc), sums);
    } else {
      alignas(32) int32_t tmp[kIgemmNR];
      _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), sums);
      for (int j = 0; j < nr; ++j) c[r * ldc + j] = tmp[j];
    }
  }
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
// Unreachable: igemm.cc picks it only on x86-64 with AVX2.
void IgemmKernelAvx2(int64_t, const int8_t*, const uint8_t*, int32_t*, int64_t, int, int) { std::abort(); }
}  // namespace cpu
}  // namespace hybridrt

#endif
