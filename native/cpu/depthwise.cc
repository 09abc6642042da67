// The flat depthwise form (depthwise.h): a masked load per (block of 16 outputs, tap) from the
// unpadded input plane. The AVX2 form runs each block as two halves of 8 lanes.
#include "cpu/depthwise.h"

#include "cpu/tap_sum.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HR_X86 1
#endif

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

#ifdef HR_X86
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

// Lanes whose bit is set in `bits` (8 bits), as an AVX2 load/store mask.
__attribute__((target("avx2,fma"))) inline __m256i Lanes8(unsigned bits) {
  const __m256i sel = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(static_cast<int>(bits)), sel), sel);
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
#endif

}  // namespace

bool DepthwiseFits(const Window& w) {
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.stride[1] == 1 && w.stride[2] == 1 &&
         w.out[2] == w.in[2] && w.out_size() > 0;
}

DepthwisePlan MakeDepthwisePlan(const Window& w) {
  DepthwisePlan p;
  p.in_size = w.in_size();
  p.out_size = w.out_size();
  p.taps = w.kernel_size();
  const int64_t width = w.in[2], blocks = (p.out_size + kLanes - 1) / kLanes;
  p.shift.resize(p.taps);
  p.masks.assign(blocks * p.taps, 0);
  for (int64_t t = 0; t < p.taps; ++t) {
    int64_t kd, kh, kw;
    w.Tap(t, &kd, &kh, &kw);
    const int64_t dh = kh * w.dilation[1] - w.pad[1], dw = kw * w.dilation[2] - w.pad[2];
    p.shift[t] = dh * width + dw;
    for (int64_t j = 0; j < p.out_size; ++j) {
      const int64_t ih = j / width + dh, iw = j % width + dw;
      if (ih >= 0 && ih < w.in[1] && iw >= 0 && iw < width)
        p.masks[(j / kLanes) * p.taps + t] |= static_cast<uint16_t>(1u << (j % kLanes));
    }
  }
  return p;
}

void DepthwisePlanes(const DepthwisePlan& p, const float* x, const float* w, const float* bias, const float* z,
                     float* y, int64_t planes) {
#ifdef HR_X86
  const SimdKernel kernel = VectorKernel();
  if (kernel == SimdKernel::kAvx512) return Planes512(p, x, w, bias, z, y, planes);
  if (kernel == SimdKernel::kAvx2) return Planes256(p, x, w, bias, z, y, planes);
#endif
  PlanesPortable(p, x, w, bias, z, y, planes);
}

}  // namespace cpu
}  // namespace hybridrt
