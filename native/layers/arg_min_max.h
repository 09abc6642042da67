// ArgMax / ArgMin's geometry and choice along a line, written once for the cpu and cuda kernels
// (cpu/arg_min_max.cc, cuda/arg_min_max.cu): x viewed at the layer's axis as (outer, len, inner)
// (AxisSplit), one index a line. Walking the line from its first element, a later element
// replaces the best so far where it is larger (smaller), or equal with lastIndex; so the first
// of equal extremes wins, or the last with lastIndex. NaN compares false both ways: a NaN never
// replaces the best, and a NaN first element is never replaced.
// V is the type the kernel compares in (the element type, or half elements widened exactly).
#pragma once

#include <cstdint>

#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/host_device.h"

namespace hybridrt {

// The layer's typed params, read once for the shape rule (CheckArgMinMaxLayer) and both kernels.
struct ArgMinMaxParams {
  int64_t axis = 0;
  bool max = true;  // op 'max' (else 'min': the schema allows no other)
  bool keep_dims = false, last_index = false;
};

// The layer's params (present, typed and op one of max/min: the schema) for x of rank `rank`:
// an axis outside [0, rank) is an Error naming the layer and the param.
inline ArgMinMaxParams ReadArgMinMaxParams(const Layer& layer, size_t rank) {
  const Params& p = layer.params;
  ArgMinMaxParams a;
  a.axis = AxisParam(layer, "axis", rank);
  a.max = p.String("op") == "max";
  a.keep_dims = p.Bool("keepDims");
  a.last_index = p.Bool("lastIndex");
  return a;
}

struct ArgMinMaxGeometry {
  AxisSplit split;
  bool max = true, last_index = false;
};

// x's shape (its axis not empty: CheckArgMinMaxLayer) and the layer's params.
inline ArgMinMaxGeometry ReadArgMinMax(const Layer& layer, const Shape& x) {
  const ArgMinMaxParams p = ReadArgMinMaxParams(layer, x.size());
  return {SplitAtAxis(x, p.axis), p.max, p.last_index};
}

template <typename V>
HYBRIDRT_HD inline bool ArgReplaces(V v, V best, bool max, bool last_index) {
  return max ? (v > best || (last_index && v == best)) : (v < best || (last_index && v == best));
}

// The index along line l of its chosen element; load(at) is x's element at offset `at` as a V.
template <typename V, typename Load>
HYBRIDRT_HD inline int64_t ArgOfLine(const ArgMinMaxGeometry& g, int64_t l, Load&& load) {
  const int64_t base = g.split.LineStart(l), inner = g.split.inner;
  int64_t best = 0;
  V b = load(base);
  for (int64_t k = 1; k < g.split.len; ++k) {
    const V v = load(base + k * inner);
    if (ArgReplaces(v, b, g.max, g.last_index)) {
      best = k;
      b = v;
    }
  }
  return best;
}

}  // namespace hybridrt
