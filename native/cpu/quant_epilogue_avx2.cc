// QuantEpilogue's AVX2 forms and QuantizeFloats' (quant_epilogue.h): the plain loops' steps, 8
// lanes at a time, with the same roundings (quant_epilogue.cc holds the AVX-512 ones).
#include "cpu/quant_epilogue.h"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

// The AVX2 forms: 8 lanes, a tail of fewer staged through 8-lane buffers (zeros past it), so
// that every value takes the same vector steps. target("avx2") without "fma": GCC contracts
// a multiply and an add of plain vector arithmetic (what these intrinsics are) only where it
// may use an FMA.
__attribute__((target("avx2"))) void Quantize256(const float* x, int64_t n, float scale, int32_t zero, int32_t lo,
                                                 int32_t hi, void* y) {
  const __m256 sy = _mm256_set1_ps(scale), big = _mm256_set1_ps(4e6f), neg_big = _mm256_set1_ps(-4e6f);
  const __m256 magic = _mm256_set1_ps(12582912.0f), zero_f = _mm256_setzero_ps();
  const __m256i zy = _mm256_set1_epi32(zero), qlo = _mm256_set1_epi32(lo), qhi = _mm256_set1_epi32(hi);
  const bool is_signed = lo < 0;
  uint8_t* out = static_cast<uint8_t*>(y);
  for (int64_t j = 0; j < n; j += 8) {
    const int64_t k = n - j < 8 ? n - j : 8;
    float in[8] = {};
    const float* src = x + j;
    if (k < 8) {
      std::memcpy(in, src, static_cast<size_t>(k) * sizeof(float));
      src = in;
    }
    __m256 t = _mm256_div_ps(_mm256_loadu_ps(src), sy);
    t = _mm256_blendv_ps(t, zero_f, _mm256_cmp_ps(t, t, _CMP_UNORD_Q));  // NaN: the zero point
    t = _mm256_min_ps(_mm256_max_ps(t, neg_big), big);
    t = _mm256_sub_ps(_mm256_add_ps(t, magic), magic);
    __m256i q = _mm256_add_epi32(_mm256_cvttps_epi32(t), zy);
    q = _mm256_min_epi32(_mm256_max_epi32(q, qlo), qhi);
    // In [lo, hi]: the saturating packs keep every value.
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    const __m128i b = is_signed ? _mm_packs_epi16(w, w) : _mm_packus_epi16(w, w);
    if (k == 8) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out + j), b);
    } else {
      alignas(16) uint8_t bytes[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(bytes), b);
      std::memcpy(out + j, bytes, static_cast<size_t>(k));
    }
  }
}

__attribute__((target("avx2"))) void QuantEpilogue::Row256(const int32_t* acc, const float* sums, int64_t planes,
                                                           int64_t len, int64_t c0, const float* bias, const float* z,
                                                           float* tmp, void* y) const {
  const bool relu = act.enabled && act.op == UnaryOp::kRelu, clip = act.enabled && act.op == UnaryOp::kClip;
  const __m256 lo_a = _mm256_set1_ps(static_cast<float>(act.min)), hi_a = _mm256_set1_ps(static_cast<float>(act.max));
  const __m256 zero_f = _mm256_setzero_ps();
  // Float outputs are written in place; requantized ones wait in tmp.
  float* v = requantize ? tmp : static_cast<float*>(y);
  for (int64_t r = 0; r < planes; ++r) {
    const __m256i corr = _mm256_set1_epi32(correction[c0 + r]);
    const __m256 s = _mm256_set1_ps(scale[c0 + r]), b = _mm256_set1_ps(bias ? bias[r] : 0.0f);
    const float* zr = z ? z + r * len : nullptr;
    float* vr = v + r * len;
    for (int64_t j = 0; j < len; j += 8) {
      const int64_t k = len - j < 8 ? len - j : 8;
      int32_t a8[8] = {};
      float z8[8] = {}, v8[8];
      __m256i sum;
      if (acc) {
        const int32_t* src = acc + j;
        if (k < 8) src = static_cast<const int32_t*>(std::memcpy(a8, src, static_cast<size_t>(k) * 4));
        sum = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
      } else {
        const float* src = sums + r * len + j;
        if (k < 8) src = static_cast<const float*>(std::memcpy(z8, src, static_cast<size_t>(k) * 4));
        sum = _mm256_cvtps_epi32(_mm256_loadu_ps(src));
      }
      __m256 x = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(sum, corr)), s);
      if (bias) x = _mm256_add_ps(x, b);
      if (zr) {
        const float* src = zr + j;
        if (k < 8) src = static_cast<const float*>(std::memcpy(z8, src, static_cast<size_t>(k) * 4));
        x = _mm256_add_ps(x, _mm256_loadu_ps(src));
      }
      if (relu) x = _mm256_blendv_ps(x, zero_f, _mm256_cmp_ps(x, zero_f, _CMP_LT_OQ));
      if (clip) {
        x = _mm256_blendv_ps(x, lo_a, _mm256_cmp_ps(x, lo_a, _CMP_LT_OQ));
        x = _mm256_blendv_ps(x, hi_a, _mm256_cmp_ps(hi_a, x, _CMP_LT_OQ));
      }
      if (k == 8) {
        _mm256_storeu_ps(vr + j, x);
      } else {
        _mm256_storeu_ps(v8, x);
        std::memcpy(vr + j, v8, static_cast<size_t>(k) * 4);
      }
    }
  }
  if (OtherActivation()) ApplyActivation(act, v, v, planes * len);
  if (requantize) Quantize256(v, planes * len, out_scale, out_zero, lo, hi, y);
}

}  // namespace cpu
}  // namespace hybridrt

#endif
