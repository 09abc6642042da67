// The int8 depthwise sums (quant_depthwise.h). The padded plane is as narrow as the window reads
// (width (out_w - 1) sw + kw): a vector's taps past kw (zero weights) and its lanes past the
// row's end (not kept) read the next row's bytes, whatever they are, and 64 bytes of slack
// after the last row keep every load inside the buffer. Planes narrower than 16 outputs put R
// output rows in one vector on AVX-512 (lane l: row l / out_w, column l % out_w), as long as the
// R rows' taps lie within one 64-byte load: a 4 x 4 plane fills all 16 lanes instead of 4.
#include "cpu/quant_depthwise.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "cpu/igemm.h"
#include "cpu/quant_requant.h"
#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

enum class Kind { kPortable, kAvx2, kVnni };

Kind Pick() {
  static const Kind kind = [] {
    const std::string g = IgemmKernelName();
#ifdef HR_X86
    if (g == "avx512vnni" && __builtin_cpu_supports("avx512vbmi")) return Kind::kVnni;
    if (g != "portable" && __builtin_cpu_supports("avx2")) return Kind::kAvx2;
#endif
    return Kind::kPortable;
  }();
  return kind;
}

// Output rows a 16-lane vector takes (1: blocks of 16 along a row): as many as fill it whose
// bytes lie within one 64-byte load from the first row's first tap.
int64_t VectorRows(const Int8DepthwisePlan& p, int64_t width) {
  if (p.out_w >= 16) return 1;
  for (int64_t r = 16 / p.out_w; r > 1; --r) {
    if ((r - 1) * p.sh * width + (p.out_w - 1) * p.sw + 4 * p.groups - 1 < 64) return r;
  }
  return 1;
}

// Plane c's input into the padded plane's interior (its border, the zero point, left as the
// caller wrote it).
void CopyPlane(const Int8DepthwisePlan& p, const uint8_t* x, int64_t c, uint8_t flip, uint8_t* pad) {
  const int64_t h = std::min(p.in_h, p.rows - p.pad_h), cols = std::min(p.in_w, p.stride - p.pad_w);
  const uint8_t* xc = x + c * p.in_h * p.in_w;
  for (int64_t r = 0; r < h; ++r) {
    uint8_t* to = pad + (r + p.pad_h) * p.stride + p.pad_w;
    const uint8_t* from = xc + r * p.in_w;
    if (flip == 0) {
      std::memcpy(to, from, static_cast<size_t>(cols));
    } else {
      for (int64_t j = 0; j < cols; ++j) to[j] = from[j] ^ flip;
    }
  }
}

// The arguments of a run of planes: x (the run's first plane), weights of channel c0 on, the
// flip and the zero point's byte, the padded plane, the sums.
struct Run {
  const uint8_t* x;
  int64_t c0, planes;
  uint8_t flip, zero;
  uint8_t* pad;
  float* y;
  const Int8Requant* q;  // PlanesVnni: requantize into q instead of y
};

void PlanesPortable(const Int8DepthwisePlan& p, const Run& a) {
  const int64_t width = p.stride, out_size = p.out_h * p.out_w;
  for (int64_t i = 0; i < a.planes; ++i) {
    CopyPlane(p, a.x, i, a.flip, a.pad);
    const int8_t* w = p.weights.data() + (a.c0 + i) * p.kh * p.groups * 4;
    const int32_t corr = a.zero * p.sums[a.c0 + i];
    float* y = a.y + i * out_size;
    const uint8_t* pad = a.pad;
    for (int64_t oh = 0; oh < p.out_h; ++oh) {
      for (int64_t ow = 0; ow < p.out_w; ++ow) {
        int32_t acc = -corr;
        for (int64_t kh = 0; kh < p.kh; ++kh) {
          const uint8_t* row = pad + (oh * p.sh + kh) * width + ow * p.sw;
          for (int64_t kw = 0; kw < p.kw; ++kw) acc += static_cast<int32_t>(row[kw]) * w[kh * p.groups * 4 + kw];
        }
        y[oh * p.out_w + ow] = static_cast<float>(acc);
      }
    }
  }
}

#ifdef HR_X86
// CopyPlane with one masked load and store per 64 bytes of a row (most rows are 4 to 64 bytes:
// the byte loop and memcpy's calls took half as long as the sums).
__attribute__((target("avx512f,avx512bw"))) void CopyPlane512(const Int8DepthwisePlan& p, const uint8_t* x, int64_t c,
                                                              uint8_t flip, uint8_t* pad) {
  const int64_t h = std::min(p.in_h, p.rows - p.pad_h), cols = std::min(p.in_w, p.stride - p.pad_w);
  const uint8_t* xc = x + c * p.in_h * p.in_w;
  const __m512i f = _mm512_set1_epi8(static_cast<char>(flip));
  for (int64_t r = 0; r < h; ++r) {
    uint8_t* to = pad + (r + p.pad_h) * p.stride + p.pad_w;
    const uint8_t* from = xc + r * p.in_w;
    for (int64_t j = 0; j < cols; j += 64) {
      const __mmask64 m = cols - j >= 64 ? ~0ull : (1ull << (cols - j)) - 1;
      _mm512_mask_storeu_epi8(to + j, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, from + j), f));
    }
  }
}

// 8 outputs of a row from column ow0: lanes 0-3 from a 16-byte load at s ow0 + 4g, lanes 4-7
// from one 4 s further, each lane's four bytes (s l + 4g + t) picked by vpshufb, then the even
// and odd bytes as int16 against the weights (w0, w2) and (w1, w3) by vpmaddwd.
__attribute__((target("avx2"))) void PlanesAvx2(const Int8DepthwisePlan& p, const Run& a) {
  const int64_t width = p.stride, out_size = p.out_h * p.out_w;
  alignas(32) int8_t idx[2][32] = {};
  for (int64_t g = 0; g < p.groups; ++g) {
    for (int l = 0; l < 8; ++l) {
      for (int t = 0; t < 4; ++t)
        idx[g][(l / 4) * 16 + (l % 4) * 4 + t] = static_cast<int8_t>(p.sw * (l % 4) + 4 * g + t);
    }
  }
  const __m256i ix[2] = {_mm256_load_si256(reinterpret_cast<const __m256i*>(idx[0])),
                         _mm256_load_si256(reinterpret_cast<const __m256i*>(idx[1]))};
  const __m256i low = _mm256_set1_epi16(0x00ff);
  for (int64_t i = 0; i < a.planes; ++i) {
    CopyPlane(p, a.x, i, a.flip, a.pad);
    const int8_t* w = p.weights.data() + (a.c0 + i) * p.kh * p.groups * 4;
    const __m256i corr = _mm256_set1_epi32(-a.zero * p.sums[a.c0 + i]);
    float* y = a.y + i * out_size;
    const uint8_t* pad = a.pad;
    for (int64_t oh = 0; oh < p.out_h; ++oh) {
      for (int64_t ow0 = 0; ow0 < p.out_w; ow0 += 8) {
        __m256i acc = corr;
        for (int64_t kh = 0; kh < p.kh; ++kh) {
          const uint8_t* src = pad + (oh * p.sh + kh) * width + ow0 * p.sw;
          const __m256i v = _mm256_setr_m128i(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)),
                                              _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 4 * p.sw)));
          for (int64_t g = 0; g < p.groups; ++g) {
            const int8_t* wg = w + (kh * p.groups + g) * 4;
            const __m256i b = _mm256_shuffle_epi8(v, ix[g]);
            const __m256i we =
                _mm256_set1_epi32(static_cast<int32_t>(static_cast<uint16_t>(wg[0])) |
                                  static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(wg[2])) << 16));
            const __m256i wo =
                _mm256_set1_epi32(static_cast<int32_t>(static_cast<uint16_t>(wg[1])) |
                                  static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(wg[3])) << 16));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_and_si256(b, low), we));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_srli_epi16(b, 8), wo));
          }
        }
        // Past the row's end the lanes run into the next row's (written after) or the slack.
        _mm256_storeu_ps(y + oh * p.out_w + ow0, _mm256_cvtepi32_ps(acc));
      }
    }
  }
}

// Sums of plane i's outputs from `at` (lanes m, a prefix): as floats into a.y, or requantized
// into a.q.
template <bool kQ>
__attribute__((target("avx512f"))) inline void Store(const Int8DepthwisePlan& p, const Run& a,
                                                     const requant::Out512& out, const requant::Row512& row, int64_t i,
                                                     int64_t at, __mmask16 m, __m512i acc) {
  const int64_t k = i * p.out_h * p.out_w + at;
  if (kQ) {
    const Int8Requant& q = *a.q;
    return requant::Finish(out, row, acc, q.z ? q.z + k : nullptr, q.zq ? q.zq + k : nullptr, q.zq_signed, q.y + k, m);
  }
  _mm512_mask_storeu_ps(a.y + k, m, _mm512_cvtepi32_ps(acc));
}

// Plane i's item `it` (16 sums), masked to the plane's outputs (lanes past the item's row run
// into the next row's outputs, written after).
template <bool kQ>
__attribute__((target("avx512f"))) inline void StoreItem(const Int8DepthwisePlan& p, const Run& a,
                                                         const requant::Out512& out, const requant::Row512& row,
                                                         int64_t i, int64_t it, __m512i acc) {
  const int64_t at = p.item_out[it];
  Store<kQ>(p, a, out, row, i, at, requant::Tail(p.out_h * p.out_w - at), acc);
}

// 16 lanes: R output rows of out_w (R > 1) or 16 outputs of a row from ow0 (R = 1); lane l's
// four bytes of group g at (l / out_w) sh width + (l % out_w) sw + 4g + t (R > 1). Items (one
// vector of outputs each) four at a time: four independent vpdpbusd chains (one chain of KH G
// dependent ones left the unit waiting on its latency). The windows PlanesWhole and PlanesRows
// leave (by_rows takes every 3x3 and 5x5 one), so the plan's kh and groups, not constants. kQ:
// each vector requantized into a.q (quant_requant.h), the plane's last masked to its outputs.
template <bool kQ>
__attribute__((target("avx512f,avx512bw,avx512vnni,avx512vbmi"))) void PlanesVnni(const Int8DepthwisePlan& p,
                                                                                  const Run& a) {
  constexpr int kItems = 4;
  const int64_t kh_n = p.kh, ng = p.groups;
  const int64_t width = p.stride, rows = VectorRows(p, width);
  alignas(64) uint8_t idx[2][64] = {};
  for (int64_t g = 0; g < ng; ++g) {
    for (int l = 0; l < 16; ++l) {
      const int64_t r = rows > 1 ? l / p.out_w : 0, c = rows > 1 ? l % p.out_w : l;
      for (int t = 0; t < 4; ++t) {
        const int64_t at = r < rows ? r * p.sh * width + c * p.sw + 4 * g + t : 0;
        idx[g][l * 4 + t] = static_cast<uint8_t>(at);
      }
    }
  }
  const __m512i ix[2] = {_mm512_load_si512(idx[0]), _mm512_load_si512(idx[1])};
  const int64_t items = static_cast<int64_t>(p.item_in.size());
  requant::Out512 out{};
  if (kQ) out = requant::MakeOut512(*a.q);
  for (int64_t i = 0; i < a.planes; ++i) {
    CopyPlane512(p, a.x, i, a.flip, a.pad);
    // (kh, g) -> its four weights
    const int32_t* wq = reinterpret_cast<const int32_t*>(p.weights.data() + (a.c0 + i) * kh_n * ng * 4);
    const __m512i corr = _mm512_set1_epi32(-a.zero * p.sums[a.c0 + i]);
    requant::Row512 row{};
    if (kQ) row = requant::RowOf(*a.q, i);
    int64_t it = 0;
    for (; it + kItems <= items; it += kItems) {
      const uint8_t* in[kItems];
      __m512i acc[kItems];
      for (int b = 0; b < kItems; ++b) {
        in[b] = a.pad + p.item_in[it + b];
        acc[b] = corr;
      }
      for (int64_t kh = 0; kh < kh_n; ++kh) {
        for (int64_t g = 0; g < ng; ++g) {
          const __m512i w = _mm512_set1_epi32(wq[kh * ng + g]);
          for (int b = 0; b < kItems; ++b)
            acc[b] =
                _mm512_dpbusd_epi32(acc[b], _mm512_permutexvar_epi8(ix[g], _mm512_loadu_si512(in[b] + kh * width)), w);
        }
      }
      for (int b = 0; b < kItems; ++b) StoreItem<kQ>(p, a, out, row, i, it + b, acc[b]);  // in item order
    }
    for (; it < items; ++it) {  // the last items one at a time (a 4 x 4 plane is one)
      __m512i acc = corr;
      for (int64_t kh = 0; kh < kh_n; ++kh) {
        const __m512i v = _mm512_loadu_si512(a.pad + p.item_in[it] + kh * width);
        for (int64_t g = 0; g < ng; ++g)
          acc = _mm512_dpbusd_epi32(acc, _mm512_permutexvar_epi8(ix[g], v), _mm512_set1_epi32(wq[kh * ng + g]));
      }
      StoreItem<kQ>(p, a, out, row, i, it, acc);
    }
  }
}

// PlanesVnni for planes of at most 64 bytes (the plan's `whole`): each plane one masked load,
// flipped, and each (kh, group) of an item one two-source byte permute from it and a vector of
// zero points; no padded copy, whose stores the next loads waited on (a 4 x 4 plane's sums cost
// three times the fp32 layer's).
template <int KH, int NG, bool kQ>
__attribute__((target("avx512f,avx512bw,avx512vnni,avx512vbmi"))) void PlanesWhole(const Int8DepthwisePlan& p,
                                                                                   const Run& a) {
  const int64_t kh_n = KH ? KH : p.kh, ng = NG ? NG : p.groups, in_size = p.in_h * p.in_w;
  const int64_t items = static_cast<int64_t>(p.item_out.size()), per_item = kh_n * ng;
  const __mmask64 m = in_size >= 64 ? ~0ull : (1ull << in_size) - 1;
  const __m512i f = _mm512_set1_epi8(static_cast<char>(a.flip)), zv = _mm512_set1_epi8(static_cast<char>(a.zero));
  requant::Out512 out{};
  if (kQ) out = requant::MakeOut512(*a.q);
  for (int64_t i = 0; i < a.planes; ++i) {
    const __m512i v = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, a.x + i * in_size), f);
    const int32_t* wq = reinterpret_cast<const int32_t*>(p.weights.data() + (a.c0 + i) * per_item * 4);
    const __m512i corr = _mm512_set1_epi32(-a.zero * p.sums[a.c0 + i]);
    requant::Row512 row{};
    if (kQ) row = requant::RowOf(*a.q, i);
    const uint8_t* idx = p.whole_idx.data();
    for (int64_t it = 0; it < items; ++it) {
      __m512i acc = corr;
      for (int64_t k = 0; k < per_item; ++k, idx += 64) {
        const __m512i taps = _mm512_permutex2var_epi8(v, _mm512_loadu_si512(idx), zv);
        acc = _mm512_dpbusd_epi32(acc, taps, _mm512_set1_epi32(wq[k]));
      }
      StoreItem<kQ>(p, a, out, row, i, it, acc);
    }
  }
}

// PlanesRows' taps of input row r for a block whose load starts at xc's column (bytes m inside
// the row; elsewhere, and for a row in the padding, the zero point), one vector per group.
template <int NG>
__attribute__((target("avx512f,avx512bw,avx512vbmi"), always_inline)) inline void RowTaps(
    const uint8_t* xc, int64_t in_h, int64_t in_w, int64_t r, __mmask64 m, __m512i zf, __m512i f, __m512i zv,
    const __m512i* ix, __m512i* taps) {
  if (r < 0 || r >= in_h) {
    for (int g = 0; g < NG; ++g) taps[g] = zv;
    return;
  }
  const __m512i v = _mm512_xor_si512(_mm512_mask_loadu_epi8(zf, m, xc + r * in_w), f);
  for (int g = 0; g < NG; ++g) taps[g] = _mm512_permutexvar_epi8(ix[g], v);
}

// PlanesVnni for 3x3 and 5x5 windows over planes of more than 64 bytes (the plan's `by_rows`):
// blocks of 16 outputs of a row (fewer where the row is shorter), each block's output rows in
// turn, with no padded copy. An input row of the block is one 64-byte load masked to the row
// (the zero point outside it: the padding) and one vpermb per group, kept in registers for the
// KH output rows that read it (stride 1: each row loaded and permuted once instead of KH times;
// stride 2: every other row serves two). Faster than the padded plane at every width, rows of
// fewer than 16 outputs (half-empty vectors) included: 8 x 8 outputs at stride 2 from 16 x 16,
// 11.7 -> 8.3 us for 192 planes.
template <int KH, int NG, int SH, bool kQ>
__attribute__((target("avx512f,avx512bw,avx512vnni,avx512vbmi"))) void PlanesRows(const Int8DepthwisePlan& p,
                                                                                  const Run& a) {
  const int64_t in_size = p.in_h * p.in_w, blocks = (p.out_w + 15) / 16, out_h = p.out_h, out_size = out_h * p.out_w;
  const bool zq_signed = kQ && a.q->zq_signed;
  alignas(64) uint8_t idx[NG][64];
  for (int g = 0; g < NG; ++g) {
    for (int j = 0; j < 64; ++j) idx[g][j] = static_cast<uint8_t>(p.sw * (j / 4) + 4 * g + j % 4);
  }
  __m512i ix[NG];
  for (int g = 0; g < NG; ++g) ix[g] = _mm512_load_si512(idx[g]);
  const __m512i f = _mm512_set1_epi8(static_cast<char>(a.flip)), zv = _mm512_set1_epi8(static_cast<char>(a.zero));
  const __m512i zf = _mm512_xor_si512(zv, f);  // flipped back by the load's xor: the zero point
  requant::Out512 out{};
  if (kQ) out = requant::MakeOut512(*a.q);
  for (int64_t i = 0; i < a.planes; ++i) {
    const uint8_t* xc = a.x + i * in_size;
    const int32_t* wq = reinterpret_cast<const int32_t*>(p.weights.data() + (a.c0 + i) * KH * NG * 4);
    __m512i w[KH * NG];
    for (int k = 0; k < KH * NG; ++k) w[k] = _mm512_set1_epi32(wq[k]);
    const __m512i corr = _mm512_set1_epi32(-a.zero * p.sums[a.c0 + i]);
    requant::Row512 row{};
    if (kQ) row = requant::RowOf(*a.q, i);
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t ow0 = 16 * b, c0 = ow0 * p.sw - p.pad_w;  // the load's first column
      const int64_t lo = std::max<int64_t>(0, -c0), hi = std::min<int64_t>(64, p.in_w - c0);
      const __mmask64 m = hi <= lo ? 0 : (hi - lo == 64 ? ~0ull : ((1ull << (hi - lo)) - 1) << lo);
      const __mmask16 mo = requant::Tail(p.out_w - ow0);
      // The geometry in locals and the outputs' pointers stepped a row at a time: the byte
      // stores may alias the plan, so its fields were read again for every vector.
      const int64_t in_h = p.in_h, in_w = p.in_w, out_w = p.out_w, pad_h = p.pad_h, at = i * out_size + ow0;
      const uint8_t* xb = xc + c0;
      char* yq = kQ ? a.q->y + at : nullptr;
      const float* zf32 = kQ && a.q->z ? a.q->z + at : nullptr;
      const uint8_t* zq = kQ && a.q->zq ? a.q->zq + at : nullptr;
      float* ys = kQ ? nullptr : a.y + at;
      __m512i taps[KH][NG];
      for (int k = 0; k < KH; ++k) RowTaps<NG>(xb, in_h, in_w, k - pad_h, m, zf, f, zv, ix, taps[k]);
      for (int64_t oh = 0; oh < out_h; ++oh) {
        if (oh > 0) {  // the rows of output row oh: SH new ones
          for (int k = 0; k + SH < KH; ++k) {
            for (int g = 0; g < NG; ++g) taps[k][g] = taps[k + SH][g];
          }
          for (int k = std::max(0, KH - SH); k < KH; ++k)
            RowTaps<NG>(xb, in_h, in_w, oh * SH + k - pad_h, m, zf, f, zv, ix, taps[k]);
        }
        __m512i acc = corr;
        for (int k = 0; k < KH; ++k) {
          for (int g = 0; g < NG; ++g) acc = _mm512_dpbusd_epi32(acc, taps[k][g], w[k * NG + g]);
        }
        if (kQ) {
          requant::Finish(out, row, acc, zf32, zq, zq_signed, yq, mo);
          yq += out_w;
          if (zf32) zf32 += out_w;
          if (zq) zq += out_w;
        } else {
          _mm512_mask_storeu_ps(ys, mo, _mm512_cvtepi32_ps(acc));
          ys += out_w;
        }
      }
    }
  }
}

// PlanesVnni for the plan's window.
template <bool kQ>
void PlanesVnniAny(const Int8DepthwisePlan& p, const Run& a) {
  if (p.whole && p.kh == 3 && p.groups == 1) return PlanesWhole<3, 1, kQ>(p, a);
  if (p.whole && p.kh == 5 && p.groups == 2) return PlanesWhole<5, 2, kQ>(p, a);
  if (p.whole) return PlanesWhole<0, 0, kQ>(p, a);
  if (p.by_rows && p.kh == 3 && p.sh == 1) return PlanesRows<3, 1, 1, kQ>(p, a);
  if (p.by_rows && p.kh == 3) return PlanesRows<3, 1, 2, kQ>(p, a);
  if (p.by_rows && p.sh == 1) return PlanesRows<5, 2, 1, kQ>(p, a);
  if (p.by_rows) return PlanesRows<5, 2, 2, kQ>(p, a);
  PlanesVnni<kQ>(p, a);  // other windows (by_rows takes every 3x3 and 5x5 one)
}
#endif

}  // namespace

bool Int8DepthwiseFits(const Window& w) {
  return w.in[0] == 1 && w.kernel[0] == 1 && w.pad[0] == 0 && w.out[0] == 1 && w.dilation[1] == 1 &&
         w.dilation[2] == 1 && w.stride[1] >= 1 && w.stride[1] <= 2 && w.stride[2] >= 1 && w.stride[2] <= 2 &&
         w.kernel[2] <= 8 && w.out_size() > 0;
}

Int8DepthwisePlan PlanInt8Depthwise(const Window& w, const int8_t* weights, int64_t channels) {
  Int8DepthwisePlan p;
  p.kh = w.kernel[1];
  p.kw = w.kernel[2];
  p.sh = w.stride[1];
  p.sw = w.stride[2];
  p.pad_h = w.pad[1];
  p.pad_w = w.pad[2];
  p.in_h = w.in[1];
  p.in_w = w.in[2];
  p.out_h = w.out[1];
  p.out_w = w.out[2];
  p.groups = (p.kw + 3) / 4;
  const int64_t taps = p.kh * p.kw;
  p.weights.assign(static_cast<size_t>(channels * p.kh * p.groups * 4), 0);
  p.sums.assign(static_cast<size_t>(channels), 0);
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t t = 0; t < taps; ++t) {
      const int8_t v = weights[c * taps + t];
      p.weights[(c * p.kh + t / p.kw) * p.groups * 4 + t % p.kw] = v;
      p.sums[c] += v;
    }
  }
  p.stride = (p.out_w - 1) * p.sw + p.kw;
  const int64_t r = Pick() == Kind::kVnni ? VectorRows(p, p.stride) : 1;
  p.rows = ((p.out_h + r - 1) / r * r - 1) * p.sh + p.kh;  // the last vector's rows, read whole
  p.whole = Pick() == Kind::kVnni && p.in_h * p.in_w <= 64;
  p.by_rows = Pick() == Kind::kVnni && !p.whole && ((p.kh == 3 && p.groups == 1) || (p.kh == 5 && p.groups == 2));
  if (p.whole) {
    // Items: outputs [16 it, 16 it + 16); lane l's taps t of (kh, group g) at the input's
    // (oh sh + kh - pad_h, ow sw + 4g + t - pad_w), or 64 (a zero point: padding, a tap past kw
    // whose weight is 0, a lane past the plane).
    const int64_t out_size = p.out_h * p.out_w, items = (out_size + 15) / 16;
    for (int64_t it = 0; it < items; ++it) {
      p.item_out.push_back(it * 16);
      for (int64_t kh = 0; kh < p.kh; ++kh) {
        for (int64_t g = 0; g < p.groups; ++g) {
          for (int64_t l = 0; l < 16; ++l) {
            const int64_t o = it * 16 + l, oh = o / p.out_w, ow = o % p.out_w, ih = oh * p.sh + kh - p.pad_h;
            for (int64_t t = 0; t < 4; ++t) {
              const int64_t iw = ow * p.sw + 4 * g + t - p.pad_w;
              const bool in = o < out_size && 4 * g + t < p.kw && ih >= 0 && ih < p.in_h && iw >= 0 && iw < p.in_w;
              p.whole_idx.push_back(static_cast<uint8_t>(in ? ih * p.in_w + iw : 64));
            }
          }
        }
      }
    }
  } else if (Pick() == Kind::kVnni) {
    // Items: output rows oh .. oh + R, columns ow0 .. ow0 + 16 (R = 1) or all (R > 1).
    const int64_t per_row = r > 1 ? 1 : (p.out_w + 15) / 16, items = (p.out_h + r - 1) / r * per_row;
    for (int64_t i = 0; i < items; ++i) {
      const int64_t oh = i / per_row * r, ow0 = i % per_row * 16;
      p.item_in.push_back(oh * p.sh * p.stride + ow0 * p.sw);
      p.item_out.push_back(oh * p.out_w + ow0);
    }
  }
  return p;
}

bool Int8DepthwiseSums(const Int8DepthwisePlan& p, const uint8_t* x, int64_t c0, int64_t planes, uint8_t flip,
                       uint8_t zero, Int8DepthwiseScratch* scratch, const Int8Requant* q, float* sums) {
  // whole and by_rows read no padded plane (both planned only where the kernel is VNNI).
  uint8_t* padded = nullptr;
  if (!p.whole && !p.by_rows) {
    const size_t bytes = static_cast<size_t>(p.rows * p.stride + 128);
    const int64_t key[7] = {p.rows, p.stride, p.pad_h, p.pad_w, p.in_h, p.in_w, zero};
    if (scratch->bytes.size() < bytes || !std::equal(key, key + 7, scratch->key)) {
      // The border: every plane of this geometry writes the same interior.
      if (scratch->bytes.size() < bytes) scratch->bytes.resize(bytes);
      std::memset(scratch->bytes.data(), zero, bytes);
      std::copy(key, key + 7, scratch->key);
    }
    padded = scratch->bytes.data();
  }
  const Run run{x, c0, planes, flip, zero, padded, sums, q};
#ifdef HR_X86
  switch (Pick()) {
    case Kind::kVnni:
      if (q) PlanesVnniAny<true>(p, run);
      else PlanesVnniAny<false>(p, run);
      return q != nullptr;
    case Kind::kAvx2: PlanesAvx2(p, run); return false;
    default: break;
  }
#endif
  PlanesPortable(p, run);
  return false;
}

const char* Int8DepthwiseKernelName() {
  switch (Pick()) {
    case Kind::kVnni: return "avx512vnni";
    case Kind::kAvx2: return "avx2";
    default: return "portable";
  }
}

}  // namespace cpu
}  // namespace hybridrt
