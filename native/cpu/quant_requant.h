// The int8 epilogue's short requantizing form (quant_epilogue.h says when it applies and why its
// bits are the plain steps') as steps on 16 int32 sums in a register, for the epilogue itself
// (quant_epilogue.cc) and for the kernels that requantize their sums where they made them, with
// no int32 or float tile stored and read again: the VNNI GEMM (igemm_avx512.cc) and the int8
// depthwise sums (quant_depthwise.cc). One place for these steps, so every path has the same
// bits: float(sum - corr) * s, + bias, + the residual (float, or int8/uint8 dequantized as
// float(r - zr) * sr), each one IEEE rounding (explicitly rounded intrinsics, which GCC does not
// contract into FMAs), then v / sy clamped to the prepared bounds, rounded to even, plus the
// zero point, narrowed to bytes.
#pragma once

#include <cstdint>
#include <cstring>

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

// The short form's constants for a run of output channels (rows), filled by
// QuantEpilogue::Fused: row i's sums requantized into y + i stride (+ the output's index), the
// residual read at the same index.
struct Int8Requant {
  const int32_t* corr = nullptr;        // per row: the zero-point correction; nullptr: none (centred sums)
  const float* scale = nullptr;         // per row: input scale times weight scale
  const float* bias = nullptr;          // per row; nullptr: none
  float out_scale = 1, lo = 0, hi = 0;  // v / out_scale clamped to [lo, hi]
  int32_t zero = 0;                     // the output's zero point
  const float* z = nullptr;             // a float residual, or
  const uint8_t* zq = nullptr;          // an int8 (zq_signed) or uint8 one, dequantized per lane
  bool zq_signed = false;
  int32_t zq_zero = 0;
  float zq_scale = 0;
  char* y = nullptr;
  int64_t stride = 0;
};

#ifdef HR_X86
namespace requant {

constexpr int kRn = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

__attribute__((target("avx512f"))) inline __mmask16 Tail(int64_t left) {
  return static_cast<__mmask16>(left >= 16 ? 0xffffu : left <= 0 ? 0u : (1u << left) - 1u);
}

// A row's constants as vectors.
struct Row512 {
  __m512 s, b;
  bool bias;
};
// The run's.
struct Out512 {
  __m512 sy, lo, hi, sr;
  __m512i zy, zr;
};

__attribute__((target("avx512f"))) inline Out512 MakeOut512(const Int8Requant& q) {
  return {_mm512_set1_ps(q.out_scale), _mm512_set1_ps(q.lo),      _mm512_set1_ps(q.hi),
          _mm512_set1_ps(q.zq_scale),  _mm512_set1_epi32(q.zero), _mm512_set1_epi32(q.zq_zero)};
}

// Centred sums as floats (exact integers) to the value before the residual: * s (+ b).
__attribute__((target("avx512f"))) inline __m512 ScaledF(__m512 centred, const Row512& r) {
  __m512 v = _mm512_mul_round_ps(centred, r.s, kRn);
  if (r.bias) v = _mm512_add_round_ps(v, r.b, kRn);
  return v;
}
// Sums less their correction (centred): float(sum) * s (+ b).
__attribute__((target("avx512f"))) inline __m512 Scaled(__m512i centred, const Row512& r) {
  return ScaledF(_mm512_cvtepi32_ps(centred), r);
}

// 16 residual bytes (lanes m; a tail through a zeroed copy, reading no byte past them) as
// float(r - zr) * sr, one rounding, as quant_conv.cc's DequantizedResidual.
__attribute__((target("avx512f"))) inline __m512 ResidualQ(const uint8_t* zq, bool is_signed, const Out512& o,
                                                           __mmask16 m) {
  __m128i b;
  if (m == 0xffff) {
    b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(zq));
  } else {
    alignas(16) uint8_t bytes[16] = {};
    std::memcpy(bytes, zq, static_cast<size_t>(__builtin_popcount(m)));
    b = _mm_load_si128(reinterpret_cast<const __m128i*>(bytes));
  }
  const __m512i r = is_signed ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
  return _mm512_mul_round_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(r, o.zr)), o.sr, kRn);
}

__attribute__((target("avx512f"))) inline __m512 AddResidual(__m512 v, __m512 z) {
  return _mm512_add_round_ps(v, z, kRn);
}

// 16 lanes in [lo, hi] as bytes (the truncating narrowing keeps them: int8 as two's complement,
// uint8 as is); a whole vector narrowed in a register and stored at once, a tail masked.
__attribute__((target("avx512f"))) inline void StoreBytes(__m512i q, __mmask16 m, char* y) {
  if (m == 0xffff) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y), _mm512_cvtepi32_epi8(q));
  } else {
    _mm512_mask_cvtepi32_storeu_epi8(y, m, q);
  }
}

// v / sy clamped to the prepared bounds, rounded to even, plus the zero point, as bytes.
__attribute__((target("avx512f"))) inline void StoreClamped(const Out512& o, __m512 v, __mmask16 m, char* y) {
  const __m512 t = _mm512_min_ps(_mm512_max_ps(_mm512_div_round_ps(v, o.sy, kRn), o.lo), o.hi);
  StoreBytes(_mm512_add_epi32(_mm512_cvt_roundps_epi32(t, kRn), o.zy), m, y);
}

// Row i's constants.
__attribute__((target("avx512f"))) inline Row512 RowOf(const Int8Requant& q, int64_t i) {
  return {_mm512_set1_ps(q.scale[i]), _mm512_set1_ps(q.bias ? q.bias[i] : 0.0f), q.bias != nullptr};
}

// A row's 16 centred sums (lanes m) into the bytes at y, the residual (floats z or bytes zq;
// nullptr: none) read at the same index: the whole form.
__attribute__((target("avx512f"))) inline void Finish(const Out512& o, const Row512& r, __m512i centred, const float* z,
                                                      const uint8_t* zq, bool zq_signed, char* y, __mmask16 m) {
  __m512 v = Scaled(centred, r);
  if (z) v = AddResidual(v, _mm512_maskz_loadu_ps(m, z));
  if (zq) v = AddResidual(v, ResidualQ(zq, zq_signed, o, m));
  StoreClamped(o, v, m, y);
}

}  // namespace requant
#endif

}  // namespace cpu
}  // namespace hybridrt
