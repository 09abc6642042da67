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

}  // namespace cpu
}  // namespace hybridrt
