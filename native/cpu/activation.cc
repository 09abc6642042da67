// Activation functions (see activation.h): the formulas are formulas.inc's, the ones the cuda
// kernels compile, so both backends compute the same thing (NaN and signed zeros included);
// sigmoid, silu and exp run as vector kernels where the CPU has them (activation_simd.h),
// within a few ulp of the formulas.
#include "cpu/activation.h"

#include <array>
#include <cmath>
#include <cstring>
#include <utility>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

#include "cpu/activation_simd.h"
#include "cpu/sgemm.h"
#include "src/ir/formulas.h"
#include "src/util/error.h"

namespace hybridrt {
namespace cpu {

namespace {

// One op over a buffer: the op is a constant here, so the formula's switch folds away and the
// loop is the formula alone.
template <int Op>
void MapOp(const Activation& act, const float* x, float* y, int64_t n) {
  const float alpha = act.alpha, beta = act.beta, lo = static_cast<float>(act.min), hi = static_cast<float>(act.max);
  for (int64_t i = 0; i < n; ++i) y[i] = formulas::HybridrtUnary(Op, x[i], alpha, beta, lo, hi);
}

using MapFn = void (*)(const Activation&, const float*, float*, int64_t);

template <int... Ops>
constexpr std::array<MapFn, sizeof...(Ops)> MapTable(std::integer_sequence<int, Ops...>) {
  return {&MapOp<Ops>...};
}

constexpr int kNumUnaryOps = static_cast<int>(UnaryOp::kSign) + 1;
constexpr auto kMaps = MapTable(std::make_integer_sequence<int, kNumUnaryOps>{});

static_assert(static_cast<int>(UnaryOp::kSign) == formulas::kHrSign &&
                  static_cast<int>(UnaryOp::kSilu) == formulas::kHrSilu &&
                  static_cast<int>(UnaryOp::kErf) == formulas::kHrErf &&
                  static_cast<int>(UnaryOp::kNot) == formulas::kHrNot &&
                  static_cast<int>(UnaryOp::kClip) == formulas::kHrClip,
              "formulas.inc numbers the unary ops as UnaryOp (layers/activation.h)");

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// HardSwish 16 lanes at a time: x * clamp01(x / 6 + 0.5), the formula's operations in its order
// (a division, then an add: nothing an FMA could contract), so its bits; clamp01's NaN kept as
// max/min keep their second operand. The formula's map ran it 4 wide (a tenth of the time of
// MobileNetV3's 1x1 layers that did not take the shallow product).
__attribute__((target("avx512f"))) void HardSwish512(const float* x, float* y, int64_t n) {
  const __m512 six = _mm512_set1_ps(6.0f), half = _mm512_set1_ps(0.5f);
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
    const __m512 t = _mm512_add_ps(_mm512_div_ps(v, six), half);
    _mm512_mask_storeu_ps(y + i, m,
                          _mm512_mul_ps(v, _mm512_maskz_min_ps(0xffff, one, _mm512_maskz_max_ps(0xffff, zero, t))));
  }
}
#define HR_HARD_SWISH_512 1

// LeakyRelu, v >= 0 ? v : alpha * v, 16 (8) lanes at a time: the product taken everywhere and
// blended in where v >= 0 is false (NaN included), so the formula's bits, -0 kept. The formula's
// map was not vectorized (GCC does not speculate the product under the branch) and mispredicted
// on every other sign: 38% of oww_embedding's run.
__attribute__((target("avx512f"))) void LeakyRelu512(float alpha, const float* x, float* y, int64_t n) {
  const __m512 a = _mm512_set1_ps(alpha), zero = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
    const __mmask16 keep = _mm512_cmp_ps_mask(v, zero, _CMP_GE_OQ);
    _mm512_mask_storeu_ps(y + i, m, _mm512_mask_blend_ps(keep, _mm512_mul_ps(a, v), v));
  }
}

__attribute__((target("avx2"))) void LeakyRelu256(float alpha, const float* x, float* y, int64_t n) {
  const __m256 a = _mm256_set1_ps(alpha), zero = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    _mm256_storeu_ps(y + i, _mm256_blendv_ps(_mm256_mul_ps(a, v), v, _mm256_cmp_ps(v, zero, _CMP_GE_OQ)));
  }
  for (; i < n; ++i) y[i] = formulas::HybridrtUnary(formulas::kHrLeakyRelu, x[i], alpha, 0.0f, 0.0f, 0.0f);
}
#define HR_LEAKY_RELU_SIMD 1
#endif

}  // namespace

// The vector kernels' instruction set: the SGEMM micro-kernel's choice (one choice per
// process, HYBRIDRT_CPU_KERNEL included).
SimdKernel VectorKernel() {
  static const SimdKernel kernel = [] {
    const std::string name = SgemmKernelName();
    return name == "avx512" ? SimdKernel::kAvx512 : name == "avx2" ? SimdKernel::kAvx2 : SimdKernel::kPortable;
  }();
  return kernel;
}

void ApplyActivation(const Activation& act, const float* x, float* y, int64_t n) {
  if (act.op == UnaryOp::kIdentity || act.op == UnaryOp::kNot) {  // not: bool only, never reaches float buffers
    if (x != y) std::memmove(y, x, static_cast<size_t>(n) * 4);
    return;
  }
  const SimdKernel kernel = VectorKernel();
  if (kernel != SimdKernel::kPortable) {
    switch (act.op) {
      case UnaryOp::kSigmoid: return RunSimdActivation(kernel, SimdActivation::kSigmoid, x, y, n);
      case UnaryOp::kSilu: return RunSimdActivation(kernel, SimdActivation::kSilu, x, y, n);
      case UnaryOp::kExp: return RunSimdActivation(kernel, SimdActivation::kExp, x, y, n);
      case UnaryOp::kTanh: return RunSimdActivation(kernel, SimdActivation::kTanh, x, y, n);
      case UnaryOp::kErf: return RunSimdActivation(kernel, SimdActivation::kErf, x, y, n);
      case UnaryOp::kGelu: return RunSimdActivation(kernel, SimdActivation::kGelu, x, y, n);
      case UnaryOp::kGeluTanh: return RunSimdActivation(kernel, SimdActivation::kGeluTanh, x, y, n);
      default: break;
    }
#ifdef HR_HARD_SWISH_512
    if (kernel == SimdKernel::kAvx512 && act.op == UnaryOp::kHardSwish) return HardSwish512(x, y, n);
#endif
#ifdef HR_LEAKY_RELU_SIMD
    if (act.op == UnaryOp::kLeakyRelu) {
      return kernel == SimdKernel::kAvx512 ? LeakyRelu512(act.alpha, x, y, n) : LeakyRelu256(act.alpha, x, y, n);
    }
#endif
  }
  kMaps[static_cast<int>(act.op)](act, x, y, n);
}

ClampBounds ClampBoundsOf(const Activation& act) {
  if (act.op == UnaryOp::kRelu) return {0.0f, INFINITY};
  return {static_cast<float>(act.min), static_cast<float>(act.max)};
}

}  // namespace cpu
}  // namespace hybridrt
