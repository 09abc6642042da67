// Shape and dtype rules of every layer kind, re-derived in C++ from the semantics written in
// src/engine/network.ts: input counts, allowed dtypes, param ranges that depend on shapes,
// and the output dtypes and shapes, which must equal the tensors the network declares.
// A violation is an Error naming the layer, the tensor and what was expected.
#pragma once

#include <string>

#include "src/ir/network.h"
#include "src/util/error.h"

namespace hybridrt {

// Checks one layer whose inputs are already known to be produced earlier (validator.cc).
void CheckLayerShapes(const Network& net, const Layer& layer);

// Output size of a sliding window along one dim (convolution and pooling); -1 when the
// window does not fit the padded input even once.
int64_t WindowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                         int64_t dilation, bool ceil_mode);

// Shared by the rule files: a layer under check, with helpers that fail naming it.
class LayerCheck {
 public:
  LayerCheck(const Network& net, const Layer& layer) : net_(net), layer_(layer) {}
  const Layer& layer() const { return layer_; }
  const Params& params() const { return layer_.params; }
  const TensorInfo& In(size_t i) const { return net_.tensors[layer_.inputs[i]]; }
  const TensorInfo& Out(size_t i) const { return net_.tensors[layer_.outputs[i]]; }
  size_t NumIn() const { return layer_.inputs.size(); }
  size_t NumOut() const { return layer_.outputs.size(); }
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
};

void CheckComputeLayer(const LayerCheck& c);  // shape_rules_compute.cc
void CheckDataLayer(const LayerCheck& c);     // shape_rules_data.cc
void CheckUnaryParams(const LayerCheck& c, const std::string& prefix, DType dtype);

}  // namespace hybridrt
