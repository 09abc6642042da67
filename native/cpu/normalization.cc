// Layer, instance and group normalization. Each normalized group of elements is one
// contiguous row of x: layer -> rows of prod(x[axis:]); instance -> one row per (n, c) of
// the spatial size; group -> one row per (n, g) of C/groups channels times spatial.
// Statistics in double: mean, then variance = mean((x - mean)^2); y = (x - mean) /
// sqrt(var + eps) * scale + bias with scale/bias indexed per element (layer) or per channel,
// in double, rounded to float once. On AVX-512 (VectorKernel()) the same arithmetic runs 8
// doubles a vector (whisper's LayerNorms took twice onnxruntime's time as scalar loops); the
// sums then add in lane order, not element order.
#include <algorithm>
#include <cmath>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/tap_sum.h"
#include "layers/normalization.h"

#include "cpu/x86.h"
#if defined(HR_X86)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace hybridrt {
namespace cpu {

namespace {

struct RowStats {
  double mean, inv;  // inv = 1 / sqrt(var + eps)
};

RowStats StatsPortable(const float* src, int64_t n, double eps) {
  double mean = 0;
  for (int64_t i = 0; i < n; ++i) mean += src[i];
  mean /= static_cast<double>(n);
  double var = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = src[i] - mean;
    var += d * d;
  }
  var /= static_cast<double>(n);
  return {mean, 1.0 / std::sqrt(var + eps)};
}

// dst[i] = (src[i] - mean) * s[i] * inv + b[i] (layer: s, b per element, b may be null), or
// with s[i] = s0 and b[i] = b0 (instance, group: per channel; s0 carries inv).
void ApplyPortable(const float* src, float* dst, int64_t n, RowStats st, const float* s, const float* b, double s0,
                   double b0) {
  if (s) {
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>((src[i] - st.mean) * st.inv * s[i] + (b ? b[i] : 0.0f));
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>((src[i] - st.mean) * s0 + b0);
  }
}

#ifdef HR_X86
__attribute__((target("avx512f"))) inline __mmask16 Mask16(int64_t i, int64_t n) {
  return static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
}

// Floats p[0..15] (the lanes of k; the rest 0) as two vectors of doubles.
__attribute__((target("avx512f"))) inline void Load16(const float* p, __mmask16 k, __m512d* lo, __m512d* hi) {
  const __m512 v = _mm512_maskz_loadu_ps(k, p);
  *lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
  *hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

__attribute__((target("avx512f"))) inline void Store16(float* p, __mmask16 k, __m512d lo, __m512d hi) {
  const __m512d both = _mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo))),
                                          _mm256_castps_pd(_mm512_cvtpd_ps(hi)), 1);
  _mm512_mask_storeu_ps(p, k, _mm512_castpd_ps(both));
}

__attribute__((target("avx512f"))) RowStats Stats512(const float* src, int64_t n, double eps) {
  __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd(), lo, hi;
  for (int64_t i = 0; i < n; i += 16) {
    Load16(src + i, Mask16(i, n), &lo, &hi);
    s0 = _mm512_add_pd(s0, lo);
    s1 = _mm512_add_pd(s1, hi);
  }
  const double mean = _mm512_reduce_add_pd(_mm512_add_pd(s0, s1)) / static_cast<double>(n);
  const __m512d m = _mm512_set1_pd(mean);
  s0 = s1 = _mm512_setzero_pd();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = Mask16(i, n);
    Load16(src + i, k, &lo, &hi);
    // Lanes past n would add mean^2: masked off.
    lo = _mm512_maskz_sub_pd(static_cast<__mmask8>(k), lo, m);
    hi = _mm512_maskz_sub_pd(static_cast<__mmask8>(k >> 8), hi, m);
    s0 = _mm512_fmadd_pd(lo, lo, s0);
    s1 = _mm512_fmadd_pd(hi, hi, s1);
  }
  const double var = _mm512_reduce_add_pd(_mm512_add_pd(s0, s1)) / static_cast<double>(n);
  return {mean, 1.0 / std::sqrt(var + eps)};
}

__attribute__((target("avx512f"))) void Apply512(const float* src, float* dst, int64_t n, RowStats st, const float* s,
                                                 const float* b, double s0, double b0) {
  const __m512d m = _mm512_set1_pd(st.mean), inv = _mm512_set1_pd(st.inv);
  const __m512d vs = _mm512_set1_pd(s0), vb = _mm512_set1_pd(b0);
  __m512d lo, hi, slo, shi, blo = vb, bhi = vb;
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = Mask16(i, n);
    Load16(src + i, k, &lo, &hi);
    lo = _mm512_sub_pd(lo, m);
    hi = _mm512_sub_pd(hi, m);
    if (s) {
      Load16(s + i, k, &slo, &shi);
      if (b) Load16(b + i, k, &blo, &bhi);
      lo = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(lo, inv), slo), b ? blo : _mm512_setzero_pd());
      hi = _mm512_add_pd(_mm512_mul_pd(_mm512_mul_pd(hi, inv), shi), b ? bhi : _mm512_setzero_pd());
    } else {
      lo = _mm512_add_pd(_mm512_mul_pd(lo, vs), vb);
      hi = _mm512_add_pd(_mm512_mul_pd(hi, vs), vb);
    }
    Store16(dst + i, k, lo, hi);
  }
}
#endif

RowStats Stats(bool vec, const float* src, int64_t n, double eps) {
#ifdef HR_X86
  if (vec) return Stats512(src, n, eps);
#endif
  return StatsPortable(src, n, eps);
}

void Apply(bool vec, const float* src, float* dst, int64_t n, RowStats st, const float* s, const float* b, double s0,
           double b0) {
#ifdef HR_X86
  if (vec) return Apply512(src, dst, n, st, s, b, s0, b0);
#endif
  ApplyPortable(src, dst, n, st, s, b, s0, b0);
}

class NormalizationKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { g_ = NormalizationRows(ReadNormalization(params()), in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* scale = static_cast<const float*>(args.inputs[1]);
    const float* bias = args.inputs.size() > 2 ? static_cast<const float*>(args.inputs[2]) : nullptr;
    float* y = static_cast<float*>(args.outputs[0]);
    const bool vec = VectorKernel() == SimdKernel::kAvx512;
    const int64_t row = g_.row, spatial = g_.spatial;
    Par(g_.rows, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(row, 1)), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const float* src = x + r * row;
        float* dst = y + r * row;
        const RowStats st = Stats(vec, src, row, g_.eps);
        if (g_.layer) {
          Apply(vec, src, dst, row, st, scale, bias, 0, 0);
        } else {
          // Channels of this row: instance -> the row's own; group -> C/groups consecutive ones.
          const int64_t per = g_.per_group;
          const int64_t c0 = (r % g_.groups) * per;
          for (int64_t c = 0; c < per; ++c) {
            const double s = scale[c0 + c] * st.inv;
            const double b = bias ? bias[c0 + c] : 0.0;
            Apply(vec, src + c * spatial, dst + c * spatial, spatial, st, nullptr, nullptr, s, b);
          }
        }
      }
    });
  }

 private:
  NormalizationGeometry g_{};
};

}  // namespace

std::unique_ptr<Kernel> MakeNormalization() { return std::make_unique<NormalizationKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
