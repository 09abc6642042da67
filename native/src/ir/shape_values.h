// The host values of a dynamic network's shape tensors (TensorRT's): small integer and bool
// tensors that follow from the input shapes and constants alone. Constant layers, shape layers,
// and the gather, concat, slice, shuffle, elementwise, select, cast, unary and reduce layers over
// them, and ranges, are evaluated on the host, layer by layer beside the shapes (derive_shapes.cc), so that a
// reshape to a computed target (a shuffle's second input) takes each run's value. The device
// computes the same tensors with its kernels; these are the derivation's copy of the arithmetic,
// the one way a shape can follow a value.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

class ShapeValues {
 public:
  // The most elements a shape tensor holds (a reshape target, a shape's dims and their sums).
  static constexpr int64_t kMaxElements = 64;

  // Layer `index`'s output values where its kind is evaluated here, its outputs are small
  // integer or bool tensors and its inputs' values are known; `tensors` holds every shape so far.
  void Evaluate(const Network& net, size_t index, const std::vector<TensorInfo>& tensors);
  // Tensor `id`'s value (row-major, bools as 0/1), or nullptr where it is not known here.
  const std::vector<int64_t>* Find(int32_t id) const;

 private:
  std::map<int32_t, std::vector<int64_t>> values_;
};

}  // namespace hybridrt
