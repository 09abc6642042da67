// Vector kernels of the transcendental activations (activation_simd.cc): what ApplyActivation
// runs for sigmoid, silu, exp, tanh, erf and the two GELUs where the CPU has AVX2+FMA or
// AVX-512F.
#pragma once

#include <cstdint>

namespace hybridrt {
namespace cpu {

enum class SimdActivation { kSigmoid, kSilu, kExp, kTanh, kErf, kGelu, kGeluTanh };
enum class SimdKernel { kPortable, kAvx2, kAvx512 };

// y[i] = op(x[i]) for i in [0, n) with `kernel`'s instructions (kPortable: the formulas); x and
// y may alias. The caller checks that the CPU has the kernel's instructions.
void RunSimdActivation(SimdKernel kernel, SimdActivation op, const float* x, float* y, int64_t n);

// A softmax row's terms: y[i] = e^(x[i] - shift) for i in [0, n), shift being the row's
// largest value (so x[i] - shift <= 0), by the vector exp above; terms whose exponent is below
// -87.3 (under 1.2e-38 of the largest term: float's subnormals) are 0, NaN stays NaN. Returns
// the terms' sum, accumulated in double (in lane order, so AVX-512 and AVX2 sums may differ in
// their last bits). kPortable: e^(x - shift) in double, rounded to float. x and y may alias.
double RunSimdExpShifted(SimdKernel kernel, const float* x, float shift, float* y, int64_t n);

}  // namespace cpu
}  // namespace hybridrt
