// Activation functions (see activation.h). Formulas follow the ONNX operator definitions;
// overflow-prone ones (softplus, sigmoid) are written so that large |x| stays finite.
#include "cpu/activation.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "src/error.h"

namespace hybridrt {
namespace cpu {

namespace {

struct OpName {
  const char* name;
  UnaryOp op;
};
constexpr OpName kOps[] = {
    {"identity", UnaryOp::kIdentity}, {"relu", UnaryOp::kRelu},       {"leaky_relu", UnaryOp::kLeakyRelu},
    {"elu", UnaryOp::kElu},           {"selu", UnaryOp::kSelu},       {"sigmoid", UnaryOp::kSigmoid},
    {"hard_sigmoid", UnaryOp::kHardSigmoid}, {"hard_swish", UnaryOp::kHardSwish}, {"tanh", UnaryOp::kTanh},
    {"softplus", UnaryOp::kSoftplus}, {"mish", UnaryOp::kMish},       {"gelu", UnaryOp::kGelu},
    {"gelu_tanh", UnaryOp::kGeluTanh}, {"erf", UnaryOp::kErf},        {"clip", UnaryOp::kClip},
    {"exp", UnaryOp::kExp},           {"log", UnaryOp::kLog},         {"sqrt", UnaryOp::kSqrt},
    {"reciprocal", UnaryOp::kReciprocal}, {"abs", UnaryOp::kAbs},     {"neg", UnaryOp::kNeg},
    {"floor", UnaryOp::kFloor},       {"ceil", UnaryOp::kCeil},       {"sin", UnaryOp::kSin},
    {"cos", UnaryOp::kCos},           {"not", UnaryOp::kNot},         {"silu", UnaryOp::kSilu},
};

inline float Softplus(float x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

template <typename F>
void Map(const float* x, float* y, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

}  // namespace

UnaryOp ParseUnaryOp(const std::string& name) {
  for (const OpName& o : kOps) {
    if (name == o.name) return o.op;
  }
  Fail(ErrorCode::kNative, Cat("unknown unary op '", name, "'"));
}

const char* UnaryOpName(UnaryOp op) {
  for (const OpName& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "?";
}

Activation ReadActivation(const Params& params, const std::string& prefix) {
  Activation a;
  if (!params.Has(prefix + "op")) return a;
  a.enabled = true;
  a.op = ParseUnaryOp(params.String(prefix + "op"));
  a.alpha = static_cast<float>(params.FloatOr(prefix + "alpha", 0));
  a.beta = static_cast<float>(params.FloatOr(prefix + "beta", 0));
  a.min = params.FloatOr(prefix + "min", -INFINITY);
  a.max = params.FloatOr(prefix + "max", INFINITY);
  if (a.op == UnaryOp::kIdentity) a.enabled = false;
  return a;
}

void ApplyActivation(const Activation& act, const float* x, float* y, int64_t n) {
  const float alpha = act.alpha, beta = act.beta;
  switch (act.op) {
    case UnaryOp::kIdentity:
    case UnaryOp::kNot:  // bool only; never reaches float buffers
      if (x != y) std::memmove(y, x, static_cast<size_t>(n) * 4);
      return;
    case UnaryOp::kRelu: return Map(x, y, n, [](float v) { return v > 0 ? v : 0.0f; });
    case UnaryOp::kLeakyRelu: return Map(x, y, n, [=](float v) { return v >= 0 ? v : alpha * v; });
    case UnaryOp::kElu: return Map(x, y, n, [=](float v) { return v >= 0 ? v : alpha * std::expm1(v); });
    case UnaryOp::kSelu:
      return Map(x, y, n, [=](float v) { return v > 0 ? beta * v : beta * alpha * std::expm1(v); });
    case UnaryOp::kSigmoid:
      return Map(x, y, n, [](float v) {
        if (v >= 0) return 1.0f / (1.0f + std::exp(-v));
        float e = std::exp(v);
        return e / (1.0f + e);
      });
    case UnaryOp::kSilu:
      // x * sigmoid(x), sigmoid as above: in fp32 exactly what the Sigmoid + Mul pair computes.
      return Map(x, y, n, [](float v) {
        if (v >= 0) return v * (1.0f / (1.0f + std::exp(-v)));
        float e = std::exp(v);
        return v * (e / (1.0f + e));
      });
    case UnaryOp::kHardSigmoid:
      return Map(x, y, n, [=](float v) { return std::max(0.0f, std::min(1.0f, alpha * v + beta)); });
    case UnaryOp::kHardSwish:
      return Map(x, y, n, [](float v) { return v * std::max(0.0f, std::min(1.0f, v / 6.0f + 0.5f)); });
    case UnaryOp::kTanh: return Map(x, y, n, [](float v) { return std::tanh(v); });
    case UnaryOp::kSoftplus: return Map(x, y, n, Softplus);
    case UnaryOp::kMish: return Map(x, y, n, [](float v) { return v * std::tanh(Softplus(v)); });
    case UnaryOp::kGelu:
      return Map(x, y, n, [](float v) { return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f)); });
    case UnaryOp::kGeluTanh:
      return Map(x, y, n, [](float v) {
        return 0.5f * v * (1.0f + std::tanh(0.79788456080286536f * (v + 0.044715f * v * v * v)));
      });
    case UnaryOp::kErf: return Map(x, y, n, [](float v) { return std::erf(v); });
    case UnaryOp::kClip: {
      const float lo = static_cast<float>(act.min), hi = static_cast<float>(act.max);
      return Map(x, y, n, [=](float v) { return std::min(std::max(v, lo), hi); });
    }
    case UnaryOp::kExp: return Map(x, y, n, [](float v) { return std::exp(v); });
    case UnaryOp::kLog: return Map(x, y, n, [](float v) { return std::log(v); });
    case UnaryOp::kSqrt: return Map(x, y, n, [](float v) { return std::sqrt(v); });
    case UnaryOp::kReciprocal: return Map(x, y, n, [](float v) { return 1.0f / v; });
    case UnaryOp::kAbs: return Map(x, y, n, [](float v) { return std::fabs(v); });
    case UnaryOp::kNeg: return Map(x, y, n, [](float v) { return -v; });
    case UnaryOp::kFloor: return Map(x, y, n, [](float v) { return std::floor(v); });
    case UnaryOp::kCeil: return Map(x, y, n, [](float v) { return std::ceil(v); });
    case UnaryOp::kSin: return Map(x, y, n, [](float v) { return std::sin(v); });
    case UnaryOp::kCos: return Map(x, y, n, [](float v) { return std::cos(v); });
  }
}

}  // namespace cpu
}  // namespace hybridrt
