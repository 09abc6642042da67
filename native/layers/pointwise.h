// The pointwise layer (a builder form, network.ts `pointwise`): a chain of float elementwise,
// unary and cast layers merged by the builder (pointwise_fusion.h) into one layer whose
// kernel reads each input once, computes every step in fp32 registers and writes the result
// once. Its params:
//   program    "div(x0,c0);erf(t0);add(t1,c1);mul(x0,t2);mul(t3,c2)": steps separated by
//              ';', each an op over operands x<i> (input i, broadcast to the output's shape),
//              t<j> (the result of step j < this one) or c<k> (constants[k]); the last
//              step's result is the output.
//   constants  the numbers c<k> name (fp32 values).
// Ops: the float binary ops of elementwise (add sub mul div pow max min prelu) with two
// operands, and the unary ops (UnaryOp) but `not` with one; a unary op's parameters follow
// as constants: leaky_relu(x,alpha), elu(x,alpha), selu(x,alpha,gamma),
// hard_sigmoid(x,alpha,beta), clip(x,min,max). `identity` is what a float-to-float cast
// becomes inside a chain (the value stays fp32 until the output is stored).
// Every step computes what the layer it came from computes in fp32 (the same formulas:
// formulas.inc, which both backends include); only the roundings of intermediate fp16 tensors,
// which no longer exist, are gone.
#pragma once

#include <string>
#include <vector>

#include "layers/activation.h"
#include "layers/elementwise.h"
#include "src/ir/network.h"

namespace hybridrt {

// The float binary ops: elementwise's first binary::kNumFloat (elementwise.h), its numbering and names.
using PointwiseBinary = binary::Op;
constexpr int kNumPointwiseBinary = binary::kNumFloat;
inline const char* PointwiseBinaryName(PointwiseBinary op) { return binary::Name(op); }

struct PointwiseOperand {
  enum class Kind { kInput, kStep, kConstant } kind = Kind::kInput;
  int index = 0;
};

struct PointwiseStep {
  bool binary = false;
  PointwiseBinary op2 = PointwiseBinary::kAdd;  // binary
  Activation act;                               // unary: the op, its parameters resolved
  // Binary: the two operands. Unary: the operand, then its parameters (constants).
  std::vector<PointwiseOperand> args;
};

struct PointwiseProgram {
  int num_inputs = 0;
  std::vector<PointwiseStep> steps;
  std::vector<double> constants;

  // The `program` param text of these steps (constants referenced as c<k>).
  std::string Text() const;
};

// Parses and checks a program against `num_inputs` inputs; a malformed one is an
// Error(kNative) whose message says what is wrong (the caller adds the layer's name).
PointwiseProgram ParsePointwise(const std::string& text, const std::vector<double>& constants, int num_inputs);
// The program of a pointwise layer's params.
PointwiseProgram PointwiseOf(const Layer& layer);
// The params of a pointwise layer running `prog` (the pointwise pass): PointwiseOf reads it back.
void SetPointwiseProgram(const PointwiseProgram& prog, Params* params);

// fp32 value of one step, on operand values p (and q); the cpu backend's formulas.
float EvalPointwiseBinary(PointwiseBinary op, float p, float q);

// The most inputs and steps one pointwise layer has (the cuda kernel's argument list).
constexpr int kMaxPointwiseInputs = 12;
constexpr int kMaxPointwiseSteps = 64;

}  // namespace hybridrt
