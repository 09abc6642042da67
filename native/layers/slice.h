// A plain slice's copy, written once for the cpu and cuda kernels (cpu/slice_pad.cc,
// cuda/slice_pad.cu): output position o along dim d reads x's index starts[d] + o * steps[d]
// (a step may be 0 or negative; the shape rule, CheckSliceLayer, has checked that every position read
// is inside x), which is x's element offset begin + o * step along that dim; an output element
// reads x at the sum of its dims' offsets.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/error.h"

namespace hybridrt {

// The layer's typed params, read once for its shape rule (CheckSliceLayer), the computed form's
// resolution (computed_layers.h), the shape derivation and evaluation and both kernels.
struct SliceParams {
  bool computed = false;        // the window is read from inputs (computed_layers.h): 2 or 3 inputs
  std::vector<int64_t> starts;  // the plain form: x's index of each dim's first output element
  std::vector<int64_t> steps;   // one per dim of x
  std::vector<int64_t> axes;    // a computed window of starts and ends (3 inputs): the dims they cut
};

// The layer's params (typed: the schema) for x of rank `rank`, as its form takes them: steps one
// per dim; the plain form (one input) starts one per dim and no axes; a computed window (3
// inputs) no starts, axes distinct dims and no step of 0; a broadcast to a computed target (2
// inputs) no starts or axes and steps of 1. Else an Error naming the layer and the param. That
// each position a plain slice reads is inside x depends on its output: the shape rule checks it.
inline SliceParams ReadSliceParams(const Layer& layer, size_t rank) {
  const Params& p = layer.params;
  auto list = [&](const char* key) {
    if (!p.Has(key)) BadParam(layer, key, "is missing");
    std::vector<int64_t> v = p.Ints(key);
    if (v.size() != rank) BadParam(layer, key, Cat("has ", v.size(), " entries; expected ", rank));
    return v;
  };
  SliceParams s;
  s.computed = layer.inputs.size() > 1;
  if (!s.computed) {
    if (p.Has("axes")) BadParam(layer, "axes", "is given; a plain slice takes none");
    s.starts = list("starts");
    s.steps = list("steps");
    return s;
  }
  if (p.Has("starts")) BadParam(layer, "starts", "is given; a computed window reads them");
  s.steps = list("steps");
  if (layer.inputs.size() == 3) {
    if (!p.Has("axes")) BadParam(layer, "axes", "is missing");
    s.axes = p.Ints("axes");
    std::vector<bool> seen(rank, false);
    for (int64_t a : s.axes) {
      if (a < 0 || a >= static_cast<int64_t>(rank) || seen[a])
        BadParam(layer, "axes", Cat("holds ", a, "; expected distinct dims of rank ", rank));
      seen[a] = true;
    }
    for (int64_t st : s.steps) {
      if (st == 0) BadParam(layer, "steps", "holds 0; a computed window takes no step of 0");
    }
    return s;
  }
  if (p.Has("axes")) BadParam(layer, "axes", "is given; a broadcast to a computed target takes none");
  for (int64_t st : s.steps) {
    if (st != 1)
      BadParam(layer, "steps",
               Cat("holds ", st, "; a broadcast to a computed target takes steps of 1 (it sets the stretched ones)"));
  }
  return s;
}

struct SliceAxis {
  int64_t begin = 0, step = 0;  // in elements of x
};

// x's shape and the params of the plain layer (a computed window is one by then,
// computed_layers.h); one entry a dim of x.
inline std::vector<SliceAxis> ReadSlice(const Layer& layer, const Shape& x) {
  const SliceParams p = ReadSliceParams(layer, x.size());
  const std::vector<int64_t> stride = Strides(x);
  std::vector<SliceAxis> axes(x.size());
  for (size_t d = 0; d < x.size(); ++d) axes[d] = {p.starts[d] * stride[d], p.steps[d] * stride[d]};
  return axes;
}

}  // namespace hybridrt
