// The AVX-512 VNNI int8 micro-kernel (igemm.h): an 8 x 32 tile of int32 sums in sixteen zmm
// accumulators; per k-group two loads of B (32 columns x 4 uint8) and eight broadcasts of A
// (4 int8 of a row), each feeding two vpdpbusd (u8 x s8, four products summed into each int32
// lane, exactly); a panel of at most 16 columns runs one of the two halves. Compiled through a
// target attribute; igemm.cc picks it where the CPU has AVX-512 VNNI. IgemmKernelVnniRequant
// starts each row's sums at minus its zero-point correction (the same int32 sums less it:
// wrapping addition) and requantizes the tile in its registers (quant_requant.h).
#include <cstdlib>

#include "cpu/igemm.h"
#include "cpu/quant_requant.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
// GCC 12 warns that the unmasked AVX-512 intrinsics read an uninitialized register (as
// quant_epilogue.cc).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace hybridrt {
namespace cpu {

// The tile's sums added to acc; with kHalf only its first 16 columns (the rest are not
// computed: a panel of at most 16 columns, a late layer's 4 x 4 plane, costs half).
template <bool kHalf>
__attribute__((target("avx512f,avx512vnni"))) inline void VnniTile(int64_t groups, const int8_t* pa, const uint8_t* pb,
                                                                   __m512i (&acc)[kIgemmMR512][2]) {
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
#pragma GCC unroll 8
  for (int r = 0; r < kIgemmMR512; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
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

// The tile of IgemmKernelVnniRequant, its rows unrolled so that the sums stay in registers
// (a loop over a run-time count of rows kept them in memory).
template <bool kHalf>
__attribute__((target("avx512f,avx512vnni"))) inline void VnniRequantTile(int64_t groups, const int8_t* pa,
                                                                          const uint8_t* pb, int mr, int nr,
                                                                          const Int8Requant& q, int64_t i0,
                                                                          int64_t j0) {
  __m512i acc[kIgemmMR512][2];
#pragma GCC unroll 8
  for (int r = 0; r < kIgemmMR512; ++r) {
    const uint32_t corr = r < mr ? static_cast<uint32_t>(q.corr[i0 + r]) : 0u;
    acc[r][0] = acc[r][1] = _mm512_set1_epi32(static_cast<int32_t>(0u - corr));
  }
  VnniTile<kHalf>(groups, pa, pb, acc);
  const requant::Out512 o = requant::MakeOut512(q);
  const __mmask16 lo = requant::Tail(nr), hi = requant::Tail(nr - 16);
  const int64_t stride = q.stride, first = i0 * stride + j0;
  const float* z = q.z ? q.z + first : nullptr;
  const uint8_t* zq = q.zq ? q.zq + first : nullptr;
  char* y = q.y + first;
  const bool zq_signed = q.zq_signed;
#pragma GCC unroll 8
  for (int r = 0; r < kIgemmMR512; ++r) {
    if (r < mr) {
      const requant::Row512 row = requant::RowOf(q, i0 + r);
      const int64_t at = r * stride;
      requant::Finish(o, row, acc[r][0], z ? z + at : nullptr, zq ? zq + at : nullptr, zq_signed, y + at, lo);
      if (!kHalf && hi) {
        requant::Finish(o, row, acc[r][1], z ? z + at + 16 : nullptr, zq ? zq + at + 16 : nullptr, zq_signed,
                        y + at + 16, hi);
      }
    }
  }
}

__attribute__((target("avx512f,avx512vnni"))) void IgemmKernelVnniRequant(int64_t groups, const int8_t* pa,
                                                                          const uint8_t* pb, int mr, int nr,
                                                                          const Int8Requant& q, int64_t i0,
                                                                          int64_t j0) {
  if (nr <= 16) return VnniRequantTile<true>(groups, pa, pb, mr, nr, q, i0, j0);
  VnniRequantTile<false>(groups, pa, pb, mr, nr, q, i0, j0);
}

// The product of one column (igemm.h IgemmGemvVnni): a zmm holds two k-groups of a panel's 8
// rows (64 bytes of the packed A), so one vpdpbusd takes them against the column's two words,
// each spread over its 8 lanes; four panels at a time for four independent sums; the halves
// added at the end.
__attribute__((target("avx512f,avx512vnni"))) void IgemmGemvVnni(int64_t groups, const int8_t* pa, int64_t panels,
                                                                 const uint8_t* b, int32_t* c) {
  const __m512i spread = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  const int64_t panel_bytes = kIgemmMR512 * groups * 4, pairs = groups / 2;
  for (int64_t p = 0; p < panels; p += 4) {
    const int np = static_cast<int>(panels - p < 4 ? panels - p : 4);
    const int8_t* a = pa + p * panel_bytes;
    __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
    for (int64_t h = 0; h < pairs; ++h) {
      int64_t words;
      __builtin_memcpy(&words, b + 8 * h, 8);
      const __m512i bb = _mm512_permutexvar_epi32(spread, _mm512_set1_epi64(words));
#pragma GCC unroll 4
      for (int q = 0; q < 4; ++q) {
        if (q < np) acc[q] = _mm512_dpbusd_epi32(acc[q], bb, _mm512_loadu_si512(a + q * panel_bytes + h * 64));
      }
    }
    if (groups % 2) {  // the last group: its 32 bytes in the low half
      int32_t word;
      __builtin_memcpy(&word, b + 8 * pairs, 4);
      const __m512i bb = _mm512_maskz_set1_epi32(0x00ff, word);
      for (int q = 0; q < np; ++q)
        acc[q] = _mm512_dpbusd_epi32(acc[q], bb, _mm512_maskz_loadu_epi32(0x00ff, a + q * panel_bytes + pairs * 64));
    }
    for (int q = 0; q < np; ++q) {
      const __m256i sum = _mm256_add_epi32(_mm512_castsi512_si256(acc[q]), _mm512_extracti64x4_epi64(acc[q], 1));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + (p + q) * kIgemmMR512), sum);
    }
  }
}

// InterleaveGroup's columns 64 at a time for 32-column panels (igemm.h): the four rows' bytes
// interleaved within each 128-bit lane as the SSE form does, then a 4 x 4 transpose of the
// 128-bit blocks, so that each lane's 16 columns (64 bytes) leave in one store.
__attribute__((target("avx512f,avx512bw"))) int64_t InterleaveGroup512(const uint8_t* const rows[4], int64_t nc,
                                                                       int64_t groups, int64_t g, uint8_t flip,
                                                                       uint8_t* out) {
  const int64_t panel_bytes = groups * kIgemmNR512 * 4;
  const __m512i f = _mm512_set1_epi8(static_cast<char>(flip));
  int64_t j = 0;
  for (; j + 64 <= nc; j += 64) {
    __m512i r[4];
    for (int t = 0; t < 4; ++t)
      r[t] = rows[t] ? _mm512_xor_si512(_mm512_loadu_si512(rows[t] + j), f) : _mm512_setzero_si512();
    const __m512i r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
    const __m512i lo01 = _mm512_unpacklo_epi8(r0, r1), hi01 = _mm512_unpackhi_epi8(r0, r1);
    const __m512i lo23 = _mm512_unpacklo_epi8(r2, r3), hi23 = _mm512_unpackhi_epi8(r2, r3);
    // Per lane L (columns j + 16 L + [0, 16)): a its columns 0-3, b 4-7, c 8-11, d 12-15.
    const __m512i a = _mm512_unpacklo_epi16(lo01, lo23), b = _mm512_unpackhi_epi16(lo01, lo23);
    const __m512i c = _mm512_unpacklo_epi16(hi01, hi23), d = _mm512_unpackhi_epi16(hi01, hi23);
    const __m512i t0 = _mm512_shuffle_i32x4(a, b, 0x44), t1 = _mm512_shuffle_i32x4(c, d, 0x44);
    const __m512i t2 = _mm512_shuffle_i32x4(a, b, 0xee), t3 = _mm512_shuffle_i32x4(c, d, 0xee);
    const __m512i lanes[4] = {_mm512_shuffle_i32x4(t0, t1, 0x88), _mm512_shuffle_i32x4(t0, t1, 0xdd),
                              _mm512_shuffle_i32x4(t2, t3, 0x88), _mm512_shuffle_i32x4(t2, t3, 0xdd)};
    for (int l = 0; l < 4; ++l) {
      const int64_t col = j + 16 * l;
      _mm512_storeu_si512(out + (col / kIgemmNR512) * panel_bytes + (g * kIgemmNR512 + col % kIgemmNR512) * 4,
                          lanes[l]);
    }
  }
  return j;
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
// Unreachable: igemm.cc picks it only on x86-64 with AVX-512 VNNI.
void IgemmKernelVnni(int64_t, const int8_t*, const uint8_t*, int32_t*, int64_t, int, int) { std::abort(); }
void IgemmGemvVnni(int64_t, const int8_t*, int64_t, const uint8_t*, int32_t*) { std::abort(); }
void IgemmKernelVnniRequant(int64_t, const int8_t*, const uint8_t*, int, int, const Int8Requant&, int64_t, int64_t) {
  std::abort();
}
int64_t InterleaveGroup512(const uint8_t* const[4], int64_t, int64_t, int64_t, uint8_t, uint8_t*) { std::abort(); }
}  // namespace cpu
}  // namespace hybridrt

#endif
