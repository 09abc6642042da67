// float16 <-> float32 buffers (half_convert.h).
#include "cpu/half_convert.h"

#include "cpu/tap_sum.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HYBRIDRT_HALF_AVX512 1
#endif

namespace hybridrt {
namespace cpu {

namespace {

#ifdef HYBRIDRT_HALF_AVX512
__attribute__((target("avx512f"))) void Widen512(const uint16_t* src, float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    _mm512_storeu_ps(dst + i, _mm512_maskz_cvtph_ps(0xffff, h));  // maskz: no undefined source
  }
  if (i < n) HalfBufferToFloat(DType::kFloat16, src + i, dst + i, n - i);
}

// vcvtps2ph keeps a NaN's payload (its top 9 bits, quieted); FloatToHalf writes sign | 0x7e00:
// NaN lanes are first replaced by the float NaN that narrows to that (quiet bit alone).
__attribute__((target("avx512f"))) void Narrow512(const float* src, uint16_t* dst, int64_t n) {
  const __m512i sign = _mm512_set1_epi32(static_cast<int>(0x80000000u));
  const __m512i quiet = _mm512_set1_epi32(0x7fc00000);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 x = _mm512_loadu_ps(src + i);
    const __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    const __m512i q = _mm512_or_si512(_mm512_and_si512(_mm512_castps_si512(x), sign), quiet);
    x = _mm512_mask_mov_ps(x, nan, _mm512_castsi512_ps(q));
    const __m256i h = _mm512_maskz_cvtps_ph(0xffff, x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), h);
  }
  if (i < n) FloatToHalfBuffer(src + i, DType::kFloat16, dst + i, n - i);
}
#endif

}  // namespace

void WidenHalf(DType t, const void* src, float* dst, int64_t n) {
#ifdef HYBRIDRT_HALF_AVX512
  if (t == DType::kFloat16 && VectorKernel() == SimdKernel::kAvx512)
    return Widen512(static_cast<const uint16_t*>(src), dst, n);
#endif
  HalfBufferToFloat(t, src, dst, n);
}

void NarrowToHalf(const float* src, DType t, void* dst, int64_t n) {
#ifdef HYBRIDRT_HALF_AVX512
  if (t == DType::kFloat16 && VectorKernel() == SimdKernel::kAvx512)
    return Narrow512(src, static_cast<uint16_t*>(dst), n);
#endif
  FloatToHalfBuffer(src, t, dst, n);
}

}  // namespace cpu
}  // namespace hybridrt
