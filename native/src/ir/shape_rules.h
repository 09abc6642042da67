// Shape and dtype rules of every layer kind, re-derived in C++ from the semantics written in
// src/engine/network.ts: input counts, allowed dtypes, param ranges that depend on shapes,
// and the output dtypes and shapes, which must equal the tensors the network declares.
// A violation is an Error naming the layer, the tensor and what was expected. Each kind's rule
// lives in its home, native/layers/<kind>.cc (declared below); this is their entry and their
// helper, LayerCheck.
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

// Outputs derived by a rule run in derive mode (DeriveLayerOutputs).
struct Derivation {
  const std::vector<GivenOutput>* given = nullptr;
  std::vector<TensorInfo> outputs;
  std::vector<bool> derived;
};

// Shared by the kinds' rules: a layer under check, with helpers that fail naming it. In check
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
  // `axis` must be in [0, rank); returns it.
  int64_t CheckAxis(int64_t axis, size_t rank) const;

 private:
  const Network& net_;
  const Layer& layer_;
  Derivation* derivation_;
};

// A float, int32 or int64 dtype: the numbers cumsum, argminmax, topk, scatter's reductions and the
// arithmetic element-wise and unary ops take.
inline bool IsNumeric(DType t) { return IsFloat(t) || t == DType::kInt32 || t == DType::kInt64; }

// The rule of each layer kind, in its kind's home in native/layers/ (the file named), beside its
// typed params and geometry; shape_rules.cc dispatches to them (a constant's rule is there).
void CheckConvolutionLayer(const LayerCheck& c);    // convolution.cc (and deconvolution)
void CheckMatmulLayer(const LayerCheck& c);         // matmul.cc
void CheckElementwiseLayer(const LayerCheck& c);    // elementwise.cc
void CheckUnaryLayer(const LayerCheck& c);          // activation.cc
void CheckPoolingLayer(const LayerCheck& c);        // pooling.cc
void CheckReduceLayer(const LayerCheck& c);         // reduce.cc
void CheckSoftmaxLayer(const LayerCheck& c);        // softmax.cc
void CheckNormalizationLayer(const LayerCheck& c);  // normalization.cc
void CheckShuffleLayer(const LayerCheck& c);        // shuffle.cc
void CheckConcatLayer(const LayerCheck& c);         // concat_split.cc
void CheckSplitLayer(const LayerCheck& c);          // concat_split.cc
void CheckSliceLayer(const LayerCheck& c);          // slice.cc
void CheckGatherLayer(const LayerCheck& c);         // gather.cc
void CheckPadLayer(const LayerCheck& c);            // pad.cc
void CheckResizeLayer(const LayerCheck& c);         // resize.cc
void CheckCastLayer(const LayerCheck& c);           // cast.cc
void CheckSelectLayer(const LayerCheck& c);         // select.cc
void CheckQuantizeLayer(const LayerCheck& c);       // quantize.cc (and dequantize)
void CheckPointwiseLayer(const LayerCheck& c);      // pointwise.cc
void CheckShapeLayer(const LayerCheck& c);          // shape_of.cc
void CheckRangeLayer(const LayerCheck& c);          // range.cc
void CheckCumSumLayer(const LayerCheck& c);         // cumsum.cc
void CheckArgMinMaxLayer(const LayerCheck& c);      // arg_min_max.cc
void CheckAttentionLayer(const LayerCheck& c);      // attention.cc
void CheckScatterLayer(const LayerCheck& c);        // scatter.cc
void CheckTopKLayer(const LayerCheck& c);           // topk.cc
void CheckRoiAlignLayer(const LayerCheck& c);       // roi_align.cc
void CheckNonZeroLayer(const LayerCheck& c);        // nonzero.cc
void CheckNmsLayer(const LayerCheck& c);            // nms.cc
void CheckGridSampleLayer(const LayerCheck& c);     // grid_sample.cc
void CheckRecurrentLayer(const LayerCheck& c);      // recurrent.cc

}  // namespace hybridrt
