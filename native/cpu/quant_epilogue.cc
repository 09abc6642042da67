// QuantEpilogue's AVX-512 row and QuantizeFloats (quant_epilogue.h): the plain loops' steps, 16 lanes at a time,
// each an IEEE operation with one rounding (explicitly rounded intrinsics: GCC may not fuse a
// multiply and an add of these into an FMA, as it may plain vector arithmetic), so the bits
// are the plain loop's: float(acc - corr) * s, + bias, + z, the activation (relu and clip
// inline, as formulas.inc writes them; any other through ApplyActivation on tmp), then / sy,
// QuantizeRounded's clamp and rounding, + zy, saturated.
#include "cpu/quant_epilogue.h"

#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HR_X86 1
// GCC 12 warns that the unmasked AVX-512 intrinsics read an uninitialized register: they pass
// _mm512_undefined_ps() as the (unused) merge source (as activation_simd.cc).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace hybridrt {
namespace cpu {

#ifdef HR_X86
namespace {

constexpr int kRn = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

__attribute__((target("avx512f"))) inline __mmask16 Tail(int64_t left) {
  return static_cast<__mmask16>(left >= 16 ? 0xffffu : (1u << left) - 1u);
}

// QuantizeRounded(v / scale, zero, lo, hi) on 16 lanes, stored as bytes.
struct Requant512 {
  __m512 sy, big, neg_big, magic;
  __m512i zy, lo, hi;
};

__attribute__((target("avx512f"))) inline Requant512 MakeRequant512(float scale, int32_t zero, int32_t lo, int32_t hi) {
  return {_mm512_set1_ps(scale),   _mm512_set1_ps(4e6f),  _mm512_set1_ps(-4e6f), _mm512_set1_ps(12582912.0f),
          _mm512_set1_epi32(zero), _mm512_set1_epi32(lo), _mm512_set1_epi32(hi)};
}

__attribute__((target("avx512f"))) inline void StoreRequantized(const Requant512& r, __m512 v, __mmask16 m, char* y) {
  __m512 t = _mm512_div_round_ps(v, r.sy, kRn);
  t = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(t, t, _CMP_UNORD_Q), t, _mm512_setzero_ps());  // NaN: the zero point
  t = _mm512_min_ps(_mm512_max_ps(t, r.neg_big), r.big);
  t = _mm512_sub_round_ps(_mm512_add_round_ps(t, r.magic, kRn), r.magic, kRn);
  __m512i q = _mm512_add_epi32(_mm512_cvttps_epi32(t), r.zy);
  q = _mm512_min_epi32(_mm512_max_epi32(q, r.lo), r.hi);
  // In [lo, hi]: the truncating byte store keeps it (int8 as two's complement, uint8 as is).
  _mm512_mask_cvtepi32_storeu_epi8(y, m, q);
}

// Channel c's values of [j, j + 16) (lanes m) up to and with a relu or clip activation.
struct Pre512 {
  __m512i corr;
  __m512 s, b, lo, hi;
  const int32_t* acc;  // the sums, or
  const float* sums;   // the sums as floats (exact integers)
  const float* z;
  bool bias, relu, clip;
};

__attribute__((target("avx512f"))) inline __m512 PreActivation(const Pre512& p, int64_t j, __mmask16 m) {
  const __m512i acc =
      p.sums ? _mm512_cvtps_epi32(_mm512_maskz_loadu_ps(m, p.sums + j)) : _mm512_maskz_loadu_epi32(m, p.acc + j);
  __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc, p.corr));
  v = _mm512_mul_round_ps(v, p.s, kRn);
  if (p.bias) v = _mm512_add_round_ps(v, p.b, kRn);
  if (p.z) v = _mm512_add_round_ps(v, _mm512_maskz_loadu_ps(m, p.z + j), kRn);
  if (p.relu) v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ), v, _mm512_setzero_ps());
  if (p.clip) {
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, p.lo, _CMP_LT_OQ), v, p.lo);
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(p.hi, v, _CMP_LT_OQ), v, p.hi);
  }
  return v;
}

// Channel c's constants; no sums, bias or residual yet.
__attribute__((target("avx512f"))) inline Pre512 Pre(const QuantEpilogue& e, int64_t c, float bias) {
  Pre512 p;
  p.corr = _mm512_set1_epi32(e.correction[c]);
  p.s = _mm512_set1_ps(e.scale[c]);
  p.b = _mm512_set1_ps(bias);
  p.lo = _mm512_set1_ps(static_cast<float>(e.act.min));
  p.hi = _mm512_set1_ps(static_cast<float>(e.act.max));
  p.acc = nullptr;
  p.sums = nullptr;
  p.z = nullptr;
  p.bias = false;
  p.relu = e.act.enabled && e.act.op == UnaryOp::kRelu;
  p.clip = e.act.enabled && e.act.op == UnaryOp::kClip;
  return p;
}

}  // namespace

__attribute__((target("avx512f"))) void QuantEpilogue::Row512(const int32_t* acc, int64_t len, int64_t c,
                                                              const float* bias, const float* z, float* tmp,
                                                              void* y) const {
  Pre512 p = Pre(*this, c, bias ? *bias : 0.0f);
  p.acc = acc;
  p.z = z;
  p.bias = bias != nullptr;
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
  for (int64_t r = 0; r < planes; ++r) {
    Pre512 p = Pre(*this, c0 + r, bias ? bias[r] : 0.0f);
    p.sums = sums + r * len;
    p.z = z ? z + r * len : nullptr;
    p.bias = bias != nullptr;
    float* vr = v + r * len;
    for (int64_t j = 0; j < len; j += 16)
      _mm512_mask_storeu_ps(vr + j, Tail(len - j), PreActivation(p, j, Tail(len - j)));
  }
  if (OtherActivation()) ApplyActivation(act, v, v, planes * len);
  if (requantize) Quantize512(v, planes * len, out_scale, out_zero, lo, hi, y);
}
#endif

void QuantEpilogue::Planes(const float* sums, int64_t planes, int64_t len, int64_t c0, const float* bias,
                           const float* z, float* tmp, void* y) const {
#ifdef HR_X86
  if (vector_) return Planes512(sums, planes, len, c0, bias, z, tmp, y);
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

void QuantizeFloats(const float* x, int64_t n, float scale, int32_t zero, DType t, void* y) {
  const int32_t lo = t == DType::kInt8 ? -128 : 0, hi = t == DType::kInt8 ? 127 : 255;
#ifdef HR_X86
  if (VectorKernel() == SimdKernel::kAvx512) return Quantize512(x, n, scale, zero, lo, hi, y);
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
