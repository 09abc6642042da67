// Layers whose parameters a model computes (network.ts): read from shape tensors
// (shape_values.h) at each run's shapes, in one place for the layers' rules, the shape
// derivation and the engine, which gives kernels only the plain layers these resolve to.
//
//   slice [x, starts, ends]  ONNX Slice along params `axes`: starts and ends int32/int64 [axes],
//                            clamped as ONNX clamps them (negative counts from the end, a step < 0
//                            walks back); `steps` per dim, as in the plain form.
//   slice [x, shape]         Expand: x broadcast with the target int32/int64 [k], k <= rank (the
//                            target is right-aligned, as numpy broadcasting aligns it).
//   range [start, limit, delta]  ONNX Range of integer scalars: start + i * delta for
//                            max(ceil((limit - start) / delta), 0) elements.
//   topk [x, k]              ONNX TopK with k a one-element int32/int64 shape tensor, in [0,
//                            x's dim along `axis`].
//
// At given shapes a slice is the plain slice [x] with `starts` and `steps` per dim (a stretched
// dim has step 0), a range the plain range [] with params `start` and `delta`, and a topk the
// plain topk [x] with param `k`.
#pragma once

#include <string>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

class ShapeValues;

// Whether `layer` reads its parameters from shape tensors: a slice with more than one input, a
// range with inputs, a topk with two.
bool IsComputedLayer(const Layer& layer);

// The plain layer a computed one is at these shapes, with `tensors` holding every shape so far
// and `values` its shape tensors' values; its output shape in `out`. An Error (kShape) naming
// the layer where a value is not known on the host (it does not follow from shapes and
// constants alone) or does not fit (a target that does not broadcast, a range of step 0, a k
// outside its axis). Every output of the layer has the shape `out` (topk's two do).
Layer ResolveComputedLayer(const Network& net, const Layer& layer, const std::vector<TensorInfo>& tensors,
                           const ShapeValues& values, Shape* out);

}  // namespace hybridrt
