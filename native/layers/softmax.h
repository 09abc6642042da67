// Softmax and log-softmax's geometry, written once for the cpu and cuda kernels (cpu/softmax.cc,
// cuda/softmax.cu): x viewed at the layer's axis as (outer, len, inner) (AxisSplit), each of its
// outer * inner lines normalized on its own; line l starts at split.LineStart(l), its elements
// split.inner apart. The axis is in [0, rank) (the shape rule, CheckSoftmaxLayer, checks it).
#pragma once

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

// The layer's params, for the shape rule and the attention pass as well (validated by the
// schema; the axis may be out of range until CheckSoftmaxLayer has run).
struct SoftmaxParams {
  int64_t axis = 0;
  bool log = false;  // log-softmax
};
inline SoftmaxParams ReadSoftmaxParams(const Params& p) { return {p.Int("axis"), p.Bool("log")}; }

struct SoftmaxGeometry {
  AxisSplit split;
  bool log = false;  // log-softmax
};

// x's shape and the layer's params (validated).
inline SoftmaxGeometry ReadSoftmax(const Params& p, const Shape& x) {
  const SoftmaxParams s = ReadSoftmaxParams(p);
  return {SplitAtAxis(x, s.axis), s.log};
}

}  // namespace hybridrt
