// A plain slice's copy, written once for the cpu and cuda kernels (cpu/slice_pad.cc,
// cuda/slice_pad.cu): output position o along dim d reads x's index starts[d] + o * steps[d]
// (a step may be 0 or negative; the shape rule, CheckSlice, has checked that every position read
// is inside x), which is x's element offset begin + o * step along that dim; an output element
// reads x at the sum of its dims' offsets.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

struct SliceAxis {
  int64_t begin = 0, step = 0;  // in elements of x
};

// x's shape and the layer's params (validated); one entry a dim of x.
inline std::vector<SliceAxis> ReadSlice(const Params& p, const Shape& x) {
  const std::vector<int64_t> starts = p.Ints("starts"), steps = p.Ints("steps"), stride = Strides(x);
  std::vector<SliceAxis> axes(x.size());
  for (size_t d = 0; d < x.size(); ++d) axes[d] = {starts[d] * stride[d], steps[d] * stride[d]};
  return axes;
}

}  // namespace hybridrt
