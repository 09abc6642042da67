// The network IR on the C++ side: the same tensors, layers and params as
// src/engine/network.ts (THE definition of the format), read by network_reader.cc from JS
// objects or by plan_reader.cc from a plan. Params keep their JS names and values, so one
// generic representation serves the reader, the validator, the plan and the kernels; the
// validator (validator.cc, param_schema.cc) checks presence, types and ranges before any
// kernel reads them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "src/ir/dtype.h"
#include "src/ir/shape.h"

namespace hybridrt {

// NOTE: the numeric values are written into plans; append, never renumber.
enum class LayerKind : uint8_t {
  kConstant = 0,
  kConvolution,
  kDeconvolution,
  kMatmul,
  kElementwise,
  kUnary,
  kPooling,
  kReduce,
  kSoftmax,
  kNormalization,
  kShuffle,
  kConcat,
  kSplit,
  kSlice,
  kGather,
  kPad,
  kResize,
  kCast,
  kSelect,
  kQuantize,
  kDequantize,
  kPointwise,  // a builder form (pointwise.h): a fused chain of float elementwise, unary and cast layers
  kShape,      // ONNX Shape: the input's dims as an int64 vector, written at run time (a shape tensor)
  kRange,      // ONNX Range of integers, its bounds constants or shape tensors (computed_layers.h)
  kCumSum,     // ONNX CumSum along one axis (exclusive, reverse)
  kArgMinMax,  // ONNX ArgMax / ArgMin along one axis: int64 indices
  kAttention,  // softmax(scale * q k^T + mask) v in one layer (attention.h): the fusion pass and converters
  kScatter,    // ONNX ScatterND and ScatterElements (scatter.h)
  kTopK,       // ONNX TopK along one axis: the k largest (smallest) values, sorted, and their int64 indices
  kRoiAlign,   // ONNX RoiAlign: bilinear samples of NCHW features pooled (avg, max) over boxes
  kNonZero,    // ONNX NonZero: int64 [rank, count], its count known only after a run (DataDependentDim)
  kNms,        // ONNX NonMaxSuppression (nms.h): int64 [count, 3], its count known only after a run
  // ONNX GridSample over NCHW (grid_sample.h): x sampled at the points of a grid [N, Ho, Wo, 2]
  kGridSample,
  // ONNX RNN, GRU or LSTM over a whole sequence, one direction, from its input projection (recurrent.h)
  kRecurrent,
};
constexpr int kNumLayerKinds = 34;

// The dim of a layer's output 0 whose size depends on the data (nonzero: [rank, count], 1; nms:
// [count, 3], 0), or -1. Its tensor is declared at the bound (the kind's rule); the kernel
// writes the elements at the run's count (row-major, as if the tensor had it) and the count
// through KernelArgs::count, which the context reads after the run (TensorRT's
// IOutputAllocator). Such an output is a network output that no layer reads: the engine ends
// at it (validator.cc), and the next engine takes it as a ranged input.
inline int DataDependentDim(LayerKind kind) {
  return kind == LayerKind::kNonZero ? 1 : kind == LayerKind::kNms ? 0 : -1;
}
inline bool DataDependentLayer(LayerKind kind) { return DataDependentDim(kind) >= 0; }

const char* LayerKindName(LayerKind kind);
bool ParseLayerKind(const std::string& name, LayerKind* out);

// One param value as JS gave it. Numbers are doubles (JS numbers); the schema says which
// must be integral. A nested object (a fused activation: `activation`, `excite1`, `excite2`)
// is flattened into dotted keys, which the param schema then checks.
struct ParamValue {
  // NOTE: written into plans; append, never renumber.
  enum class Type : uint8_t { kNumber = 0, kNumbers = 1, kBool = 2, kString = 3 };
  Type type = Type::kNumber;
  double number = 0;
  bool boolean = false;
  std::string string;
  std::vector<double> numbers;

  // Values the builder's rewrites set (fusion.h, layout.h).
  static ParamValue Number(double v) {
    ParamValue p;
    p.number = v;
    return p;
  }
  static ParamValue Bool(bool v) {
    ParamValue p;
    p.type = Type::kBool;
    p.boolean = v;
    return p;
  }
  static ParamValue String(std::string v) {
    ParamValue p;
    p.type = Type::kString;
    p.string = std::move(v);
    return p;
  }
  static ParamValue Numbers(const std::vector<int64_t>& v) {
    ParamValue p;
    p.type = Type::kNumbers;
    p.numbers.assign(v.begin(), v.end());
    return p;
  }
};

class Params {
 public:
  void Set(const std::string& key, ParamValue value) { values_[key] = std::move(value); }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  void Erase(const std::string& key) { values_.erase(key); }
  const std::map<std::string, ParamValue>& values() const { return values_; }

  // Typed reads of params the validator has checked (present, right type); a missing key
  // here is a bug in the engine, reported as an Error rather than undefined behaviour.
  double Float(const std::string& key) const;
  double FloatOr(const std::string& key, double fallback) const;
  int64_t Int(const std::string& key) const;
  bool Bool(const std::string& key) const;
  const std::string& String(const std::string& key) const;
  std::vector<int64_t> Ints(const std::string& key) const;
  std::vector<double> Floats(const std::string& key) const;

 private:
  const ParamValue& Get(const std::string& key, ParamValue::Type type) const;
  std::map<std::string, ParamValue> values_;
};

struct TensorInfo {
  std::string name;
  DType dtype = DType::kFloat32;
  Shape shape;
};

struct Layer {
  LayerKind kind = LayerKind::kConstant;
  std::string name;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  Params params;
};

// Bytes of a constant layer: a view whose owner (a JS typed array during a build, the plan
// buffer during deserialization, or the engine's weight store) outlives its use.
struct WeightView {
  const uint8_t* data = nullptr;
  size_t bytes = 0;
};

// The shapes one network input may take at run time (TensorRT's optimization profile, one per
// engine): every dim between min and max, both inclusive. The network's declared shapes are the
// profile's opt, what the builder times tactics at; the engine derives every other tensor's shape
// at run time with the layer rules (derive_shapes.h).
struct InputRange {
  Shape min, max;
};

struct Network {
  uint32_t format_version = 0;
  std::string name;
  std::vector<TensorInfo> tensors;  // index = tensor id
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<Layer> layers;        // topological order
  std::vector<WeightView> weights;  // per layer; set for constant layers only
  std::vector<InputRange> ranges;   // per input, or empty: every input static at its declared shape
};

// Whether any input's range admits more than its declared shape.
bool IsDynamic(const Network& net);

// "layer 'conv1' (convolution)": how every message about a layer starts.
std::string LayerLabel(const Layer& layer);
// An Error naming the layer and its param: "layer 'n' (kind): param 'key' <why>", as the param
// schema and the kinds' typed readers (src/ir/<kind>.h) refuse a param.
[[noreturn]] void BadParam(const Layer& layer, const std::string& key, const std::string& why);
// The layer's int param `key` as an axis of a tensor of rank `rank`: outside [0, rank) is a
// BadParam.
int64_t AxisParam(const Layer& layer, const std::string& key, size_t rank);
// `perm`, the layer's param `key`, must be a permutation of 0..rank-1: else a BadParam.
void CheckPermParam(const Layer& layer, const std::string& key, const std::vector<int64_t>& perm, size_t rank);
// "tensor 'x' (id 3)".
std::string TensorLabel(const Network& net, int32_t id);

}  // namespace hybridrt
