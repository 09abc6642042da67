// The cpu backend's activation loop: ApplyActivation runs one unary op (src/ir/activation.h)
// over a float buffer with the switch outside the loop, for the unary kernel and the fused
// activations of convolution, deconvolution, matmul and elementwise.
#pragma once

#include <cstdint>
#include <string>

#include "src/ir/activation.h"
#include "src/ir/network.h"

namespace hybridrt {
namespace cpu {

// y[i] = op(x[i]) for i in [0, n); x and y may alias.
void ApplyActivation(const Activation& act, const float* x, float* y, int64_t n);

}  // namespace cpu
}  // namespace hybridrt
