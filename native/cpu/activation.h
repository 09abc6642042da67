// Scalar activation functions of the unary ops (UnaryOp in network.ts), shared by the unary
// kernel and by fused activations of convolution, deconvolution, matmul and elementwise.
// Apply() runs one op over a float buffer with the switch outside the loop.
#pragma once

#include <cstdint>
#include <string>

#include "src/ir/network.h"

namespace hybridrt {
namespace cpu {

enum class UnaryOp {
  kIdentity,
  kRelu,
  kLeakyRelu,
  kElu,
  kSelu,
  kSigmoid,
  kHardSigmoid,
  kHardSwish,
  kTanh,
  kSoftplus,
  kMish,
  kGelu,
  kGeluTanh,
  kErf,
  kClip,
  kExp,
  kLog,
  kSqrt,
  kReciprocal,
  kAbs,
  kNeg,
  kFloor,
  kCeil,
  kSin,
  kCos,
  kNot,
  kSilu,  // x * sigmoid(x): what the builder's fusion makes of Sigmoid + Mul (fusion.h)
};

struct Activation {
  bool enabled = false;
  UnaryOp op = UnaryOp::kIdentity;
  float alpha = 0, beta = 0;
  double min = 0, max = 0;  // clip bounds (may be infinite)
};

UnaryOp ParseUnaryOp(const std::string& name);
const char* UnaryOpName(UnaryOp op);
// Reads `<prefix>op` and its parameters ("" for a unary layer, "activation." for a fused one).
Activation ReadActivation(const Params& params, const std::string& prefix);

// y[i] = op(x[i]) for i in [0, n); x and y may alias.
void ApplyActivation(const Activation& act, const float* x, float* y, int64_t n);

}  // namespace cpu
}  // namespace hybridrt
