// The flat depthwise form (depthwise.h): a masked load per (block of 16 outputs, tap) from the
// unpadded input plane. The AVX2 form runs each block as two halves of 8 lanes.
#include "cpu/depthwise.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "cpu/tap_sum.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kLanes = 16;

// The input of tap t for output position j: j + shift[t], inside the plane where `masks` says.
// Lanes past the plane's end or in the padding get w * 0, as from a zero-padded copy.
void PlanesPortable(const DepthwisePlan& p, const float* x, const float* w, const float* bias, const float* z, float* y,
                    int64_t planes) {
  const int64_t n = p.out_size, taps = p.taps;
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    const float* wc = w + c * taps;
    const uint16_t* m = p.masks.data();
    for (int64_t i = 0; i < n; i += kLanes, m += taps) {
      const int64_t len = n - i < kLanes ? n - i : kLanes;
      float acc[kLanes] = {};
      for (int64_t t = 0; t < taps; ++t) {
        const float wv = wc[t];
        for (int64_t l = 0; l < len; ++l) acc[l] += wv * ((m[t] >> l & 1u) ? xc[i + l + p.shift[t]] : 0.0f);
      }
      for (int64_t l = 0; l < len; ++l) {
        float v = acc[l];
        if (bias) v += bias[c];
        if (z) v += z[c * n + i + l];
        y[c * n + i + l] = v;
      }
    }
  }
}

// MaxPool's NaN-propagating max (pooling.cc's MaxNan).
inline float MaxNan(float acc, float v) { return (v > acc || v != v) ? v : acc; }

void MaxPortable(const DepthwisePlan& p, const float* x, float* y, int64_t planes) {
  const int64_t n = p.out_size, taps = p.taps;
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    const uint16_t* m = p.masks.data();
    for (int64_t i = 0; i < n; i += kLanes, m += taps) {
      const int64_t len = n - i < kLanes ? n - i : kLanes;
      for (int64_t l = 0; l < len; ++l) {
        float acc = -std::numeric_limits<float>::infinity();
        for (int64_t t = 0; t < taps; ++t) {
          if (m[t] >> l & 1u) acc = MaxNan(acc, xc[i + l + p.shift[t]]);
        }
        y[c * n + i + l] = acc;
      }
    }
  }
}

#ifdef HR_X86
// MaxNan on 16 lanes: (v > acc) ? v : acc from MAXPS (which returns its second operand where
// either is NaN), then v where v is NaN.
__attribute__((target("avx512f"))) void Max512(const DepthwisePlan& p, const float* x, float* y, int64_t planes) {
  const int64_t n = p.out_size, taps = p.taps;
  const int64_t* shift = p.shift.data();
  const __m512 lowest = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    float* yc = y + c * n;
    const uint16_t* m = p.masks.data();
    for (int64_t i = 0; i < n; i += kLanes, m += taps) {
      __m512 a = lowest;
      for (int64_t t = 0; t < taps; ++t) {
        const __m512 v = _mm512_mask_loadu_ps(lowest, m[t], xc + (i + shift[t]));
        a = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), _mm512_max_ps(v, a), v);
      }
      _mm512_mask_storeu_ps(yc + i, static_cast<__mmask16>(n - i >= kLanes ? 0xffffu : (1u << (n - i)) - 1u), a);
    }
  }
}

__attribute__((target("avx512f"))) void Planes512(const DepthwisePlan& p, const float* x, const float* w,
                                                  const float* bias, const float* z, float* y, int64_t planes) {
  const int64_t n = p.out_size, taps = p.taps;
  const int64_t* shift = p.shift.data();
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    const float* wc = w + c * taps;
    float* yc = y + c * n;
    const float* zc = z ? z + c * n : nullptr;
    const uint16_t* m = p.masks.data();
    for (int64_t i = 0; i < n; i += kLanes, m += taps) {
      __m512 a = _mm512_setzero_ps();
      // NOTE: the address of a masked-off lane may lie outside the plane; masked loads do not
      // read (or fault on) those lanes.
      for (int64_t t = 0; t < taps; ++t)
        a = _mm512_fmadd_ps(_mm512_set1_ps(wc[t]), _mm512_maskz_loadu_ps(m[t], xc + (i + shift[t])), a);
      const __mmask16 st = static_cast<__mmask16>(n - i >= kLanes ? 0xffffu : (1u << (n - i)) - 1u);
      if (bias) a = _mm512_add_ps(a, _mm512_set1_ps(bias[c]));
      if (zc) a = _mm512_add_ps(a, _mm512_maskz_loadu_ps(st, zc + i));
      _mm512_mask_storeu_ps(yc + i, st, a);
    }
  }
}

// Planes512 with the tap count a constant: the weights and shifts in registers, four blocks at
// once (four independent FMA chains: one chain of T dependent FMAs per block left the FMA
// units waiting on its latency). Each block's sum is still its taps in order.
template <int T>
__attribute__((target("avx512f"))) void Planes512T(const DepthwisePlan& p, const float* x, const float* w,
                                                   const float* bias, const float* z, float* y, int64_t planes) {
  const int64_t n = p.out_size;
  int64_t shift[T];
  for (int t = 0; t < T; ++t) shift[t] = p.shift[t];
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    float* yc = y + c * n;
    const float* zc = z ? z + c * n : nullptr;
    __m512 wv[T];
    for (int t = 0; t < T; ++t) wv[t] = _mm512_set1_ps(w[c * T + t]);
    const __m512 bv = _mm512_set1_ps(bias ? bias[c] : 0.0f);
    const uint16_t* m = p.masks.data();
    int64_t i = 0;
    for (; i + 4 * kLanes <= n; i += 4 * kLanes, m += 4 * T) {
      __m512 a[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
      for (int t = 0; t < T; ++t) {
        for (int b = 0; b < 4; ++b)
          a[b] = _mm512_fmadd_ps(wv[t], _mm512_maskz_loadu_ps(m[b * T + t], xc + (i + b * kLanes + shift[t])), a[b]);
      }
      for (int b = 0; b < 4; ++b) {
        if (bias) a[b] = _mm512_add_ps(a[b], bv);
        if (zc) a[b] = _mm512_add_ps(a[b], _mm512_loadu_ps(zc + i + b * kLanes));
        _mm512_storeu_ps(yc + i + b * kLanes, a[b]);
      }
    }
    for (; i < n; i += kLanes, m += T) {
      __m512 a = _mm512_setzero_ps();
      for (int t = 0; t < T; ++t) a = _mm512_fmadd_ps(wv[t], _mm512_maskz_loadu_ps(m[t], xc + (i + shift[t])), a);
      const __mmask16 st = static_cast<__mmask16>(n - i >= kLanes ? 0xffffu : (1u << (n - i)) - 1u);
      if (bias) a = _mm512_add_ps(a, bv);
      if (zc) a = _mm512_add_ps(a, _mm512_maskz_loadu_ps(st, zc + i));
      _mm512_mask_storeu_ps(yc + i, st, a);
    }
  }
}

// Lanes whose bit is set in `bits` (8 bits), as an AVX2 load/store mask.
__attribute__((target("avx2,fma"))) inline __m256i Lanes8(unsigned bits) {
  const __m256i sel = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(static_cast<int>(bits)), sel), sel);
}

__attribute__((target("avx2,fma"))) void Max256(const DepthwisePlan& p, const float* x, float* y, int64_t planes) {
  const int64_t n = p.out_size, taps = p.taps;
  const int64_t* shift = p.shift.data();
  const __m256 lowest = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    float* yc = y + c * n;
    const uint16_t* m = p.masks.data();
    for (int64_t i = 0; i < n; i += kLanes, m += taps) {
      const int64_t len = n - i < kLanes ? n - i : kLanes;
      for (int64_t h = 0; h < len; h += 8) {
        __m256 a = lowest;
        for (int64_t t = 0; t < taps; ++t) {
          const __m256i in = Lanes8(m[t] >> h & 0xffu);
          const __m256 v =
              _mm256_blendv_ps(lowest, _mm256_maskload_ps(xc + (i + h + shift[t]), in), _mm256_castsi256_ps(in));
          a = _mm256_blendv_ps(_mm256_max_ps(v, a), v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        }
        const unsigned st = len - h >= 8 ? 0xffu : (1u << (len - h)) - 1u;
        _mm256_maskstore_ps(yc + i + h, Lanes8(st), a);
      }
    }
  }
}

__attribute__((target("avx2,fma"))) void Planes256(const DepthwisePlan& p, const float* x, const float* w,
                                                   const float* bias, const float* z, float* y, int64_t planes) {
  const int64_t n = p.out_size, taps = p.taps;
  const int64_t* shift = p.shift.data();
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    const float* wc = w + c * taps;
    float* yc = y + c * n;
    const float* zc = z ? z + c * n : nullptr;
    const uint16_t* m = p.masks.data();
    for (int64_t i = 0; i < n; i += kLanes, m += taps) {
      __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
      const bool two = n - i > 8;
      for (int64_t t = 0; t < taps; ++t) {
        const __m256 wv = _mm256_set1_ps(wc[t]);
        const float* s = xc + (i + shift[t]);
        a = _mm256_fmadd_ps(wv, _mm256_maskload_ps(s, Lanes8(m[t] & 0xffu)), a);
        if (two) b = _mm256_fmadd_ps(wv, _mm256_maskload_ps(s + 8, Lanes8(m[t] >> 8)), b);
      }
      if (bias) {
        a = _mm256_add_ps(a, _mm256_set1_ps(bias[c]));
        b = _mm256_add_ps(b, _mm256_set1_ps(bias[c]));
      }
      const int64_t len = n - i < kLanes ? n - i : kLanes;
      const unsigned st = len >= kLanes ? 0xffffu : (1u << len) - 1u;
      const __m256i lo = Lanes8(st & 0xffu), hi = Lanes8(st >> 8);
      if (zc) {
        a = _mm256_add_ps(a, _mm256_maskload_ps(zc + i, lo));
        if (two) b = _mm256_add_ps(b, _mm256_maskload_ps(zc + i + 8, hi));
      }
      _mm256_maskstore_ps(yc + i, lo, a);
      if (two) _mm256_maskstore_ps(yc + i + 8, hi, b);
    }
  }
}
// line[0, 2, 4, ...] to even, line[1, 3, ...] to odd (n inputs).
__attribute__((target("avx512f"))) void Split512(const float* line, int64_t n, float* even, float* odd) {
  const __m512i ie = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i io = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  for (int64_t i = 0; i < n; i += 32) {
    const int64_t len = n - i < 32 ? n - i : 32;
    const __mmask16 la = static_cast<__mmask16>(len >= 16 ? 0xffffu : (1u << len) - 1u);
    const __mmask16 lb = static_cast<__mmask16>(len >= 32 ? 0xffffu : len > 16 ? (1u << (len - 16)) - 1u : 0u);
    const __m512 a = _mm512_maskz_loadu_ps(la, line + i), b = _mm512_maskz_loadu_ps(lb, line + i + 16);
    const int64_t ne = (len + 1) / 2, no = len / 2;
    _mm512_mask_storeu_ps(even + i / 2, static_cast<__mmask16>(ne >= 16 ? 0xffffu : (1u << ne) - 1u),
                          _mm512_permutex2var_ps(a, ie, b));
    _mm512_mask_storeu_ps(odd + i / 2, static_cast<__mmask16>(no >= 16 ? 0xffffu : (1u << no) - 1u),
                          _mm512_permutex2var_ps(a, io, b));
  }
}
#endif

void SplitLine(const float* line, int64_t n, float* even, float* odd) {
#ifdef HR_X86
  if (VectorKernel() == SimdKernel::kAvx512) return Split512(line, n, even, odd);
#endif
  for (int64_t i = 0; i + 1 < n; i += 2) {
    even[i / 2] = line[i];
    odd[i / 2] = line[i + 1];
  }
  if (n % 2) even[n / 2] = line[n - 1];
}

}  // namespace

bool DepthwiseFits(const Window& w) {
  // One depth tap, reading depth 0 (a front depth pad would put it in the padding: zeros).
  if (w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad[0] != 0 || w.out_size() <= 0) return false;
  if (w.stride[1] < 1 || w.stride[1] > 2 || w.stride[2] < 1 || w.stride[2] > 2) return false;
  // The mask table holds a uint16 per (block, tap): at most kMaxMasks of them (8 MiB; a
  // 512x512 plane with a 5x5 kernel takes 0.4 M), else `direct`, which keeps no table.
  constexpr int64_t kMaxMasks = 4 << 20;
  if ((w.out_size() + kLanes - 1) / kLanes > kMaxMasks / std::max<int64_t>(1, w.kernel_size())) return false;
  return w.out[2] == (w.in[2] + w.stride[2] - 1) / w.stride[2];
}

DepthwisePlan MakeDepthwisePlan(const Window& w) {
  DepthwisePlan p;
  p.sh = w.stride[1];
  p.sw = w.stride[2];
  p.in_h = w.in[1];
  p.in_w = w.in[2];
  p.hp = (w.in[1] + p.sh - 1) / p.sh;
  p.wp = (w.in[2] + p.sw - 1) / p.sw;  // = the output's width
  p.x_size = w.in_size();
  p.in_size = p.sh * p.sw * p.hp * p.wp;
  p.out_size = w.out_size();
  p.taps = w.kernel_size();
  const int64_t ow = w.out[2], blocks = (p.out_size + kLanes - 1) / kLanes;
  auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  p.shift.resize(p.taps);
  p.masks.assign(blocks * p.taps, 0);
  for (int64_t t = 0; t < p.taps; ++t) {
    int64_t kd, kh, kw;
    w.Tap(t, &kd, &kh, &kw);
    // Input (s oh + e, s ow + f) is in phase (e mod sh, f mod sw), at (oh + e div sh, ow + f div sw).
    const int64_t e = kh * w.dilation[1] - w.pad[1], f = kw * w.dilation[2] - w.pad[2];
    const int64_t qe = floor_div(e, p.sh), qf = floor_div(f, p.sw);
    const int64_t phase = (e - qe * p.sh) * p.sw + (f - qf * p.sw);
    p.shift[t] = phase * p.hp * p.wp + qe * p.wp + qf;
    for (int64_t j = 0; j < p.out_size; ++j) {
      const int64_t ih = j / ow * p.sh + e, iw = j % ow * p.sw + f;
      if (ih >= 0 && ih < w.in[1] && iw >= 0 && iw < w.in[2])
        p.masks[(j / kLanes) * p.taps + t] |= static_cast<uint16_t>(1u << (j % kLanes));
    }
  }
  p.aligned3 = p.sh == 1 && p.sw == 1 && w.kernel[1] == 3 && w.kernel[2] == 3 && w.pad[1] == 1 && w.pad[2] == 1 &&
               w.dilation[1] == 1 && w.dilation[2] == 1 && w.out[1] == w.in[1] && w.out[2] == w.in[2] &&
               w.in[2] % kLanes == 0;
  return p;
}

void DepthwisePhases(const DepthwisePlan& p, const float* x, float* buf, int64_t planes) {
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.x_size;
    float* bc = buf + c * p.in_size;
    for (int64_t r = 0; r < p.in_h; ++r) {
      const float* line = xc + r * p.in_w;
      float* to = bc + ((r % p.sh) * p.sw * p.hp + r / p.sh) * p.wp;  // phase (r mod sh, 0), row r div sh
      if (p.sw == 1) {
        std::memcpy(to, line, static_cast<size_t>(p.in_w) * sizeof(float));
      } else {
        SplitLine(line, p.in_w, to, to + p.hp * p.wp);
      }
    }
  }
}

void FlatMaxPlanes(const DepthwisePlan& p, const float* x, float* y, int64_t planes) {
#ifdef HR_X86
  if (VectorKernel() == SimdKernel::kAvx512) return Max512(p, x, y, planes);
  if (VectorKernel() == SimdKernel::kAvx2) return Max256(p, x, y, planes);
#endif
  MaxPortable(p, x, y, planes);
}

#ifdef HR_X86
namespace {

// One row kh of the 3x3 taps of the block at column b * 16 of output row r (plan.aligned3): the
// row's vector and its neighbours, the -1 and +1 columns made by shifting one lane in from
// them; a neighbour past the row's ends, or a row outside the plane, is zeros, as the masked
// loads give. Three FMAs in tap order.
__attribute__((target("avx512f"), always_inline)) inline __m512 Aligned3Row(const float* xc, int64_t h, int64_t wd,
                                                                            int64_t r, int64_t b, int64_t nb,
                                                                            const __m512* wv, __m512 a) {
  __m512 prev = _mm512_setzero_ps(), cur = prev, next = prev;
  if (r >= 0 && r < h) {
    const float* q = xc + r * wd + b * kLanes;
    cur = _mm512_loadu_ps(q);
    if (b > 0) prev = _mm512_loadu_ps(q - kLanes);
    if (b + 1 < nb) next = _mm512_loadu_ps(q + kLanes);
  }
  const __m512i ci = _mm512_castps_si512(cur);
  const __m512 left = _mm512_castsi512_ps(_mm512_alignr_epi32(ci, _mm512_castps_si512(prev), 15));
  const __m512 right = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(next), ci, 1));
  a = _mm512_fmadd_ps(wv[0], left, a);
  a = _mm512_fmadd_ps(wv[1], cur, a);
  return _mm512_fmadd_ps(wv[2], right, a);
}

// Planes512T<9> for plan.aligned3: no masks and no loads across cache lines (the masked form's
// six shifted taps each split a line), four blocks at once. Each output is its taps in order
// (kh, then kw), FMAs from zero, then + bias, + z: the masked form's bits.
__attribute__((target("avx512f"))) void Aligned3x3_512(const DepthwisePlan& p, const float* x, const float* w,
                                                       const float* bias, const float* z, float* y, int64_t planes,
                                                       const ClampBounds* clamp) {
  // max(lo, a) then min(hi, .): MAXPS/MINPS return their second operand on NaN, so NaN is kept,
  // and -0 against a 0 bound stays -0, as the formula's compares do.
  const __m512 lo = _mm512_set1_ps(clamp ? clamp->lo : 0.0f), hi = _mm512_set1_ps(clamp ? clamp->hi : 0.0f);
  const int64_t h = p.in_h, wd = p.in_w, nb = wd / kLanes, blocks = h * nb;
  for (int64_t c = 0; c < planes; ++c) {
    const float* xc = x + c * p.in_size;
    float* yc = y + c * p.out_size;
    const float* zc = z ? z + c * p.out_size : nullptr;
    __m512 wv[9];
    for (int t = 0; t < 9; ++t) wv[t] = _mm512_set1_ps(w[c * 9 + t]);
    const __m512 bv = _mm512_set1_ps(bias ? bias[c] : 0.0f);
    for (int64_t j = 0; j < blocks;) {
      const int64_t u = blocks - j >= 4 ? 4 : 1;  // four blocks at once, then one by one
      __m512 a[4];
      for (int64_t k = 0; k < u; ++k) {
        const int64_t r = (j + k) / nb, b = (j + k) % nb;
        a[k] = _mm512_setzero_ps();
        for (int kh = 0; kh < 3; ++kh) a[k] = Aligned3Row(xc, h, wd, r + kh - 1, b, nb, wv + 3 * kh, a[k]);
      }
      for (int64_t k = 0; k < u; ++k, ++j) {
        if (bias) a[k] = _mm512_add_ps(a[k], bv);
        if (zc) a[k] = _mm512_add_ps(a[k], _mm512_loadu_ps(zc + j * kLanes));
        if (clamp) a[k] = _mm512_maskz_min_ps(0xffff, hi, _mm512_maskz_max_ps(0xffff, lo, a[k]));
        _mm512_storeu_ps(yc + j * kLanes, a[k]);
      }
    }
  }
}

}  // namespace
#endif  // HR_X86

namespace {

// The sums alone, in the form the vector kernel selects.
void DepthwiseSums(const DepthwisePlan& p, const float* x, const float* w, const float* bias, const float* z, float* y,
                   int64_t planes) {
#ifdef HR_X86
  const SimdKernel kernel = VectorKernel();
  if (kernel == SimdKernel::kAvx512) {
    if (p.taps == 9) return Planes512T<9>(p, x, w, bias, z, y, planes);
    if (p.taps == 25) return Planes512T<25>(p, x, w, bias, z, y, planes);
    if (p.taps == 3) return Planes512T<3>(p, x, w, bias, z, y, planes);
    return Planes512(p, x, w, bias, z, y, planes);
  }
  if (kernel == SimdKernel::kAvx2) return Planes256(p, x, w, bias, z, y, planes);
#endif
  PlanesPortable(p, x, w, bias, z, y, planes);
}

}  // namespace

void DepthwisePlanes(const DepthwisePlan& p, const float* x, const float* w, const float* bias, const float* z,
                     float* y, int64_t planes, const ClampBounds* clamp) {
#ifdef HR_X86
  if (p.aligned3 && VectorKernel() == SimdKernel::kAvx512) return Aligned3x3_512(p, x, w, bias, z, y, planes, clamp);
#endif
  DepthwiseSums(p, x, w, bias, z, y, planes);
  if (!clamp) return;
  const float lo = clamp->lo, hi = clamp->hi;
  for (int64_t i = 0; i < planes * p.out_size; ++i) {
    const float v = y[i] < lo ? lo : y[i];  // formulas.inc's clip: NaN kept
    y[i] = hi < v ? hi : v;
  }
}

}  // namespace cpu
}  // namespace hybridrt
