// The quantize and dequantize layers' param and per-axis geometry, written once for their
// shape rule (CheckQuantParams), the qdq pass and the cpu and cuda kernels (cpu/quantize.cc,
// cuda/quantize.cu): a scale (and zero point) of one element applies to the whole tensor;
// otherwise x is viewed at `axis` as (outer, channels, inner) (AxisSplit) and channel c's
// elements take scale[c].
#pragma once

#include <cstdint>

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

// The layer's axis (validated by the schema; the shape rule checks it against x's rank where
// the scale is per axis).
inline int64_t ReadQuantizeAxis(const Params& p) { return p.Int("axis"); }

struct QuantizeLines {
  int64_t outer = 1, channels = 1, inner = 1;
};

// x's shape and the scale's element count.
inline QuantizeLines QuantizeLinesOf(const Params& p, const Shape& x, int64_t scale_numel) {
  QuantizeLines q;
  if (scale_numel == 1) {
    q.inner = Numel(x);
    return q;
  }
  const AxisSplit a = SplitAtAxis(x, ReadQuantizeAxis(p));
  return {a.outer, a.len, a.inner};
}

}  // namespace hybridrt
