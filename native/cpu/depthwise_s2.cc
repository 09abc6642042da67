// Stride-2 depthwise convolutions read from the input itself (depthwise.h DepthwiseRows): no
// split into phases. Tap (kh, kw) of output (oh, ow) reads input row ih = 2 oh + kh - pad_h at
// column 2 ow + kw - pad_w. Two forms, AVX-512 only:
//  - rows (outputs at least 9 wide): 16 outputs of a row from column ow0. Two loads of 16 floats
//    from column s_q = 2 ow0 - pad_w + 2q hold s_q + 2l (their even lanes: kw = 2q) and
//    s_q + 2l + 1 (odd lanes: kw = 2q + 1), l in [0, 16); one permute across the pair picks either.
//  - narrow (inputs at most 16 wide): R = 2 or 4 output rows a vector (16 / R lanes a row). For
//    each kh, the R input rows are loaded side by side into two vectors (32 / R lanes a row), and
//    one permute per kw picks every lane's column, lanes in the padding zeroed by its mask. The
//    rows form spent as many instructions on 4-wide outputs as on 16-wide ones.
// Lanes outside the input (the padding) read zeros (masked off at the load, a row of zeros for a
// row in the padding, or zeroed by the permute), as the phase form's masked loads gave, so each
// output's sum is the phase form's: its taps in order from zero, an FMA each, then + bias, + z;
// the same bits. Relu or Clip is applied before the store, as Clip's formula (NaN and -0 kept).
// The narrow form takes four items (16 outputs each) at once: four independent FMA chains; the
// rows form two items of up to eight output rows each, sharing the input rows between them.
#include <algorithm>
#include <cstdint>

#include "cpu/depthwise.h"
#include "cpu/tap_sum.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kLanes = 16;
constexpr int kItems = 4;

// Lanes l of a 16-float load from column s whose column s + l lies in [0, w).
uint16_t RowMask(int64_t s, int64_t w) {
  unsigned m = 0;
  for (int64_t l = 0; l < kLanes; ++l) {
    if (s + l >= 0 && s + l < w) m |= 1u << l;
  }
  return static_cast<uint16_t>(m);
}

// Output rows a vector in the narrow form (0: the rows form).
int64_t NarrowRows(int64_t in_w) { return in_w <= 8 ? 4 : in_w <= 16 ? 2 : 0; }

#ifdef HR_X86
// + bias, + z, then the clamp, stored under `st`.
__attribute__((target("avx512f"), always_inline)) inline void Finish(__m512 a, const float* bias, const float* z,
                                                                     const ClampBounds* clamp, float* y, __mmask16 st) {
  if (bias) a = _mm512_add_ps(a, _mm512_set1_ps(*bias));
  if (z) a = _mm512_add_ps(a, _mm512_maskz_loadu_ps(st, z));
  if (clamp) {
    // (The maskz forms: GCC warns of the plain forms' undefined pass-through operand.)
    a = _mm512_maskz_min_ps(0xffff, _mm512_set1_ps(clamp->hi),
                            _mm512_maskz_max_ps(0xffff, _mm512_set1_ps(clamp->lo), a));
  }
  _mm512_mask_storeu_ps(y, st, a);
}

// Items are (block of kBlock output rows, 16-output segment), two at once: kBlock * 2 + KH - 2
// input rows feed the block, each row's even and odd columns picked once for every output row
// that reads it (an input row 2 oh + 1 is tap kh = 2 of row oh and kh = 0 of row oh + 1).
template <int KH, int KW>
__attribute__((target("avx512f"))) void Rows512(const DepthwisePlan& p, const float* x, const float* w,
                                                const float* bias, const float* z, float* y, int64_t planes,
                                                const ClampBounds* clamp) {
  // (Blocks of 8 rows for 5x5 windows spilled: 16 accumulators beside 25 weights.)
  constexpr int kBlock = KH <= 3 ? 8 : 4, NQ = (KW + 1) / 2, NR = 2 * kBlock + KH - 2, NB = 2;
  const int64_t ow = p.wp, oh_n = p.out_size / ow, in_w = p.in_w, in_h = p.in_h;
  const int64_t segs = (ow + kLanes - 1) / kLanes, items = (oh_n + kBlock - 1) / kBlock * segs;
  const __m512i ie = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i io = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  const uint16_t* masks = p.row_masks.data();
  const float* zero = p.zero_row.data();
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.x_size;
    const float* wc = w + c * KH * KW;
    float* yc = y + c * p.out_size;
    const float* zc = z ? z + c * p.out_size : nullptr;
    for (int64_t i0 = 0; i0 < items; i0 += NB) {
      const int nb = static_cast<int>(std::min<int64_t>(NB, items - i0));
      __m512 a[NB][kBlock];
      int64_t at[NB], rows[NB], len[NB];
      const float* row[NB][NR];  // item b's input rows from its first column (a zero row in the padding)
      const uint16_t* m[NB];
      for (int b = 0; b < NB; ++b) {
        const int64_t i = b < nb ? i0 + b : i0;  // a short group repeats its first item, unstored
        const int64_t oh0 = i / segs * kBlock, g = i % segs;
        at[b] = oh0 * ow + g * kLanes;
        rows[b] = std::min<int64_t>(kBlock, oh_n - oh0);
        len[b] = std::min(kLanes, ow - g * kLanes);
        m[b] = masks + g * NQ * 2;
        const int64_t col = 2 * g * kLanes - p.pad_w;
        for (int r = 0; r < NR; ++r) {
          const int64_t ih = oh0 * 2 + r - p.pad_h;
          // NOTE: a pointer up to pad_w floats before its row (the plane): the lanes there are
          // masked off and not read.
          row[b][r] = (ih >= 0 && ih < in_h ? xc + ih * in_w : zero) + col;
        }
        for (int j = 0; j < kBlock; ++j) a[b][j] = _mm512_setzero_ps();
      }
      // Each output row's taps in the old order: kh (= r - 2 j) ascending, then kw.
#pragma GCC unroll 16
      for (int r = 0; r < NR; ++r) {
#pragma GCC unroll 4
        for (int q = 0; q < NQ; ++q) {
#pragma GCC unroll 2
          for (int b = 0; b < NB; ++b) {
            if (q == 0) {
              // The same columns of the next block's rows (as addresses: past the plane's end for
              // the last block; a prefetch reads nothing back and does not fault).
              const uintptr_t next = reinterpret_cast<uintptr_t>(row[b][r]) + 2 * kBlock * in_w * sizeof(float);
              _mm_prefetch(reinterpret_cast<const char*>(next), _MM_HINT_T0);
              _mm_prefetch(reinterpret_cast<const char*>(next + kLanes * sizeof(float)), _MM_HINT_T0);
            }
            const __m512 lo = _mm512_maskz_loadu_ps(m[b][2 * q], row[b][r] + 2 * q);
            const __m512 hi = _mm512_maskz_loadu_ps(m[b][2 * q + 1], row[b][r] + 2 * q + kLanes);
            const __m512 e = _mm512_permutex2var_ps(lo, ie, hi);
            const __m512 o = 2 * q + 1 < KW ? _mm512_permutex2var_ps(lo, io, hi) : e;
#pragma GCC unroll 8
            for (int j = 0; j < kBlock; ++j) {
              const int kh = r - 2 * j;
              if (kh < 0 || kh >= KH) continue;
              a[b][j] = _mm512_fmadd_ps(_mm512_set1_ps(wc[kh * KW + 2 * q]), e, a[b][j]);
              if (2 * q + 1 < KW) a[b][j] = _mm512_fmadd_ps(_mm512_set1_ps(wc[kh * KW + 2 * q + 1]), o, a[b][j]);
            }
          }
        }
      }
      for (int b = 0; b < nb; ++b) {
        const __mmask16 st = static_cast<__mmask16>(len[b] >= kLanes ? 0xffffu : (1u << len[b]) - 1u);
        for (int j = 0; j < rows[b]; ++j) {
          const int64_t o = at[b] + j * ow;
          Finish(a[b][j], bias ? bias + c : nullptr, zc ? zc + o : nullptr, clamp, yc + o, st);
        }
      }
    }
  }
}

// R output rows a vector (their input rows 32 / R lanes apart in the sources s0, s1); items are
// (plane, group of R rows), four at once across planes.
template <int KH, int KW, int R>
__attribute__((target("avx512f"))) void Narrow512(const DepthwisePlan& p, const float* x, const float* w,
                                                  const float* bias, const float* z, float* y, int64_t planes,
                                                  const ClampBounds* clamp) {
  const int64_t ow = p.wp, oh_n = p.out_size / ow, in_w = p.in_w, in_h = p.in_h;
  const int64_t groups = (oh_n + R - 1) / R, items = planes * groups;
  const __mmask16 wm = static_cast<__mmask16>((1u << in_w) - 1u);  // a row's lanes
  __m512i idx[KW];
  __mmask16 keep[KW];
  for (int kw = 0; kw < KW; ++kw) {
    idx[kw] = _mm512_loadu_si512(p.narrow_idx.data() + kw * kLanes);
    keep[kw] = p.narrow_keep[kw];
  }
  const float* zero = p.zero_row.data();
  for (int64_t i0 = 0; i0 < items; i0 += kItems) {
    const int nb = static_cast<int>(std::min<int64_t>(kItems, items - i0));
    __m512 a[kItems];
    int64_t c[kItems], at[kItems], len[kItems];
    const float* row[kItems][KH][R];
    for (int b = 0; b < kItems; ++b) {
      a[b] = _mm512_setzero_ps();
      const int64_t i = b < nb ? i0 + b : i0;  // a short group repeats its first item, unstored
      c[b] = i / groups;
      const int64_t oh0 = i % groups * R;
      at[b] = c[b] * p.out_size + oh0 * ow;
      len[b] = std::min<int64_t>(R, oh_n - oh0) * ow;
      const float* xc = x + c[b] * p.x_size;
      for (int kh = 0; kh < KH; ++kh) {
        for (int r = 0; r < R; ++r) {
          const int64_t ih = (oh0 + r) * 2 + kh - p.pad_h;
          row[b][kh][r] = ih >= 0 && ih < in_h && oh0 + r < oh_n ? xc + ih * in_w : zero;
        }
      }
    }
    for (int kh = 0; kh < KH; ++kh) {
      for (int b = 0; b < kItems; ++b) {
        __m512 s0, s1;
        if constexpr (R == 2) {
          s0 = _mm512_maskz_loadu_ps(wm, row[b][kh][0]);
          s1 = _mm512_maskz_loadu_ps(wm, row[b][kh][1]);
        } else {
          // NOTE: the second row's lanes 8.. read from 8 floats before it: masked off below 8.
          const __mmask16 up = static_cast<__mmask16>(wm << 8);
          s0 = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(wm, row[b][kh][0]), up, row[b][kh][1] - 8);
          s1 = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(wm, row[b][kh][2]), up, row[b][kh][3] - 8);
        }
        const float* wc = w + c[b] * KH * KW + kh * KW;
        for (int kw = 0; kw < KW; ++kw)
          a[b] = _mm512_fmadd_ps(_mm512_set1_ps(wc[kw]), _mm512_maskz_permutex2var_ps(keep[kw], s0, idx[kw], s1), a[b]);
      }
    }
    for (int b = 0; b < nb; ++b) {
      const __mmask16 st = static_cast<__mmask16>(len[b] >= kLanes ? 0xffffu : (1u << len[b]) - 1u);
      Finish(a[b], bias ? bias + c[b] : nullptr, z ? z + at[b] : nullptr, clamp, y + at[b], st);
    }
  }
}
#endif

using RowsFn = void (*)(const DepthwisePlan&, const float*, const float*, const float*, const float*, float*, int64_t,
                        const ClampBounds*);

RowsFn RowsKernel(const DepthwisePlan& p) {
#ifdef HR_X86
  if (VectorKernel() != SimdKernel::kAvx512) return nullptr;
  const int64_t r = NarrowRows(p.in_w);
  if (p.kh == 3 && p.kw == 3) return r == 4 ? Narrow512<3, 3, 4> : r == 2 ? Narrow512<3, 3, 2> : Rows512<3, 3>;
  if (p.kh == 5 && p.kw == 5) return r == 4 ? Narrow512<5, 5, 4> : r == 2 ? Narrow512<5, 5, 2> : Rows512<5, 5>;
#endif
  (void)p;
  return nullptr;
}

}  // namespace

void PlanDepthwiseRows(const Window& w, DepthwisePlan* p) {
  p->rows = false;
  if (w.stride[1] != 2 || w.stride[2] != 2 || w.dilation[1] != 1 || w.dilation[2] != 1) return;
  p->kh = w.kernel[1];
  p->kw = w.kernel[2];
  p->pad_h = w.pad[1];
  p->pad_w = w.pad[2];
  if (!RowsKernel(*p)) return;
  const int64_t r = NarrowRows(p->in_w);
  if (r) {
    // Lane l = (row i, column o) of R rows of wp outputs reads source lane i * 32 / R + 2 o + kw -
    // pad_w where that column lies in the input row; the other lanes are zeroed.
    p->narrow_idx.assign(static_cast<size_t>(p->kw * kLanes), 0);
    p->narrow_keep.assign(static_cast<size_t>(p->kw), 0);
    for (int64_t kw = 0; kw < p->kw; ++kw) {
      for (int64_t l = 0; l < std::min(kLanes, r * p->wp); ++l) {
        const int64_t col = 2 * (l % p->wp) + kw - p->pad_w;
        if (col < 0 || col >= p->in_w) continue;
        p->narrow_idx[kw * kLanes + l] = static_cast<int32_t>(l / p->wp * (32 / r) + col);
        p->narrow_keep[kw] = static_cast<uint16_t>(p->narrow_keep[kw] | 1u << l);
      }
    }
  } else {
    const int64_t nq = (p->kw + 1) / 2, segs = (p->wp + kLanes - 1) / kLanes;
    p->row_masks.assign(static_cast<size_t>(segs * nq * 2), 0);
    for (int64_t g = 0; g < segs; ++g) {
      for (int64_t q = 0; q < nq; ++q) {
        const int64_t s = 2 * g * kLanes - p->pad_w + 2 * q;
        p->row_masks[(g * nq + q) * 2] = RowMask(s, p->in_w);
        p->row_masks[(g * nq + q) * 2 + 1] = RowMask(s + kLanes, p->in_w);
      }
    }
  }
  p->zero_row.assign(static_cast<size_t>(std::max<int64_t>(p->in_w, kLanes)), 0.0f);
  p->rows = true;
}

void DepthwiseRows(const DepthwisePlan& p, const float* x, const float* w, const float* bias, const float* z, float* y,
                   int64_t planes, const ClampBounds* clamp) {
  RowsKernel(p)(p, x, w, bias, z, y, planes, clamp);
}

}  // namespace cpu
}  // namespace hybridrt
