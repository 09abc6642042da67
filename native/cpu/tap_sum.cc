// TapSum's three forms (tap_sum.h). The vector forms use FMA, so their sums differ from the
// portable form's by a rounding per tap; each form gives the same bits wherever a line starts.
// Strided loads: strided_load.h (AVX-512), Load256 (AVX2).
#include "cpu/tap_sum.h"

#include "cpu/strided_load.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

void TapSumPortable(const float* const* src, const float* w, int64_t taps, int64_t stride, float* y, int64_t n) {
  constexpr int64_t kChunk = 64;
  for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
    const int64_t len = n - i0 < kChunk ? n - i0 : kChunk;
    float acc[kChunk] = {};
    for (int64_t t = 0; t < taps; ++t) {
      const float wv = w[t];
      const float* s = src[t] + i0 * stride;
      for (int64_t i = 0; i < len; ++i) acc[i] += wv * s[i * stride];
    }
    for (int64_t i = 0; i < len; ++i) y[i0 + i] = acc[i];
  }
}

#ifdef HR_X86
template <int S>
__attribute__((target("avx512f"))) void TapSum512(const float* const* src, const float* w, int64_t taps, float* y,
                                                  int64_t n) {
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
    for (int64_t t = 0; t < taps; ++t) {
      const __m512 wv = _mm512_set1_ps(w[t]);
      a = _mm512_fmadd_ps(wv, StridedLoad512<S>(src[t] + i * S, 0xffff), a);
      b = _mm512_fmadd_ps(wv, StridedLoad512<S>(src[t] + (i + 16) * S, 0xffff), b);
    }
    _mm512_storeu_ps(y + i, a);
    _mm512_storeu_ps(y + i + 16, b);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    __m512 a = _mm512_setzero_ps();
    for (int64_t t = 0; t < taps; ++t)
      a = _mm512_fmadd_ps(_mm512_set1_ps(w[t]), StridedLoad512<S>(src[t] + i * S, m), a);
    _mm512_mask_storeu_ps(y + i, m, a);
  }
}

// 8 outputs from p[0], p[s], ..., p[7 s]; `len` < 8 reads only the first len. The masks are
// lane indices compared with len (output j is input lane s j; other lanes never load).
template <int S>
__attribute__((target("avx2,fma"))) inline __m256 Load256(const float* p, int64_t len) {
  const __m256i n = _mm256_set1_epi32(static_cast<int32_t>(len));
  if constexpr (S == 1) {
    if (len >= 8) return _mm256_loadu_ps(p);
    return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(n, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
  } else {
    constexpr int kNever = 1 << 30;  // odd lanes: never below len
    const __m256 a =
        _mm256_maskload_ps(p, _mm256_cmpgt_epi32(n, _mm256_setr_epi32(0, kNever, 1, kNever, 2, kNever, 3, kNever)));
    const __m256 b =
        _mm256_maskload_ps(p + 8, _mm256_cmpgt_epi32(n, _mm256_setr_epi32(4, kNever, 5, kNever, 6, kNever, 7, kNever)));
    // Per 128-bit half: a0 a2 b0 b2 | a4 a6 b4 b6; then the 64-bit pairs in order.
    const __m256 mixed = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
  }
}

template <int S>
__attribute__((target("avx2,fma"))) void TapSum256(const float* const* src, const float* w, int64_t taps, float* y,
                                                   int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    for (int64_t t = 0; t < taps; ++t) {
      const __m256 wv = _mm256_set1_ps(w[t]);
      a = _mm256_fmadd_ps(wv, Load256<S>(src[t] + i * S, 8), a);
      b = _mm256_fmadd_ps(wv, Load256<S>(src[t] + (i + 8) * S, 8), b);
    }
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
  }
  for (; i < n; i += 8) {
    const int64_t len = n - i < 8 ? n - i : 8;
    __m256 a = _mm256_setzero_ps();
    for (int64_t t = 0; t < taps; ++t) a = _mm256_fmadd_ps(_mm256_set1_ps(w[t]), Load256<S>(src[t] + i * S, len), a);
    if (len == 8) {
      _mm256_storeu_ps(y + i, a);
    } else {
      alignas(32) float tmp[8];
      _mm256_store_ps(tmp, a);
      for (int64_t l = 0; l < len; ++l) y[i + l] = tmp[l];
    }
  }
}
#endif

}  // namespace

void TapSum(const float* const* src, const float* w, int64_t taps, int64_t stride, float* y, int64_t n) {
#ifdef HR_X86
  const SimdKernel kernel = VectorKernel();
  if (kernel == SimdKernel::kAvx512 && stride == 1) return TapSum512<1>(src, w, taps, y, n);
  if (kernel == SimdKernel::kAvx512 && stride == 2) return TapSum512<2>(src, w, taps, y, n);
  if (kernel == SimdKernel::kAvx2 && stride == 1) return TapSum256<1>(src, w, taps, y, n);
  if (kernel == SimdKernel::kAvx2 && stride == 2) return TapSum256<2>(src, w, taps, y, n);
#endif
  TapSumPortable(src, w, taps, stride, y, n);
}

}  // namespace cpu
}  // namespace hybridrt
