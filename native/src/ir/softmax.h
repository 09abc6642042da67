// Softmax and log-softmax's geometry, written once for the cpu and cuda kernels (cpu/softmax.cc,
// cuda/softmax.cu): x viewed at the layer's axis as (outer, len, inner) (AxisSplit), each of its
// outer * inner lines normalized on its own; line l starts at split.LineStart(l), its elements
// split.inner apart. The axis is in [0, rank) (the shape rule, CheckSoftmax, checks it).
#pragma once

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

struct SoftmaxGeometry {
  AxisSplit split;
  bool log = false;  // log-softmax
};

// x's shape and the layer's params (validated).
inline SoftmaxGeometry ReadSoftmax(const Params& p, const Shape& x) {
  return {SplitAtAxis(x, p.Int("axis")), p.Bool("log")};
}

}  // namespace hybridrt
