// TopK's geometry and order of a line's elements, written once for the cpu and cuda kernels
// (cpu/topk.cc, cuda/topk.cu). x is viewed at the layer's axis as (outer, len, inner) (AxisSplit);
// each of its outer * inner lines gives its k first elements in the order: largest (smallest)
// first, equal values by lower index first (as onnxruntime breaks ties), and NaN above every
// number, NaNs among themselves by index (torch.topk's order; onnxruntime leaves NaN unordered),
// so that the order is total. K is the type elements compare in: int32, int64 or float (half
// elements widened exactly).
#pragma once

#include <cstdint>

#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/error.h"
#include "src/util/host_device.h"

namespace hybridrt {

struct TopKGeometry {
  AxisSplit split;  // x's lines
  int64_t k = 0;
  bool largest = true;
  // The outputs' (values and indices) lines: x's, k long; line l's place r at out().LineStart(l)
  // + r * split.inner.
  HYBRIDRT_HD AxisSplit out() const {
    AxisSplit o = split;
    o.len = k;
    return o;
  }
};

// The layer's typed params, read once for the shape rule (CheckTopKLayer), the computed form's
// resolution (computed_layers.h) and both kernels.
struct TopKParams {
  int64_t axis = 0;
  bool computed = false;  // k is the layer's second input (computed_layers.h), not a param
  int64_t k = 0;          // the param (the plain form)
  bool largest = true;
};

// The layer's params (present and typed: the schema) for x: the axis in [0, rank); the plain
// form (one input) has param k in [0, the axis's length], the computed form (k a second input)
// none. Else an Error naming the layer and the param.
inline TopKParams ReadTopKParams(const Layer& layer, const Shape& x) {
  const Params& p = layer.params;
  TopKParams t;
  t.axis = AxisParam(layer, "axis", x.size());
  t.computed = layer.inputs.size() == 2;
  t.largest = p.Bool("largest");
  if (t.computed) {
    if (p.Has("k")) BadParam(layer, "k", "and a k input both given");
    return t;
  }
  if (!p.Has("k")) BadParam(layer, "k", "is missing");
  t.k = p.Int("k");
  if (t.k < 0 || t.k > x[t.axis]) {
    BadParam(layer, "k", Cat("is ", t.k, ", outside [0, ", x[t.axis], "], the length of axis ", t.axis));
  }
  return t;
}

// x's shape and the params of the plain layer (a computed k is the param by then,
// computed_layers.h).
inline TopKGeometry ReadTopK(const Layer& layer, const Shape& x) {
  const TopKParams p = ReadTopKParams(layer, x);
  return {SplitAtAxis(x, p.axis), p.k, p.largest};
}

// NaN (never for integers): v != v, which nvcc and host compilers both keep without fast math.
template <typename K>
HYBRIDRT_HD inline bool TopKIsNan(K v) {
  return v != v;
}

// a above b in the order NaN > +inf > ... > -inf.
template <typename K>
HYBRIDRT_HD inline bool TopKAbove(K a, K b) {
  if (TopKIsNan(a)) return !TopKIsNan(b);
  return !TopKIsNan(b) && a > b;
}

// Whether element a (value va) of a line comes before element b (value vb) in TopK's output.
template <typename K>
HYBRIDRT_HD inline bool TopKBefore(K va, int64_t a, K vb, int64_t b, bool largest) {
  if (largest ? TopKAbove(va, vb) : TopKAbove(vb, va)) return true;
  return !TopKAbove(va, vb) && !TopKAbove(vb, va) && a < b;  // equal (NaN equals NaN here)
}

}  // namespace hybridrt
