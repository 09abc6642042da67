// The unary ops of the network IR (UnaryOp in network.ts) and an activation: a unary op with
// its parameters, as a unary layer holds it or a convolution, matmul or elementwise layer
// fuses it. Backend-neutral: the cpu backend applies it (cpu/activation.h), the cuda
// backend compiles the same formulas (formulas.inc), the pointwise program refers to it.
#pragma once

#include <string>

#include "src/ir/network.h"

namespace hybridrt {

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
  kSilu,   // x * sigmoid(x): what the builder's fusion makes of Sigmoid + Mul (fusion.h)
  kRound,  // to the nearest integer, halves to even (ONNX Round)
  kSign,   // -1, +0 or 1 (NaN stays NaN, as onnxruntime's fp32 Sign)
};

struct Activation {
  bool enabled = false;
  UnaryOp op = UnaryOp::kIdentity;
  float alpha = 0, beta = 0;
  double min = 0, max = 0;  // clip bounds (may be infinite)
};

UnaryOp ParseUnaryOp(const std::string& name);
const char* UnaryOpName(UnaryOp op);
// Every unary op's name, in the table's order (what the param schema admits).
std::vector<const char*> UnaryOpNames();
// Reads `<prefix>op` and its parameters ("" for a unary layer, "activation." for a fused one).
Activation ReadActivation(const Params& params, const std::string& prefix);

// The params of an activation under a prefix: `<prefix>op`, then its numbers (ReadActivation's
// keys; the builder's passes move an activation from layer to layer by this list).
constexpr const char* kActivationKeys[] = {"op", "alpha", "beta", "min", "max"};
// Whether `params` hold an activation under `prefix` (its op given, identity included): a
// layer whose epilogue is taken, so that a pass fuses no second one into it.
bool HasActivation(const Params& params, const std::string& prefix);
// Copies the activation under `from_prefix` of `from` to `to_prefix` of `into`, each param as
// given (none where `from` has no op there).
void CopyActivation(const Params& from, const std::string& from_prefix, Params* into, const std::string& to_prefix);
// Makes the activation under `prefix` the parameterless `op` (relu for a relu6 whose clip moved,
// silu for a sigmoid): its op set, its numbers dropped.
void SetActivationOp(Params* params, const std::string& prefix, UnaryOp op);

class LayerCheck;  // src/ir/shape_rules.h
// The activation under `prefix` (the unary layer's own, prefix ""): its op takes `dtype` and
// has the params it needs (activation.cc).
void CheckUnaryParams(const LayerCheck& c, const std::string& prefix, DType dtype);
// A fused activation ('activation.' params), where there is one, on an output of `out_dtype`.
void CheckActivation(const LayerCheck& c, DType out_dtype);

}  // namespace hybridrt
