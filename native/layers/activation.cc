// Unary op names and activation parameters (see activation.h).
#include "layers/activation.h"

#include <cmath>
#include <iterator>

#include "src/util/error.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

struct OpName {
  const char* name;
  UnaryOp op;
};
constexpr OpName kOps[] = {
    {"identity", UnaryOp::kIdentity},
    {"relu", UnaryOp::kRelu},
    {"leaky_relu", UnaryOp::kLeakyRelu},
    {"elu", UnaryOp::kElu},
    {"selu", UnaryOp::kSelu},
    {"sigmoid", UnaryOp::kSigmoid},
    {"hard_sigmoid", UnaryOp::kHardSigmoid},
    {"hard_swish", UnaryOp::kHardSwish},
    {"tanh", UnaryOp::kTanh},
    {"softplus", UnaryOp::kSoftplus},
    {"mish", UnaryOp::kMish},
    {"gelu", UnaryOp::kGelu},
    {"gelu_tanh", UnaryOp::kGeluTanh},
    {"erf", UnaryOp::kErf},
    {"clip", UnaryOp::kClip},
    {"exp", UnaryOp::kExp},
    {"log", UnaryOp::kLog},
    {"sqrt", UnaryOp::kSqrt},
    {"reciprocal", UnaryOp::kReciprocal},
    {"abs", UnaryOp::kAbs},
    {"neg", UnaryOp::kNeg},
    {"floor", UnaryOp::kFloor},
    {"ceil", UnaryOp::kCeil},
    {"sin", UnaryOp::kSin},
    {"cos", UnaryOp::kCos},
    {"round", UnaryOp::kRound},
    {"sign", UnaryOp::kSign},
    {"not", UnaryOp::kNot},
    {"silu", UnaryOp::kSilu},
};

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

std::vector<const char*> UnaryOpNames() {
  std::vector<const char*> names;
  for (const OpName& o : kOps) names.push_back(o.name);
  return names;
}

bool HasActivation(const Params& params, const std::string& prefix) { return params.Has(prefix + "op"); }

void CopyActivation(const Params& from, const std::string& from_prefix, Params* into, const std::string& to_prefix) {
  if (!HasActivation(from, from_prefix)) return;
  for (const char* key : kActivationKeys) {
    auto it = from.values().find(from_prefix + key);
    if (it != from.values().end()) into->Set(to_prefix + key, it->second);
  }
}

void SetActivationOp(Params* params, const std::string& prefix, UnaryOp op) {
  params->Set(prefix + kActivationKeys[0], ParamValue::String(UnaryOpName(op)));
  for (size_t i = 1; i < std::size(kActivationKeys); ++i) params->Erase(prefix + kActivationKeys[i]);
}

Activation ReadActivation(const Params& params, const std::string& prefix) {
  Activation a;
  if (!HasActivation(params, prefix)) return a;
  a.enabled = true;
  a.op = ParseUnaryOp(params.String(prefix + "op"));
  a.alpha = static_cast<float>(params.FloatOr(prefix + "alpha", 0));
  a.beta = static_cast<float>(params.FloatOr(prefix + "beta", 0));
  a.min = params.FloatOr(prefix + "min", -INFINITY);
  a.max = params.FloatOr(prefix + "max", INFINITY);
  if (a.op == UnaryOp::kIdentity) a.enabled = false;
  return a;
}

void CheckUnaryParams(const LayerCheck& c, const std::string& prefix, DType dtype) {
  const std::string& op = c.params().String(prefix + "op");
  auto need = [&](const char* p) {
    if (!c.params().Has(prefix + p)) c.Bad(Cat("op '", op, "' needs param '", prefix, p, "'"));
  };
  if (op == "leaky_relu" || op == "elu") need("alpha");
  if (op == "selu" || op == "hard_sigmoid") {
    need("alpha");
    need("beta");
  }
  if (op == "clip") {
    need("min");
    need("max");
  }
  bool ok;
  if (op == "not") {
    ok = dtype == DType::kBool;
  } else if (op == "identity") {
    ok = true;
  } else if (op == "relu" || op == "abs" || op == "neg" || op == "sign" || op == "clip") {
    ok = IsNumeric(dtype);
  } else {
    ok = IsFloat(dtype);
  }
  if (!ok) c.Bad(Cat("op '", op, "' does not take dtype ", DTypeName(dtype)));
}

void CheckActivation(const LayerCheck& c, DType out_dtype) {
  if (!c.params().Has("activation.op")) return;
  if (!IsFloat(out_dtype)) c.Bad(Cat("a fused activation needs a float output, not ", DTypeName(out_dtype)));
  CheckUnaryParams(c, "activation.", out_dtype);
}

void CheckUnaryLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  CheckUnaryParams(c, "", c.In(0).dtype);
  c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
}

}  // namespace hybridrt
