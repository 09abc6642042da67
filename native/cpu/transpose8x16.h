// Eight vectors of 16 floats (rows 0-7, the lanes 16 channels) transposed in registers, for the
// kernels that finish a tile with channels in the lanes into planes (conv_lanes.cc's tiles,
// tile_planes.cc's transposed products): 8 x 8 transposes in both 256-bit halves (unpack,
// shuffle within 128-bit lanes), then one two-source permute per pair of channels (j, j + 8)
// into one vector: out[q] holds channel kTransposedLow[q]'s 8 rows in its low half and channel
// kTransposedLow[q] + 8's in its high half.
#pragma once

#include "cpu/x86.h"

#ifdef HR_X86
namespace hybridrt {
namespace cpu {

constexpr int kTransposedLow[8] = {0, 4, 1, 5, 2, 6, 3, 7};

__attribute__((target("avx512f"), always_inline)) inline void Transpose8x16(const __m512 v[8], __m512 out[8]) {
  const __m512i ia = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
  const __m512i ib = _mm512_setr_epi32(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
  __m512 s[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    s[i] = _mm512_unpacklo_ps(v[i], v[i + 1]);
    s[i + 1] = _mm512_unpackhi_ps(v[i], v[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm512_shuffle_ps(s[i], s[i + 2], 0x44);
    u[i + 1] = _mm512_shuffle_ps(s[i], s[i + 2], 0xEE);
    u[i + 2] = _mm512_shuffle_ps(s[i + 1], s[i + 3], 0x44);
    u[i + 3] = _mm512_shuffle_ps(s[i + 1], s[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; ++i) {
    out[2 * i] = _mm512_permutex2var_ps(u[i], ia, u[i + 4]);
    out[2 * i + 1] = _mm512_permutex2var_ps(u[i], ib, u[i + 4]);
  }
}

}  // namespace cpu
}  // namespace hybridrt
#endif
