// Shape and dtype rules of every layer kind, re-derived in C++ from the semantics written in
// src/engine/network.ts: input counts, allowed dtypes, param ranges that depend on shapes,
// and the output dtypes and shapes, which must equal the tensors the network declares.
// A violation is an Error naming the layer, the tensor and what was expected.
#pragma once

#include <string>
#include <vector>

#include "src/ir/network.h"
#include "src/util/error.h"

namespace hybridrt {

// Checks one layer whose inputs are already known to be produced earlier (validator.cc).
void CheckLayerShapes(const Network& net, const Layer& layer);

// What a layer's outputs are, for the TypeScript builder (napi_layer.cc): the same rules in
// derive mode. Only the kinds whose output a rule cannot work out read a given output: slice
// and resize (the shape), quantize without a zero point (the dtype), pointwise (both).
struct GivenOutput {
  bool has_dtype = false, has_shape = false;
  DType dtype = DType::kFloat32;
  Shape shape;
};
// Checks `layer` (kind, name, params; inputs and outputs are ignored) against input tensors
// `inputs` and returns its outputs' dtypes and shapes; an output given in `given` must equal
// what the rule derives. A violation is an Error naming the layer, as in validation.
std::vector<TensorInfo> DeriveLayerOutputs(Layer layer, const std::vector<TensorInfo>& inputs,
                                           const std::vector<GivenOutput>& given);

// Output size of a sliding window along one dim (convolution and pooling); -1 when the
// window does not fit the padded input even once.
int64_t WindowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                         int64_t dilation, bool ceil_mode);

// Outputs derived by a rule run in derive mode (DeriveLayerOutputs).
struct Derivation {
  const std::vector<GivenOutput>* given = nullptr;
  std::vector<TensorInfo> outputs;
  std::vector<bool> derived;
};

// Shared by the rule files: a layer under check, with helpers that fail naming it. In check
// mode the layer's outputs are declared tensors that ExpectOutput compares; in derive mode
// (`derivation` set) ExpectOutputs sets the output count and ExpectOutput records.
class LayerCheck {
 public:
  LayerCheck(const Network& net, const Layer& layer, Derivation* derivation = nullptr)
      : net_(net), layer_(layer), derivation_(derivation) {}
  const Layer& layer() const { return layer_; }
  const Params& params() const { return layer_.params; }
  const TensorInfo& In(size_t i) const { return net_.tensors[layer_.inputs[i]]; }
  // A declared output's shape or dtype, for the rules that read rather than derive them.
  const Shape& OutShape(size_t i) const;
  // Whether output i's shape is declared (check mode) or given (derive mode).
  bool OutShapeKnown(size_t i) const;
  DType OutDType(size_t i) const;
  // Output i's dtype where declared or given, else `fallback` (a rule's derivable default).
  DType OutDTypeOr(size_t i, DType fallback) const;
  size_t NumIn() const { return layer_.inputs.size(); }
  size_t NumOut() const;
  std::string InLabel(size_t i) const;
  std::string OutLabel(size_t i) const;

  [[noreturn]] void Bad(const std::string& message) const;
  void ExpectInputs(size_t min, size_t max) const;
  void ExpectOutputs(size_t n) const;
  // Input i must have one of the float dtypes.
  void ExpectFloatInput(size_t i) const;
  // Input i must have input j's dtype.
  void ExpectSameDType(size_t i, size_t j) const;
  void ExpectRank(size_t i, size_t min, size_t max) const;
  // The declared output i must have this dtype and shape.
  void ExpectOutput(size_t i, DType dtype, const Shape& shape) const;
  // A param list must have exactly n entries.
  void ExpectLength(const char* param, size_t n) const;

 private:
  const Network& net_;
  const Layer& layer_;
  Derivation* derivation_;
};

void CheckComputeLayer(const LayerCheck& c);    // shape_rules_compute.cc
void CheckDataLayer(const LayerCheck& c);       // shape_rules_data.cc
void CheckDetectLayer(const LayerCheck& c);     // shape_rules_detect.cc
void CheckRecurrentLayer(const LayerCheck& c);  // shape_rules_recurrent.cc
void CheckUnaryParams(const LayerCheck& c, const std::string& prefix, DType dtype);

}  // namespace hybridrt
