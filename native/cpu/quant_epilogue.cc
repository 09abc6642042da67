// QuantEpilogue's AVX-512 row and QuantizeFloats (quant_epilogue.h): the plain loops' steps, 16 lanes at a time,
// each an IEEE operation with one rounding (explicitly rounded intrinsics: GCC may not fuse a
// multiply and an add of these into an FMA, as it may plain vector arithmetic), so the bits
// are the plain loop's: float(acc - corr) * s, + bias, + z, the activation (relu and clip
// inline, as formulas.inc writes them; any other through ApplyActivation on tmp), then / sy,
// QuantizeRounded's clamp and rounding, + zy, saturated.
#include "cpu/quant_epilogue.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

#ifdef HR_X86
namespace {

using requant::kRn;
using requant::StoreBytes;
using requant::Tail;

// QuantizeRounded(v / scale, zero, lo, hi) on 16 lanes, stored as bytes. Where the output
// type's range less the zero point is small (always, for a zero point of the output's type)
// the saturation comes before the rounding, in float: rounding commutes with a clamp to
// integer bounds, and the clamp to +-4e6 then to [lo - zero, hi - zero] is one clamp to
// [clamp(-4e6), clamp(4e6)] (quant_epilogue.h's argument for the short form); so a rounding
// conversion replaces the 1.5 x 2^23 additions and the integer clamps, with the same bits.
struct Requant512 {
  __m512 sy, big, neg_big, magic, t_lo, t_hi;
  __m512i zy, lo, hi;
  bool in_float;  // the saturation before the rounding
};

__attribute__((target("avx512f"))) inline Requant512 MakeRequant512(float scale, int32_t zero, int32_t lo, int32_t hi) {
  const int64_t lq = static_cast<int64_t>(lo) - zero, hq = static_cast<int64_t>(hi) - zero;
  const auto clamp = [&](int64_t t) { return t < lq ? lq : t > hq ? hq : t; };
  const bool in_float = lq >= -(1 << 22) && hq <= (1 << 22);
  return {_mm512_set1_ps(scale),
          _mm512_set1_ps(4e6f),
          _mm512_set1_ps(-4e6f),
          _mm512_set1_ps(12582912.0f),
          _mm512_set1_ps(in_float ? static_cast<float>(clamp(-4000000)) : 0.0f),
          _mm512_set1_ps(in_float ? static_cast<float>(clamp(4000000)) : 0.0f),
          _mm512_set1_epi32(zero),
          _mm512_set1_epi32(lo),
          _mm512_set1_epi32(hi),
          in_float};
}

__attribute__((target("avx512f"))) inline void StoreRequantized(const Requant512& r, __m512 v, __mmask16 m, char* y) {
  __m512 t = _mm512_div_round_ps(v, r.sy, kRn);
  t = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(t, t, _CMP_UNORD_Q), t, _mm512_setzero_ps());  // NaN: the zero point
  __m512i q;
  if (r.in_float) {
    t = _mm512_min_ps(_mm512_max_ps(t, r.t_lo), r.t_hi);
    q = _mm512_add_epi32(_mm512_cvt_roundps_epi32(t, kRn), r.zy);
  } else {
    t = _mm512_min_ps(_mm512_max_ps(t, r.neg_big), r.big);
    t = _mm512_sub_round_ps(_mm512_add_round_ps(t, r.magic, kRn), r.magic, kRn);
    q = _mm512_add_epi32(_mm512_cvttps_epi32(t), r.zy);
    q = _mm512_min_epi32(_mm512_max_epi32(q, r.lo), r.hi);
  }
  StoreBytes(q, m, y);  // in [lo, hi]
}

// The short form's constants (quant_requant.h), no residual.
__attribute__((target("avx512f"))) inline requant::Out512 ShortForm(const QuantEpilogue& e) {
  Int8Requant q;
  e.Fill(&q);
  return requant::MakeOut512(q);
}

// Channel c's values of [j, j + 16) (lanes m) up to and with a relu or clip activation.
struct Pre512 {
  __m512i corr;
  requant::Row512 row;  // s, bias
  requant::Out512 out;  // the short form's constants and the quantized residual's zr, sr
  __m512 lo, hi;
  const int32_t* acc;  // the sums, or
  const float* sums;   // the sums as floats (exact integers)
  const float* z;
  const uint8_t* zq;  // or the residual as int8/uint8, dequantized here
  bool zq_signed;
  bool relu, clip;
  bool centred;  // no zero-point correction (0)
};

__attribute__((target("avx512f"))) inline __m512 PreActivation(const Pre512& p, int64_t j, __mmask16 m) {
  __m512 v;
  if (p.sums && p.centred) {  // float(int(s) - 0) is s itself: an exact integer below 2^24
    v = requant::ScaledF(_mm512_maskz_loadu_ps(m, p.sums + j), p.row);
  } else {
    const __m512i acc =
        p.sums ? _mm512_cvtps_epi32(_mm512_maskz_loadu_ps(m, p.sums + j)) : _mm512_maskz_loadu_epi32(m, p.acc + j);
    v = requant::Scaled(_mm512_sub_epi32(acc, p.corr), p.row);
  }
  if (p.z) v = requant::AddResidual(v, _mm512_maskz_loadu_ps(m, p.z + j));
  if (p.zq) v = requant::AddResidual(v, requant::ResidualQ(p.zq + j, p.zq_signed, p.out, m));
  if (p.relu) v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ), v, _mm512_setzero_ps());
  if (p.clip) {
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, p.lo, _CMP_LT_OQ), v, p.lo);
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(p.hi, v, _CMP_LT_OQ), v, p.hi);
  }
  return v;
}

// Channel c's constants; no sums, bias or residual yet.
__attribute__((target("avx512f"))) inline Pre512 Pre(const QuantEpilogue& e, const requant::Out512& out, int64_t c,
                                                     float bias) {
  Pre512 p;
  p.corr = _mm512_set1_epi32(e.correction[c]);
  p.row = {_mm512_set1_ps(e.scale[c]), _mm512_set1_ps(bias), false};
  p.out = out;
  p.lo = _mm512_set1_ps(static_cast<float>(e.act.min));
  p.hi = _mm512_set1_ps(static_cast<float>(e.act.max));
  p.acc = nullptr;
  p.sums = nullptr;
  p.z = nullptr;
  p.zq = nullptr;
  p.zq_signed = false;
  p.centred = e.correction[c] == 0;
  p.relu = e.act.enabled && e.act.op == UnaryOp::kRelu;
  p.clip = e.act.enabled && e.act.op == UnaryOp::kClip;
  return p;
}

}  // namespace

__attribute__((target("avx512f"))) void QuantEpilogue::Row512(const int32_t* acc, int64_t len, int64_t c,
                                                              const float* bias, const float* z, float* tmp,
                                                              void* y) const {
  const requant::Out512 k = ShortForm(*this);
  Pre512 p = Pre(*this, k, c, bias ? *bias : 0.0f);
  p.acc = acc;
  p.z = z;
  p.row.bias = bias != nullptr;
  if (requantize && Clamped(c, bias, z)) {
    p.relu = p.clip = false;  // in the bounds
    for (int64_t j = 0; j < len; j += 16) {
      const __mmask16 m = Tail(len - j);
      requant::StoreClamped(k, PreActivation(p, j, m), m, static_cast<char*>(y) + j);
    }
    return;
  }
  // Another activation: the values wait in tmp while ApplyActivation runs.
  const bool other = OtherActivation();
  if (other) {
    for (int64_t j = 0; j < len; j += 16)
      _mm512_mask_storeu_ps(tmp + j, Tail(len - j), PreActivation(p, j, Tail(len - j)));
    ApplyActivation(act, tmp, tmp, len);
  }
  if (!requantize) {
    float* f = static_cast<float*>(y);
    for (int64_t j = 0; j < len; j += 16) {
      const __mmask16 m = Tail(len - j);
      _mm512_mask_storeu_ps(f + j, m, other ? _mm512_maskz_loadu_ps(m, tmp + j) : PreActivation(p, j, m));
    }
    return;
  }
  const Requant512 rq = MakeRequant512(out_scale, out_zero, lo, hi);
  for (int64_t j = 0; j < len; j += 16) {
    const __mmask16 m = Tail(len - j);
    StoreRequantized(rq, other ? _mm512_maskz_loadu_ps(m, tmp + j) : PreActivation(p, j, m), m,
                     static_cast<char*>(y) + j);
  }
}

static __attribute__((target("avx512f"))) void Quantize512(const float* x, int64_t n, float scale, int32_t zero,
                                                           int32_t lo, int32_t hi, void* y) {
  const Requant512 rq = MakeRequant512(scale, zero, lo, hi);
  for (int64_t j = 0; j < n; j += 16) {
    const __mmask16 m = Tail(n - j);
    StoreRequantized(rq, _mm512_maskz_loadu_ps(m, x + j), m, static_cast<char*>(y) + j);
  }
}

// Each plane up to a relu or clip into tmp (float outputs: into y), then any other activation
// over all planes at once, then all of them requantized: one pass each however small a plane.
__attribute__((target("avx512f"))) void QuantEpilogue::Planes512(const float* sums, int64_t planes, int64_t len,
                                                                 int64_t c0, const float* bias, const float* z,
                                                                 float* tmp, void* y) const {
  float* v = requantize ? tmp : static_cast<float*>(y);
  const requant::Out512 k = ShortForm(*this);
  bool rest = false;  // planes left in tmp for the plain steps
  for (int64_t r = 0; r < planes; ++r) {
    Pre512 p = Pre(*this, k, c0 + r, bias ? bias[r] : 0.0f);
    p.sums = sums + r * len;
    p.z = z ? z + r * len : nullptr;
    p.row.bias = bias != nullptr;
    if (requantize && Clamped(c0 + r, bias ? bias + r : nullptr, p.z)) {  // straight to bytes
      p.relu = p.clip = false;
      char* yr = static_cast<char*>(y) + r * len;
      for (int64_t j = 0; j < len; j += 16)
        requant::StoreClamped(k, PreActivation(p, j, Tail(len - j)), Tail(len - j), yr + j);
      continue;
    }
    rest = true;
    float* vr = v + r * len;
    for (int64_t j = 0; j < len; j += 16)
      _mm512_mask_storeu_ps(vr + j, Tail(len - j), PreActivation(p, j, Tail(len - j)));
  }
  if (requantize && !rest) return;
  if (requantize && clamped_) {  // a plane of non-finite bias or scale among short-form ones
    for (int64_t r = 0; r < planes; ++r) {
      if (Clamped(c0 + r, bias ? bias + r : nullptr, z ? z + r * len : nullptr)) continue;
      Quantize512(v + r * len, len, out_scale, out_zero, lo, hi, static_cast<char*>(y) + r * len);
    }
    return;
  }
  if (OtherActivation()) ApplyActivation(act, v, v, planes * len);
  if (requantize) Quantize512(v, planes * len, out_scale, out_zero, lo, hi, y);
}

// Rows of requantized outputs: the short form's constants once, each row's own per row; a row
// outside the short form through Row512.
__attribute__((target("avx512f"))) void QuantEpilogue::Rows512(const int32_t* acc, int64_t ldc, int64_t rows,
                                                               int64_t len, int64_t c0, const float* bias,
                                                               const float* z, const void* zq, bool zq_signed,
                                                               int64_t stride, float* tmp, void* y) const {
  const requant::Out512 k = ShortForm(*this);
  if (OtherActivation() && !zq) {  // every row's values, one activation call, then each row requantized
    for (int64_t r = 0; r < rows; ++r) {
      Pre512 p = Pre(*this, k, c0 + r, bias ? bias[r] : 0.0f);
      p.acc = acc + r * ldc;
      p.z = z ? z + r * stride : nullptr;
      p.row.bias = bias != nullptr;
      for (int64_t j = 0; j < len; j += 16)
        _mm512_mask_storeu_ps(tmp + r * len + j, Tail(len - j), PreActivation(p, j, Tail(len - j)));
    }
    ApplyActivation(act, tmp, tmp, rows * len);
    for (int64_t r = 0; r < rows; ++r)
      Quantize512(tmp + r * len, len, out_scale, out_zero, lo, hi, static_cast<char*>(y) + r * stride);
    return;
  }
  for (int64_t r = 0; r < rows; ++r) {
    const float* br = bias ? bias + r : nullptr;
    const float* zr = z ? z + r * stride : nullptr;
    const uint8_t* zqr = zq ? static_cast<const uint8_t*>(zq) + r * stride : nullptr;
    char* yr = static_cast<char*>(y) + r * stride;
    if (!Clamped(c0 + r, br, zr)) {
      // A non-finite scale or bias (a quantized residual is finite: PrepareClamped): every value
      // of the row is +-inf or NaN, whatever a finite residual adds, so a quantized one is left
      // out of the plain steps.
      Row512(acc + r * ldc, len, c0 + r, br, zr, tmp, yr);
      continue;
    }
    Pre512 p = Pre(*this, k, c0 + r, br ? *br : 0.0f);
    p.acc = acc + r * ldc;
    p.z = zr;
    p.zq = zqr;
    p.zq_signed = zq_signed;
    p.row.bias = br != nullptr;
    p.relu = p.clip = false;  // in the bounds
    for (int64_t j = 0; j < len; j += 16)
      requant::StoreClamped(k, PreActivation(p, j, Tail(len - j)), Tail(len - j), yr + j);
  }
}

// Column: Row512's steps with the channel's constants loaded per lane.
__attribute__((target("avx512f"))) void QuantEpilogue::Column512(const int32_t* acc, int64_t len, int64_t c0,
                                                                 const float* bias, float* tmp, void* y) const {
  bool all = requantize && clamped_;  // every channel in the short form
  for (int64_t r = 0; r < len && all; ++r) all = Clamped(c0 + r, bias ? bias + r : nullptr, nullptr);
  const bool relu = act.enabled && act.op == UnaryOp::kRelu, clip = act.enabled && act.op == UnaryOp::kClip;
  const __m512 lo_a = _mm512_set1_ps(static_cast<float>(act.min)), hi_a = _mm512_set1_ps(static_cast<float>(act.max));
  const requant::Out512 k = ShortForm(*this);
  float* v = requantize ? tmp : static_cast<float*>(y);
  for (int64_t j = 0; j < len; j += 16) {
    const __mmask16 m = Tail(len - j);
    const __m512i sum =
        _mm512_sub_epi32(_mm512_maskz_loadu_epi32(m, acc + j), _mm512_maskz_loadu_epi32(m, correction.data() + c0 + j));
    const requant::Row512 row{_mm512_maskz_loadu_ps(m, scale.data() + c0 + j),
                              bias ? _mm512_maskz_loadu_ps(m, bias + j) : _mm512_setzero_ps(), bias != nullptr};
    __m512 x = requant::Scaled(sum, row);
    if (all) {
      requant::StoreClamped(k, x, m, static_cast<char*>(y) + j);
      continue;
    }
    if (relu) x = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ), x, _mm512_setzero_ps());
    if (clip) {
      x = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, lo_a, _CMP_LT_OQ), x, lo_a);
      x = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(hi_a, x, _CMP_LT_OQ), x, hi_a);
    }
    _mm512_mask_storeu_ps(v + j, m, x);
  }
  if (all) return;
  if (OtherActivation()) ApplyActivation(act, v, v, len);
  if (requantize) Quantize512(v, len, out_scale, out_zero, lo, hi, y);
}

#endif

void QuantEpilogue::PrepareClamped() {
  clamped_ = false;
  if (!requantize || !std::isfinite(out_scale) || !(out_scale > 0)) return;
  if (!std::isfinite(q_.input_scale)) return;
  for (float s : q_.weight_scales) {
    if (!std::isfinite(s)) return;
  }
  if (q_.residual_quantized && !std::isfinite(q_.residual_scale)) return;
  // The activation's bounds as quotients, each rounded as the plain steps round v / sy.
  const float inf = std::numeric_limits<float>::infinity();
  float a = -inf, b = inf;
  if (act.enabled && act.op == UnaryOp::kRelu) {
    a = 0.0f / out_scale;
  } else if (act.enabled && act.op == UnaryOp::kClip) {
    a = static_cast<float>(act.min) / out_scale;
    b = static_cast<float>(act.max) / out_scale;
    if (a != a || b != b) return;
  } else if (act.enabled && act.op != UnaryOp::kIdentity) {
    return;
  }
  const int64_t lq = static_cast<int64_t>(lo) - out_zero, hq = static_cast<int64_t>(hi) - out_zero;
  if (lq < -(1 << 22) || hq > (1 << 22)) return;  // as QuantizeRounded's 4e6 clamp leaves them
  const auto clamp = [&](float t) { return std::min(std::max(t, static_cast<float>(lq)), static_cast<float>(hq)); };
  clamp_lo_ = clamp(a);
  clamp_hi_ = clamp(b);
  clamped_ = true;
}

void QuantEpilogue::Planes(const float* sums, int64_t planes, int64_t len, int64_t c0, const float* bias,
                           const float* z, float* tmp, void* y) const {
#ifdef HR_X86
  if (vector_ == SimdKernel::kAvx512) return Planes512(sums, planes, len, c0, bias, z, tmp, y);
  if (vector_ == SimdKernel::kAvx2) return Row256(nullptr, sums, planes, len, c0, bias, z, tmp, y);
#endif
  thread_local std::vector<int32_t> acc;
  if (acc.size() < static_cast<size_t>(len)) acc.resize(len);
  const int64_t bytes = requantize ? 1 : 4;
  for (int64_t r = 0; r < planes; ++r) {
    for (int64_t j = 0; j < len; ++j) acc[j] = static_cast<int32_t>(sums[r * len + j]);
    Row(acc.data(), len, c0 + r, bias ? bias + r : nullptr, z ? z + r * len : nullptr, tmp,
        static_cast<char*>(y) + r * len * bytes, 1);
  }
}

void QuantEpilogue::Rows(const int32_t* acc, int64_t ldc, int64_t rows, int64_t len, int64_t c0, const float* bias,
                         const float* z, int64_t stride, float* tmp, void* y) const {
#ifdef HR_X86
  if (vector_ == SimdKernel::kAvx512 && requantize)
    return Rows512(acc, ldc, rows, len, c0, bias, z, nullptr, false, stride, tmp, y);
#endif
  const int64_t bytes = requantize ? 1 : 4;
  for (int64_t r = 0; r < rows; ++r) {
    Row(acc + r * ldc, len, c0 + r, bias ? bias + r : nullptr, z ? z + r * stride : nullptr, tmp,
        static_cast<char*>(y) + r * stride * bytes, 1);
  }
}

void QuantEpilogue::RowsQ(const int32_t* acc, int64_t ldc, int64_t rows, int64_t len, int64_t c0, const float* bias,
                          const void* zq, bool zq_signed, int64_t stride, float* tmp, void* y) const {
#ifdef HR_X86
  if (vector_ == SimdKernel::kAvx512 && requantize)
    return Rows512(acc, ldc, rows, len, c0, bias, nullptr, zq, zq_signed, stride, tmp, y);
#endif
  throw std::logic_error("int8 epilogue: a quantized residual where TakesQuantizedResidual is false");
}

void QuantEpilogue::Column(const int32_t* acc, int64_t len, int64_t c0, const float* bias, float* tmp, void* y) const {
#ifdef HR_X86
  if (vector_ == SimdKernel::kAvx512) return Column512(acc, len, c0, bias, tmp, y);
#endif
  const int64_t bytes = requantize ? 1 : 4;
  for (int64_t r = 0; r < len; ++r)
    Row(acc + r, 1, c0 + r, bias ? bias + r : nullptr, nullptr, tmp, static_cast<char*>(y) + r * bytes, 1);
}

void QuantizeFloats(const float* x, int64_t n, float scale, int32_t zero, DType t, void* y) {
  const int32_t lo = t == DType::kInt8 ? -128 : 0, hi = t == DType::kInt8 ? 127 : 255;
#ifdef HR_X86
  if (VectorKernel() == SimdKernel::kAvx512) return Quantize512(x, n, scale, zero, lo, hi, y);
  if (VectorKernel() == SimdKernel::kAvx2) return Quantize256(x, n, scale, zero, lo, hi, y);
#endif
  if (t == DType::kInt8) {
    int8_t* q = static_cast<int8_t*>(y);
    for (int64_t i = 0; i < n; ++i) q[i] = static_cast<int8_t>(QuantizeRounded(x[i] / scale, zero, lo, hi));
  } else {
    uint8_t* q = static_cast<uint8_t*>(y);
    for (int64_t i = 0; i < n; ++i) q[i] = static_cast<uint8_t>(QuantizeRounded(x[i] / scale, zero, lo, hi));
  }
}

}  // namespace cpu
}  // namespace hybridrt
