// Concat and split's params and geometry, written once for their shape rules (CheckConcatLayer,
// CheckSplitLayer), the shape-value evaluation and the cpu and cuda kernels (cpu/concat_split.cc,
// cuda/concat_split.cu). The whole (concat's output, split's input) and each part are viewed at
// the axis as (outer, len * inner) (AxisSplit): outer index o of the whole is its parts' blocks
// o, one after another, each part's block contiguous.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

struct ConcatSplitParams {
  int64_t axis = 0;            // in [0, rank) (the shape rules check)
  std::vector<int64_t> sizes;  // split: each output's length along the axis (concat: none)
};

// The layer's params (validated by the schema: present, right types).
inline ConcatSplitParams ReadConcatSplit(const Params& p) {
  return {p.Int("axis"), p.Has("sizes") ? p.Ints("sizes") : std::vector<int64_t>{}};
}

struct AxisParts {
  int64_t outer = 1;           // blocks per part
  size_t whole_block = 0;      // bytes of one outer index of the whole
  std::vector<size_t> blocks;  // bytes of one outer index of each part, in order
};

// The whole's and parts' shapes (es bytes an element).
inline AxisParts MakeAxisParts(int64_t axis, const Shape& whole, const std::vector<Shape>& parts, size_t es) {
  AxisParts a;
  const AxisSplit w = SplitAtAxis(whole, axis);
  a.outer = w.outer;
  a.whole_block = w.BlockBytes(es);
  for (const Shape& s : parts) a.blocks.push_back(SplitAtAxis(s, axis).BlockBytes(es));
  return a;
}

}  // namespace hybridrt
