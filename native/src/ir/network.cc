// Layer-kind names and typed param access (see network.h).
#include "src/ir/network.h"

#include <cmath>

#include "src/util/error.h"

namespace hybridrt {

namespace {
constexpr const char* kKindNames[kNumLayerKinds] = {
    "constant",  "convolution", "deconvolution", "matmul",  "elementwise", "unary",     "pooling",
    "reduce",    "softmax",     "normalization", "shuffle", "concat",      "split",     "slice",
    "gather",    "pad",         "resize",        "cast",    "select",      "quantize",  "dequantize",
    "pointwise", "shape",       "range",         "cumsum",  "argminmax",   "attention", "scatter",
    "topk",      "roialign",    "nonzero",       "nms",     "gridsample",  "recurrent"};
// A kind appended to LayerKind without its name here would read a null name.
static_assert(kKindNames[kNumLayerKinds - 1] != nullptr, "a name per LayerKind");
}  // namespace

const char* LayerKindName(LayerKind kind) { return kKindNames[static_cast<int>(kind)]; }

bool ParseLayerKind(const std::string& name, LayerKind* out) {
  for (int i = 0; i < kNumLayerKinds; ++i) {
    if (name == kKindNames[i]) {
      *out = static_cast<LayerKind>(i);
      return true;
    }
  }
  return false;
}

const ParamValue& Params::Get(const std::string& key, ParamValue::Type type) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->second.type != type) {
    Fail(ErrorCode::kNative, Cat("internal: param '", key, "' read before validation"));
  }
  return it->second;
}

double Params::Float(const std::string& key) const { return Get(key, ParamValue::Type::kNumber).number; }

double Params::FloatOr(const std::string& key, double fallback) const { return Has(key) ? Float(key) : fallback; }

int64_t Params::Int(const std::string& key) const {
  return static_cast<int64_t>(Get(key, ParamValue::Type::kNumber).number);
}

bool Params::Bool(const std::string& key) const { return Get(key, ParamValue::Type::kBool).boolean; }

const std::string& Params::String(const std::string& key) const { return Get(key, ParamValue::Type::kString).string; }

std::vector<int64_t> Params::Ints(const std::string& key) const {
  const ParamValue& v = Get(key, ParamValue::Type::kNumbers);
  std::vector<int64_t> out;
  out.reserve(v.numbers.size());
  for (double d : v.numbers) out.push_back(static_cast<int64_t>(d));
  return out;
}

std::vector<double> Params::Floats(const std::string& key) const {
  return Get(key, ParamValue::Type::kNumbers).numbers;
}

std::string LayerLabel(const Layer& layer) { return Cat("layer '", layer.name, "' (", LayerKindName(layer.kind), ")"); }

void BadParam(const Layer& layer, const std::string& key, const std::string& why) {
  Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": param '", key, "' ", why));
}

int64_t AxisParam(const Layer& layer, const std::string& key, size_t rank) {
  const int64_t axis = layer.params.Int(key);
  if (axis < 0 || axis >= static_cast<int64_t>(rank))
    BadParam(layer, key, Cat("is ", axis, ", out of range for rank ", rank));
  return axis;
}

void CheckPermParam(const Layer& layer, const std::string& key, const std::vector<int64_t>& perm, size_t rank) {
  if (perm.size() != rank) BadParam(layer, key, Cat("has ", perm.size(), " entries; expected ", rank));
  if (!IsPermutation(perm, rank)) BadParam(layer, key, Cat("is not a permutation of 0..", rank - 1));
}

bool IsDynamic(const Network& net) {
  for (const InputRange& r : net.ranges) {
    if (r.min != r.max) return true;
  }
  return false;
}

std::string TensorLabel(const Network& net, int32_t id) {
  if (id < 0 || static_cast<size_t>(id) >= net.tensors.size()) return Cat("tensor id ", id);
  return Cat("tensor '", net.tensors[id].name, "' (id ", id, ")");
}

}  // namespace hybridrt
