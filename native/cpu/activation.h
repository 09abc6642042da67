// The cpu backend's activation loop: ApplyActivation runs one unary op (layers/activation.h)
// over a float buffer with the switch outside the loop, for the unary kernel and the fused
// activations of convolution, deconvolution, matmul and elementwise.
#pragma once

#include <cstdint>
#include <string>

#include "layers/activation.h"
#include "src/ir/network.h"

namespace hybridrt {
namespace cpu {

// y[i] = op(x[i]) for i in [0, n); x and y may alias.
void ApplyActivation(const Activation& act, const float* x, float* y, int64_t n);

// Relu (lo 0, hi infinity) or Clip (its min and max) as the bounds of Clip's formula,
// min(hi, max(lo, v)) with NaN kept: what kernels that clamp as they store take.
struct ClampBounds {
  float lo = 0, hi = 0;
};
ClampBounds ClampBoundsOf(const Activation& act);

}  // namespace cpu
}  // namespace hybridrt
