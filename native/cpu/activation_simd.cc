// Vector forms of the transcendental activations the cpu backend spends most on (sigmoid,
// silu, exp: efficientnet's SiLU chains were 40% of its time as scalar expf calls):
// AVX-512F (16 lanes) and AVX2+FMA (8 lanes), compiled through target attributes and chosen at
// run time like the SGEMM micro-kernel (sgemm.cc, HYBRIDRT_CPU_KERNEL). They differ from the
// scalar formulas (formulas.inc) by a few ulp, not in kind: NaN stays NaN, and every lane
// outside the polynomial's range (sigmoid and silu below -87.3, exp outside [-87.3, 88.37]:
// underflow, overflow, infinities) is computed again by the formula. A buffer's last < 16
// floats go through the vector code too (padded), so a result depends on its input alone,
// not on the thread count or the fusion that decided where a buffer starts; AVX-512 and AVX2
// give the same bits. test/engine/kernels.test.ts holds each kernel against float64
// references (helpers/kernel-variant-child.ts).
//
// tanh(x) = x P(x^2) for |x| < 0.625 (a degree-6 fit of tanh(x)/x in x^2, 1.04 ulp in float32
// arithmetic), else sign(x) (1 - 2 / (e^2|x| + 1)) with |x| clamped to 9.5 (where the form
// rounds to exactly 1, as tanh does in float32 from 9.011 on). erf(x) = x Q(x^2) for |x| < 0.875
// (degree 5, 2.2 ulp), else sign(x) (1 - e^-x^2 R(|x| - 2.4)) with |x| clamped to 4 (erf is
// exactly 1 in float32 from 3.921 on, and so is the form at 4) and R a degree-8 fit of
// e^x^2 erfc(x) on [0.875, 3.92] (1.06 ulp). Both fits were made for this file by least squares
// on Chebyshev nodes against float64 references, weighted by the absolute error of the
// result; test/engine/helpers/kernel-variant-child.ts holds them to float64.
//
// exp(x) = 2^n * e^r with n = round(x / ln 2) and r = x - n ln 2 (ln 2 split in two so that r is
// exact), e^r by a degree-6 polynomial on |r| <= ln2/2 (Cephes' expf coefficients), 2^n added
// into the exponent bits. Inputs are clamped to [-87.3, 88.37] first, so 2^n stays a normal
// float (n in [-126, 127]).
#include "cpu/activation_simd.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "src/ir/formulas.h"

#include "cpu/x86.h"
#if defined(HR_X86)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace hybridrt {
namespace cpu {

namespace {

constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
constexpr float kExpLo = -87.3f, kExpHi = 88.3762626f;
constexpr float kP0 = 1.9875691500e-4f, kP1 = 1.3981999507e-3f, kP2 = 8.3334519073e-3f, kP3 = 4.1665795894e-2f,
                kP4 = 1.6666665459e-1f, kP5 = 5.0000001201e-1f;

constexpr float kTanhSmall = 0.625f, kTanhBig = 9.5f;
constexpr float kTanhP[7] = {1.0f,
                             -0.333333283662796f,
                             0.1333318054676056f,
                             -0.053944386541843414f,
                             0.021690305322408676f,
                             -0.00815568771213293f,
                             0.0021255987230688334f};
constexpr float kErfSmall = 0.875f, kErfBig = 4.0f, kErfMid = 2.4f;
constexpr float kErfQ[6] = {1.1283791065216064f,    -0.3761254847049713f,  0.11282440274953842f,
                            -0.026790937408804893f, 0.005031408276408911f, -0.0006199261406436563f};
constexpr float kErfR[9] = {0.21850046515464783f,   -0.07957364618778229f,   0.02748219482600689f,
                            -0.009227222763001919f, 0.002600062172859907f,   -0.000881664571352303f,
                            0.0006151338457129896f, 0.00027364928973838687f, 0.00013674984802491963f};
constexpr float kSqrtHalf = 0.70710678118654752f, kGeluTanhA = 0.79788456080286536f, kGeluTanhB = 0.044715f;

// The scalar remainder of a buffer, by the formulas.
void Tail(SimdActivation op, const float* x, float* y, int64_t from, int64_t n) {
  int code = formulas::kHrExp;
  switch (op) {
    case SimdActivation::kSigmoid: code = formulas::kHrSigmoid; break;
    case SimdActivation::kSilu: code = formulas::kHrSilu; break;
    case SimdActivation::kExp: code = formulas::kHrExp; break;
    case SimdActivation::kTanh: code = formulas::kHrTanh; break;
    case SimdActivation::kErf: code = formulas::kHrErf; break;
    case SimdActivation::kGelu: code = formulas::kHrGelu; break;
    case SimdActivation::kGeluTanh: code = formulas::kHrGeluTanh; break;
  }
  for (int64_t i = from; i < n; ++i) y[i] = formulas::HybridrtUnary(code, x[i], 0, 0, 0, 0);
}

}  // namespace

#ifdef HR_X86

namespace {

// e^x for x already clamped to [kExpLo, kExpHi] (NaN passes through as NaN).
__attribute__((target("avx512f"))) inline __m512 Exp16(__m512 x) {
  const __m512 n =
      _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Hi), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Lo), r);
  __m512 p = _mm512_set1_ps(kP0);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kP1));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kP2));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kP3));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kP4));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kP5));
  const __m512 r2 = _mm512_mul_ps(r, r);
  p = _mm512_fmadd_ps(p, r2, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  // 2^n: n + 127 into the exponent field (n is within [-126, 128) after the clamp).
  const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

// max(lo, x) then min(hi, .): the second operand wins on NaN, so NaN is kept.
__attribute__((target("avx512f"))) inline __m512 Clamp16(__m512 x) {
  return _mm512_min_ps(_mm512_set1_ps(kExpHi), _mm512_max_ps(_mm512_set1_ps(kExpLo), x));
}

__attribute__((target("avx512f"))) inline __m512 Sigmoid16(__m512 x) {
  // 1 / (1 + e^-x); e^-x clamped, which above 87.3 leaves 1 as the formula does (lanes below
  // -87.3 are the caller's to redo).
  const __m512 e = Exp16(Clamp16(_mm512_sub_ps(_mm512_setzero_ps(), x)));
  return _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

// p(u) = c[0] + c[1] u + ... + c[N-1] u^(N-1).
template <int N>
__attribute__((target("avx512f"))) inline __m512 Poly16(const float (&c)[N], __m512 u) {
  __m512 p = _mm512_set1_ps(c[N - 1]);
  for (int k = N - 2; k >= 0; --k) p = _mm512_fmadd_ps(p, u, _mm512_set1_ps(c[k]));
  return p;
}

// The sign of x on magnitude m (m >= 0).
__attribute__((target("avx512f"))) inline __m512 WithSign16(__m512 m, __m512 x) {
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(INT32_MIN));
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(m), sign));
}

__attribute__((target("avx512f"))) inline __m512 Abs16(__m512 x) {
  return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(INT32_MAX)));
}

// NaN lanes come out NaN-free here; Block16 redoes them by the formula.
__attribute__((target("avx512f"))) inline __m512 Tanh16(__m512 x) {
  const __m512 a = Abs16(x);
  const __m512 small = _mm512_mul_ps(x, Poly16(kTanhP, _mm512_mul_ps(x, x)));
  const __m512 e = Exp16(_mm512_mul_ps(_mm512_set1_ps(2.0f), _mm512_min_ps(a, _mm512_set1_ps(kTanhBig))));
  const __m512 big =
      _mm512_sub_ps(_mm512_set1_ps(1.0f), _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, _mm512_set1_ps(1.0f))));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, _mm512_set1_ps(kTanhSmall), _CMP_LT_OQ), WithSign16(big, x), small);
}

__attribute__((target("avx512f"))) inline __m512 Erf16(__m512 x) {
  const __m512 a = Abs16(x);
  const __m512 small = _mm512_mul_ps(x, Poly16(kErfQ, _mm512_mul_ps(x, x)));
  const __m512 ac = _mm512_min_ps(a, _mm512_set1_ps(kErfBig));
  const __m512 r = Poly16(kErfR, _mm512_sub_ps(ac, _mm512_set1_ps(kErfMid)));
  const __m512 e = Exp16(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(ac, ac)));
  const __m512 big = _mm512_fnmadd_ps(e, r, _mm512_set1_ps(1.0f));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, _mm512_set1_ps(kErfSmall), _CMP_LT_OQ), WithSign16(big, x), small);
}

// Sixteen floats from `in` to `out` (which may be the same memory). Lanes outside the fast
// range go through the formula, from a copy of the input taken before `out` is written.
__attribute__((target("avx512f"))) void Block16(SimdActivation op, const float* in, float* out) {
  const __m512 v = _mm512_loadu_ps(in);
  const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
  __m512 r;
  switch (op) {
    case SimdActivation::kSigmoid: r = Sigmoid16(v); break;
    case SimdActivation::kSilu: r = _mm512_mul_ps(v, Sigmoid16(v)); break;
    case SimdActivation::kTanh: r = Tanh16(v); break;
    case SimdActivation::kErf: r = Erf16(v); break;
    case SimdActivation::kGelu:
      r = _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, Erf16(_mm512_mul_ps(v, _mm512_set1_ps(kSqrtHalf)))));
      break;
    case SimdActivation::kGeluTanh: {
      const __m512 inner = _mm512_mul_ps(
          _mm512_set1_ps(kGeluTanhA),
          _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(kGeluTanhB), v), v), v)));
      r = _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, Tanh16(inner)));
      break;
    }
    default: r = Exp16(Clamp16(v)); break;  // exp
  }
  __mmask16 slow;
  switch (op) {
    case SimdActivation::kSigmoid:
    case SimdActivation::kSilu: slow = _mm512_cmp_ps_mask(v, _mm512_set1_ps(kExpLo), _CMP_LT_OQ); break;
    case SimdActivation::kExp:
      slow = _mm512_cmp_ps_mask(v, _mm512_set1_ps(kExpLo), _CMP_LT_OQ) |
             _mm512_cmp_ps_mask(v, _mm512_set1_ps(kExpHi), _CMP_GT_OQ);
      break;
    // NaN, and GELU's tails where x * (1 + erf) underflows or the cube overflows.
    case SimdActivation::kGelu:
    case SimdActivation::kGeluTanh: slow = _mm512_cmp_ps_mask(Abs16(v), _mm512_set1_ps(1e4f), _CMP_NLT_UQ); break;
    default: slow = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q); break;  // NaN
  }
  if (!slow) return _mm512_storeu_ps(out, r);
  alignas(64) float saved[16];
  _mm512_store_ps(saved, v);
  _mm512_storeu_ps(out, r);
  for (int l = 0; l < 16; ++l)
    if (slow & (1u << l)) Tail(op, saved + l, out + l, 0, 1);
}

// Every element by the same vector code, the buffer's last < 16 ones through a padded copy: an
// element's result depends on its value only, never on where a thread's chunk or a fused
// layer's block put it.
__attribute__((target("avx512f"))) void Run512(SimdActivation op, const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) Block16(op, x + i, y + i);
  if (i == n) return;
  alignas(64) float pad[16] = {};
  std::memcpy(pad, x + i, static_cast<size_t>(n - i) * sizeof(float));
  Block16(op, pad, pad);
  std::memcpy(y + i, pad, static_cast<size_t>(n - i) * sizeof(float));
}

__attribute__((target("avx2,fma"))) inline __m256 Exp8(__m256 x) {
  const __m256 n =
      _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
  __m256 p = _mm256_set1_ps(kP0);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kP5));
  const __m256 r2 = _mm256_mul_ps(r, r);
  p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma"))) inline __m256 Clamp8(__m256 x) {
  return _mm256_min_ps(_mm256_set1_ps(kExpHi), _mm256_max_ps(_mm256_set1_ps(kExpLo), x));
}

__attribute__((target("avx2,fma"))) inline __m256 Sigmoid8(__m256 x) {
  const __m256 e = Exp8(Clamp8(_mm256_sub_ps(_mm256_setzero_ps(), x)));
  return _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

template <int N>
__attribute__((target("avx2,fma"))) inline __m256 Poly8(const float (&c)[N], __m256 u) {
  __m256 p = _mm256_set1_ps(c[N - 1]);
  for (int k = N - 2; k >= 0; --k) p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(c[k]));
  return p;
}

__attribute__((target("avx2,fma"))) inline __m256 WithSign8(__m256 m, __m256 x) {
  return _mm256_or_ps(m, _mm256_and_ps(x, _mm256_set1_ps(-0.0f)));
}

__attribute__((target("avx2,fma"))) inline __m256 Abs8(__m256 x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }

__attribute__((target("avx2,fma"))) inline __m256 Tanh8(__m256 x) {
  const __m256 a = Abs8(x);
  const __m256 small = _mm256_mul_ps(x, Poly8(kTanhP, _mm256_mul_ps(x, x)));
  const __m256 e = Exp8(_mm256_mul_ps(_mm256_set1_ps(2.0f), _mm256_min_ps(a, _mm256_set1_ps(kTanhBig))));
  const __m256 big =
      _mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
  return _mm256_blendv_ps(WithSign8(big, x), small, _mm256_cmp_ps(a, _mm256_set1_ps(kTanhSmall), _CMP_LT_OQ));
}

__attribute__((target("avx2,fma"))) inline __m256 Erf8(__m256 x) {
  const __m256 a = Abs8(x);
  const __m256 small = _mm256_mul_ps(x, Poly8(kErfQ, _mm256_mul_ps(x, x)));
  const __m256 ac = _mm256_min_ps(a, _mm256_set1_ps(kErfBig));
  const __m256 r = Poly8(kErfR, _mm256_sub_ps(ac, _mm256_set1_ps(kErfMid)));
  const __m256 e = Exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(ac, ac)));
  const __m256 big = _mm256_fnmadd_ps(e, r, _mm256_set1_ps(1.0f));
  return _mm256_blendv_ps(WithSign8(big, x), small, _mm256_cmp_ps(a, _mm256_set1_ps(kErfSmall), _CMP_LT_OQ));
}

// Block16 with eight lanes.
__attribute__((target("avx2,fma"))) void Block8(SimdActivation op, const float* in, float* out) {
  const __m256 v = _mm256_loadu_ps(in);
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
  __m256 r;
  switch (op) {
    case SimdActivation::kSigmoid: r = Sigmoid8(v); break;
    case SimdActivation::kSilu: r = _mm256_mul_ps(v, Sigmoid8(v)); break;
    case SimdActivation::kTanh: r = Tanh8(v); break;
    case SimdActivation::kErf: r = Erf8(v); break;
    case SimdActivation::kGelu:
      r = _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, Erf8(_mm256_mul_ps(v, _mm256_set1_ps(kSqrtHalf)))));
      break;
    case SimdActivation::kGeluTanh: {
      const __m256 inner = _mm256_mul_ps(
          _mm256_set1_ps(kGeluTanhA),
          _mm256_add_ps(v, _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(kGeluTanhB), v), v), v)));
      r = _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, Tanh8(inner)));
      break;
    }
    default: r = Exp8(Clamp8(v)); break;  // exp
  }
  __m256 slowv;
  switch (op) {
    case SimdActivation::kSigmoid:
    case SimdActivation::kSilu: slowv = _mm256_cmp_ps(v, _mm256_set1_ps(kExpLo), _CMP_LT_OQ); break;
    case SimdActivation::kExp:
      slowv = _mm256_or_ps(_mm256_cmp_ps(v, _mm256_set1_ps(kExpLo), _CMP_LT_OQ),
                           _mm256_cmp_ps(v, _mm256_set1_ps(kExpHi), _CMP_GT_OQ));
      break;
    case SimdActivation::kGelu:
    case SimdActivation::kGeluTanh: slowv = _mm256_cmp_ps(Abs8(v), _mm256_set1_ps(1e4f), _CMP_NLT_UQ); break;
    default: slowv = _mm256_cmp_ps(v, v, _CMP_UNORD_Q); break;  // NaN
  }
  const int slow = _mm256_movemask_ps(slowv);
  if (!slow) return _mm256_storeu_ps(out, r);
  alignas(32) float saved[8];
  _mm256_store_ps(saved, v);
  _mm256_storeu_ps(out, r);
  for (int l = 0; l < 8; ++l)
    if (slow & (1 << l)) Tail(op, saved + l, out + l, 0, 1);
}

// Run512 with eight lanes (the same operations per lane, so the same bits).
__attribute__((target("avx2,fma"))) void Run256(SimdActivation op, const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) Block8(op, x + i, y + i);
  if (i == n) return;
  alignas(32) float pad[8] = {};
  std::memcpy(pad, x + i, static_cast<size_t>(n - i) * sizeof(float));
  Block8(op, pad, pad);
  std::memcpy(y + i, pad, static_cast<size_t>(n - i) * sizeof(float));
}

// RunSimdExpShifted's AVX-512 form: the row's last < 16 floats through masked loads and stores.
__attribute__((target("avx512f"))) double ExpShifted512(const float* x, float shift, float* y, int64_t n) {
  const __m512 s = _mm512_set1_ps(shift), lo = _mm512_set1_ps(kExpLo);
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    const __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), s);
    const __mmask16 keep = _mm512_cmp_ps_mask(d, lo, _CMP_NLT_UQ) & m;  // >= -87.3, or NaN
    const __m512 e = _mm512_maskz_mov_ps(keep, Exp16(Clamp16(d)));
    _mm512_mask_storeu_ps(y + i, m, e);
    acc0 = _mm512_add_pd(acc0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
    acc1 = _mm512_add_pd(acc1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
}

// ExpShifted512 with eight lanes.
__attribute__((target("avx2,fma"))) double ExpShifted256(const float* x, float shift, float* y, int64_t n) {
  const __m256 s = _mm256_set1_ps(shift), lo = _mm256_set1_ps(kExpLo);
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  for (int64_t i = 0; i < n; i += 8) {
    const int64_t left = n - i;
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(left < 8 ? left : 8)),
                                         _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    const __m256 d = _mm256_sub_ps(_mm256_maskload_ps(x + i, m), s);
    const __m256 keep = _mm256_and_ps(_mm256_cmp_ps(d, lo, _CMP_NLT_UQ), _mm256_castsi256_ps(m));
    const __m256 e = _mm256_and_ps(keep, Exp8(Clamp8(d)));
    _mm256_maskstore_ps(y + i, m, e);
    acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
  }
  alignas(32) double a[4];
  _mm256_store_pd(a, _mm256_add_pd(acc0, acc1));
  return (a[0] + a[1]) + (a[2] + a[3]);
}

}  // namespace

#endif  // HR_X86

void RunSimdActivation(SimdKernel kernel, SimdActivation op, const float* x, float* y, int64_t n) {
#ifdef HR_X86
  if (kernel == SimdKernel::kAvx512) return Run512(op, x, y, n);
  if (kernel == SimdKernel::kAvx2) return Run256(op, x, y, n);
#endif
  Tail(op, x, y, 0, n);
}

double RunSimdExpShifted(SimdKernel kernel, const float* x, float shift, float* y, int64_t n) {
#ifdef HR_X86
  if (kernel == SimdKernel::kAvx512) return ExpShifted512(x, shift, y, n);
  if (kernel == SimdKernel::kAvx2) return ExpShifted256(x, shift, y, n);
#endif
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double e = std::exp(static_cast<double>(x[i]) - shift);
    y[i] = static_cast<float>(e);
    sum += e;
  }
  return sum;
}

}  // namespace cpu
}  // namespace hybridrt
