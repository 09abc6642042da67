// The rule of the slice layer (see slice.h).
#include "layers/slice.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

// A window the model computes (computed_layers.h): its shape tensors' types and lengths against
// its params (ReadSliceParams checks those); the window itself is read at each run's shapes
// (derive_shapes.cc), where the plain rule below checks what it resolves to.
void CheckComputedSlice(const LayerCheck& c, const SliceParams& p) {
  const Shape& x = c.In(0).shape;
  for (size_t i = 1; i < c.NumIn(); ++i) {
    const TensorInfo& t = c.In(i);
    if ((t.dtype != DType::kInt64 && t.dtype != DType::kInt32) || t.shape.size() != 1)
      c.Bad(Cat(c.InLabel(i), " is ", DTypeName(t.dtype), ShapeToString(t.shape), "; expected int32/int64 [n]"));
  }
  if (c.NumIn() == 3) {
    for (size_t i = 1; i < 3; ++i) {
      if (c.In(i).shape[0] != static_cast<int64_t>(p.axes.size()))
        c.Bad(Cat(c.InLabel(i), " has ", c.In(i).shape[0], " entries for ", p.axes.size(), " axes"));
    }
  } else if (c.In(1).shape[0] > static_cast<int64_t>(x.size())) {
    c.Bad(Cat(c.InLabel(1), " has ", c.In(1).shape[0], " dims, more than the input's rank ", x.size()));
  }
}

}  // namespace

void CheckSliceLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 3);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  const Shape& out = c.OutShape(0);
  if (out.size() != x.size()) c.Bad(Cat(c.OutLabel(0), " has rank ", out.size(), "; expected the input's ", x.size()));
  const SliceParams p = ReadSliceParams(c.layer(), x.size());
  if (p.computed) {
    CheckComputedSlice(c, p);
    c.ExpectOutput(0, c.In(0).dtype, out);
    return;
  }
  const std::vector<int64_t>& starts = p.starts;
  const std::vector<int64_t>& steps = p.steps;
  for (size_t d = 0; d < x.size(); ++d) {
    if (out[d] == 0) continue;
    __int128 last = static_cast<__int128>(starts[d]) + static_cast<__int128>(out[d] - 1) * steps[d];
    if (starts[d] < 0 || starts[d] >= x[d] || last < 0 || last >= x[d]) {
      c.Bad(Cat("dim ", d, ": start ", starts[d], " step ", steps[d], " for ", out[d], " elements reads outside [0, ",
                x[d], ")"));
    }
  }
  c.ExpectOutput(0, c.In(0).dtype, out);
}

}  // namespace hybridrt
