// MaxPoolS2 (pool_s2.h). For 16 outputs of a row from output column ow0, input row r: two loads
// from column s = 2 ow0 - pad_w hold columns s .. s + 31, whose even lanes are tap kw = 0 and odd
// lanes kw = 1 of the 16 windows (one permute each), and two loads from s + 2 give kw = 2 (their
// even lanes). Columns outside the input load as -inf, which the max never takes (windows always
// hold a tap inside the input). MaxNan's order: acc = v where v > acc or v is NaN, taps in order;
// per row first (kw = 0, 1, 2), then rows in order: a NaN or the first of equal maxima (-0 and +0)
// is the one the sequential order picks, so the bits are the flat form's.
#include "cpu/pool_s2.h"

#include <algorithm>
#include <vector>

#include "cpu/tap_sum.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

bool MaxPoolS2Fits(const Window& w) {
#ifdef HR_X86
  if (VectorKernel() != SimdKernel::kAvx512) return false;
  if (w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad[0] != 0) return false;
  for (int d = 1; d < 3; ++d) {
    if (w.kernel[d] != 3 || w.stride[d] != 2 || w.dilation[d] != 1 || w.pad[d] < 0 || w.pad[d] > 1) return false;
    // The last window's end at most one past the input (a pad or a ceil-mode overhang).
    if (2 * (w.out[d] - 1) - w.pad[d] + 3 > w.in[d] + 1 || w.out[d] < 1) return false;
  }
  // Rows of 4 to 7 outputs too, in part of a block of 16: squeezenet1_1's last, 256 planes 15 x 15
  // to 7 x 7 in ceil mode, took 0.040 ms in the generic loop (onnxruntime 0.013).
  return w.out[2] >= 4;
#else
  (void)w;
  return false;
#endif
}

#ifdef HR_X86
namespace {

// Lanes l whose column s + l lies in [0, w).
inline __mmask16 ColMask(int64_t s, int64_t w) {
  unsigned m = 0;
  for (int l = 0; l < 16; ++l) {
    if (s + l >= 0 && s + l < w) m |= 1u << l;
  }
  return static_cast<__mmask16>(m);
}

__attribute__((target("avx512f"))) inline __m512 MaxNan16(__m512 acc, __m512 v) {
  // (v > acc) ? v : acc from MAXPS(v, acc) (its second operand where either is NaN), v where v is NaN.
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), _mm512_max_ps(v, acc), v);
}

struct RowMasks {
  __mmask16 a, b, c, d;  // columns s .. s + 15, s + 16 .., s + 2 .., s + 18 ..
};

// The 3-tap maxima (kw = 0, 1, 2 in order) of input row `row` for the 16 windows from column s.
__attribute__((target("avx512f"))) inline __m512 Row3(const float* row, int64_t s, const RowMasks& m, __m512i even,
                                                      __m512i odd) {
  const __m512 ninf = _mm512_set1_ps(-__builtin_inff());
  const __m512 lo = _mm512_mask_loadu_ps(ninf, m.a, row + s), hi = _mm512_mask_loadu_ps(ninf, m.b, row + s + 16);
  const __m512 lo2 = _mm512_mask_loadu_ps(ninf, m.c, row + s + 2), hi2 = _mm512_mask_loadu_ps(ninf, m.d, row + s + 18);
  __m512 acc = _mm512_permutex2var_ps(lo, even, hi);
  acc = MaxNan16(acc, _mm512_permutex2var_ps(lo, odd, hi));
  return MaxNan16(acc, _mm512_permutex2var_ps(lo2, even, hi2));
}

__attribute__((target("avx512f"))) void Planes512(const Window& w, const float* x, float* y, int64_t planes) {
  const int64_t ih = w.in[1], iw = w.in[2], oh_n = w.out[1], ow_n = w.out[2], pt = w.pad[1], pl = w.pad[2];
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  // (Masks only where a load can reach past a row's end: 16-float loads of a row's last
  // columns would read the next row's, which must not join the max.)
  // The blocks' masks, once for all the planes (16 scalar steps each: on 7 x 7 outputs they
  // were a third of a plane's time).
  const int64_t blocks = (ow_n + 15) / 16;
  std::vector<RowMasks> masks(static_cast<size_t>(blocks));
  std::vector<__mmask16> stores(static_cast<size_t>(blocks));
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t s = 32 * b - pl, left = std::min<int64_t>(16, ow_n - 16 * b);
    masks[b] = RowMasks{ColMask(s, iw), ColMask(s + 16, iw), ColMask(s + 2, iw), ColMask(s + 18, iw)};
    stores[b] = static_cast<__mmask16>(left == 16 ? 0xffffu : (1u << left) - 1u);
  }
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * ih * iw;
    float* yp = y + p * oh_n * ow_n;
    for (int64_t ow0 = 0; ow0 < ow_n; ow0 += 16) {
      const int64_t s = 2 * ow0 - pl;
      const RowMasks& m = masks[ow0 / 16];
      const __mmask16 st = stores[ow0 / 16];
      // Input row r = 2 oh - pt + kh; row 2 oh - pt + 2 is row 2 (oh + 1) - pt + 0 of the next.
      __m512 carry = _mm512_setzero_ps();
      int64_t carried = -1;
      for (int64_t oh = 0; oh < oh_n; ++oh) {
        const int64_t r0 = 2 * oh - pt;
        __m512 acc = _mm512_set1_ps(-__builtin_inff());
        bool first = true;
        for (int64_t kh = 0; kh < 3; ++kh) {
          const int64_t r = r0 + kh;
          if (r < 0 || r >= ih) continue;
          const __m512 h = r == carried ? carry : Row3(xp + r * iw, s, m, even, odd);
          acc = first ? h : MaxNan16(acc, h);
          first = false;
          if (kh == 2) {
            carry = h;
            carried = r;
          }
        }
        _mm512_mask_storeu_ps(yp + oh * ow_n + ow0, st, acc);
      }
    }
  }
}

// 2x2/2: outputs of rows 1, 2, 4, 8 or 16 wide (ow) over planes of even height as one flat run
// of n outputs: 16 outputs are 16 / ow output rows, two input rows each, 64 contiguous inputs.
__attribute__((target("avx512f"))) void Flat2x2(const float* x, float* y, int64_t n, int64_t ow) {
  const __m512 ninf = _mm512_set1_ps(-__builtin_inff());
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  // Pair j of the 32 column pairs is input row j / ow's column pair j % ow: output lane l (output
  // row l / ow, column l % ow) reads pair 2 (l / ow) ow + l % ow (its top row) and the next row's.
  alignas(64) int32_t top[16], bottom[16];
  for (int l = 0; l < 16; ++l) {
    top[l] = static_cast<int32_t>(2 * (l / ow) * ow + l % ow);
    bottom[l] = top[l] + static_cast<int32_t>(ow);
  }
  const __m512i it = _mm512_load_si512(top), ib = _mm512_load_si512(bottom);
  for (int64_t i = 0; i < n; i += 16, x += 64, y += 16) {
    const int64_t left = std::min<int64_t>(16, n - i);
    __m512 v[4];
    for (int q = 0; q < 4; ++q) {
      const int64_t in = std::max<int64_t>(0, std::min<int64_t>(16, 4 * left - 16 * q));
      v[q] = _mm512_mask_loadu_ps(ninf, static_cast<__mmask16>((1u << in) - 1u), x + 16 * q);
    }
    const __m512 h0 = MaxNan16(_mm512_permutex2var_ps(v[0], even, v[1]), _mm512_permutex2var_ps(v[0], odd, v[1]));
    const __m512 h1 = MaxNan16(_mm512_permutex2var_ps(v[2], even, v[3]), _mm512_permutex2var_ps(v[2], odd, v[3]));
    const __m512 out = MaxNan16(_mm512_permutex2var_ps(h0, it, h1), _mm512_permutex2var_ps(h0, ib, h1));
    _mm512_mask_storeu_ps(y, static_cast<__mmask16>((1u << left) - 1u), out);
  }
}

// The pair maxima (kw = 0, then 1) of one input row's columns 32 from `row` (lanes outside the
// masks -inf).
__attribute__((target("avx512f"))) inline __m512 Pairs2(const float* row, __mmask16 a, __mmask16 b, __m512 ninf,
                                                        __m512i even, __m512i odd) {
  const __m512 lo = _mm512_mask_loadu_ps(ninf, a, row), hi = _mm512_mask_loadu_ps(ninf, b, row + 16);
  return MaxNan16(_mm512_permutex2var_ps(lo, even, hi), _mm512_permutex2var_ps(lo, odd, hi));
}

// 2x2/2 by output rows, 16 outputs a step: each input row's 32 columns paired, then the rows.
__attribute__((target("avx512f"))) void Rows2x2(const Window& w, const float* x, float* y, int64_t planes) {
  const int64_t ih = w.in[1], iw = w.in[2], oh_n = w.out[1], ow_n = w.out[2];
  const __m512 ninf = _mm512_set1_ps(-__builtin_inff());
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * ih * iw;
    float* yp = y + p * oh_n * ow_n;
    for (int64_t ow0 = 0; ow0 < ow_n; ow0 += 16) {
      const __mmask16 a = ColMask(2 * ow0, iw), b = ColMask(2 * ow0 + 16, iw);
      const int64_t left = std::min<int64_t>(16, ow_n - ow0);
      const __mmask16 st = static_cast<__mmask16>(left == 16 ? 0xffffu : (1u << left) - 1u);
      for (int64_t oh = 0; oh < oh_n; ++oh) {
        const float* r = xp + 2 * oh * iw + 2 * ow0;
        __m512 acc = Pairs2(r, a, b, ninf, even, odd);
        if (2 * oh + 1 < ih) acc = MaxNan16(acc, Pairs2(r + iw, a, b, ninf, even, odd));
        _mm512_mask_storeu_ps(yp + oh * ow_n + ow0, st, acc);
      }
    }
  }
}

}  // namespace
#endif

bool MaxPool2x2Fits(const Window& w) {
#ifdef HR_X86
  if (VectorKernel() != SimdKernel::kAvx512) return false;
  if (w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad[0] != 0) return false;
  for (int d = 1; d < 3; ++d) {
    if (w.kernel[d] != 2 || w.stride[d] != 2 || w.dilation[d] != 1 || w.pad[d] != 0) return false;
  }
  // Every window starts inside the input: an output row past the input's (an overhang of two)
  // would have no taps.
  if (w.in[2] % 2 != 0 || w.out[2] != w.in[2] / 2 || w.out[2] < 1) return false;
  return w.out[1] >= 1 && (w.out[1] == w.in[1] / 2 || w.out[1] == (w.in[1] + 1) / 2);
#else
  (void)w;
  return false;
#endif
}

void MaxPool2x2(const Window& w, const float* x, float* y, int64_t planes) {
#ifdef HR_X86
  const int64_t ow = w.out[2];
  if (w.in[1] % 2 == 0 && w.out[1] == w.in[1] / 2 && ow <= 16 && 16 % ow == 0) {
    return Flat2x2(x, y, planes * w.out_size(), ow);
  }
  Rows2x2(w, x, y, planes);
#else
  (void)w, (void)x, (void)y, (void)planes;
#endif
}

void MaxPoolS2(const Window& w, const float* x, float* y, int64_t planes) {
#ifdef HR_X86
  Planes512(w, x, y, planes);
#else
  (void)w, (void)x, (void)y, (void)planes;
#endif
}

}  // namespace cpu
}  // namespace hybridrt
