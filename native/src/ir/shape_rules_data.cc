// Rules of the data-movement layer kinds: constant, shuffle, concat, split, slice, gather,
// pad, resize, cast, select, shape (see shape_rules.h). These take every engine dtype except where
// noted (resize takes floats; gather indices are int32/int64; select's condition is bool).
#include <algorithm>

#include "src/ir/cast.h"
#include "src/ir/concat_split.h"
#include "src/ir/gather.h"
#include "src/ir/pad_mode.h"
#include "src/ir/resize_coords.h"
#include "src/ir/scatter.h"
#include "src/ir/shape_rules.h"
#include "src/ir/shuffle.h"
#include "src/ir/slice.h"

namespace hybridrt {

namespace {

Shape Permute(const Shape& s, const std::vector<int64_t>& perm) {
  Shape out;
  for (int64_t p : perm) out.push_back(s[p]);
  return out;
}

void CheckShuffle(const LayerCheck& c) {
  c.ExpectInputs(1, 2);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  const ShuffleParams p = ReadShuffleParams(c.layer(), x.size());
  if (p.computed) {
    // A reshape to a target computed at run time (a shape tensor, int32/int64 [rank]): the output
    // shape is read, as a slice's is; a dynamic engine derives it from the target's host value
    // (derive_shapes.cc). Only the element count is checked here.
    const TensorInfo& t = c.In(1);
    if ((t.dtype != DType::kInt64 && t.dtype != DType::kInt32) || t.shape.size() != 1)
      c.Bad(Cat(c.InLabel(1), " is ", DTypeName(t.dtype), ShapeToString(t.shape),
                "; a reshape target is int32/int64 [rank]"));
    if (!c.OutShapeKnown(0)) c.Bad("a reshape to a computed target needs its output shape");
    const Shape& out = c.OutShape(0);
    int64_t nx = 0, no = 0;
    if (static_cast<int64_t>(out.size()) != t.shape[0] || !CheckedNumel(x, &nx) || !CheckedNumel(out, &no) || nx != no)
      c.Bad(Cat("cannot reshape ", ShapeToString(x), " to ", ShapeToString(out), " (target of ", t.shape[0], " dims)"));
    c.ExpectOutput(0, c.In(0).dtype, out);
    return;
  }
  ShuffleShapes s;
  std::string why;
  if (!ShuffleShapesOf(p, x, &s, &why)) c.Bad(why);
  c.ExpectOutput(0, c.In(0).dtype, Permute(s.reshaped, s.second_perm));
}

int64_t CheckAxis(const LayerCheck& c, int64_t axis, size_t rank) {
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) c.Bad(Cat("axis ", axis, " is out of range for rank ", rank));
  return axis;
}

void CheckConcat(const LayerCheck& c) {
  if (c.NumIn() < 1) c.Bad("takes at least 1 input");
  c.ExpectOutputs(1);
  Shape out = c.In(0).shape;
  int64_t axis = CheckAxis(c, ReadConcatSplit(c.params()).axis, out.size());
  for (size_t i = 1; i < c.NumIn(); ++i) {
    c.ExpectSameDType(i, 0);
    const Shape& s = c.In(i).shape;
    bool ok = s.size() == out.size();
    for (size_t d = 0; ok && d < s.size(); ++d) ok = static_cast<int64_t>(d) == axis || s[d] == out[d];
    if (!ok)
      c.Bad(Cat(c.InLabel(i), " has shape ", ShapeToString(s), "; expected ", ShapeToString(c.In(0).shape),
                " except along axis ", axis));
    out[axis] += s[axis];
  }
  c.ExpectOutput(0, c.In(0).dtype, out);
}

void CheckSplit(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  const Shape& x = c.In(0).shape;
  const ConcatSplitParams p = ReadConcatSplit(c.params());
  int64_t axis = CheckAxis(c, p.axis, x.size());
  const std::vector<int64_t>& sizes = p.sizes;
  if (sizes.empty()) c.Bad("param 'sizes' is empty");
  c.ExpectOutputs(sizes.size());
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) c.Bad(Cat("param 'sizes' holds ", s, "; expected >= 0"));
    total += s;
  }
  if (total != x[axis])
    c.Bad(Cat("param 'sizes' adds up to ", total, "; the input has ", x[axis], " along axis ", axis));
  for (size_t i = 0; i < sizes.size(); ++i) {
    Shape o = x;
    o[axis] = sizes[i];
    c.ExpectOutput(i, c.In(0).dtype, o);
  }
}

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

void CheckSlice(const LayerCheck& c) {
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

void CheckGather(const LayerCheck& c) {
  c.ExpectInputs(2, 2);
  c.ExpectOutputs(1);
  DType it = c.In(1).dtype;
  if (it != DType::kInt32 && it != DType::kInt64) {
    c.Bad(Cat(c.InLabel(1), " has dtype ", DTypeName(it), "; indices must be int32 or int64"));
  }
  const Shape& data = c.In(0).shape;
  const Shape& idx = c.In(1).shape;
  Shape out;
  const GatherParams p = ReadGather(c.params());
  if (p.mode == GatherMode::kNd) {  // axis is batch_dims (gather_nd.h)
    GatherNdGeometry g;
    const std::string why = ReadGatherNdGeometry(data, idx, p.axis, &g, &out);
    if (!why.empty()) c.Bad(why);
    c.ExpectOutput(0, c.In(0).dtype, out);
    return;
  }
  int64_t axis = CheckAxis(c, p.axis, data.size());
  if (p.mode == GatherMode::kDefault) {
    out.assign(data.begin(), data.begin() + axis);
    out.insert(out.end(), idx.begin(), idx.end());
    out.insert(out.end(), data.begin() + axis + 1, data.end());
  } else {
    if (idx.size() != data.size())
      c.Bad(Cat(c.InLabel(1), " has rank ", idx.size(), "; expected the data's ", data.size()));
    for (size_t d = 0; d < data.size(); ++d) {
      if (static_cast<int64_t>(d) != axis && idx[d] > data[d]) {
        c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(idx), ", larger than the data ", ShapeToString(data),
                  " off the axis"));
      }
    }
    out = idx;
  }
  int64_t n;
  if (!CheckedNumel(out, &n)) c.Bad(Cat("output shape ", ShapeToString(out), " is too large"));
  c.ExpectOutput(0, c.In(0).dtype, out);
}

// A copy of data with the updates written or combined where the indices say (scatter.h).
void CheckScatter(const LayerCheck& c) {
  c.ExpectInputs(3, 3);
  c.ExpectOutputs(1);
  if (c.In(1).dtype != DType::kInt64)
    c.Bad(Cat(c.InLabel(1), " has dtype ", DTypeName(c.In(1).dtype), "; indices must be int64"));
  c.ExpectSameDType(2, 0);
  const DType t = c.In(0).dtype;
  const ScatterParams sp = ReadScatterParams(c.layer());
  if (sp.reduction != ScatterReduction::kNone && !IsFloat(t) && t != DType::kInt32 && t != DType::kInt64) {
    c.Bad(Cat("reduction '", ScatterReductionName(sp.reduction), "' does not take dtype ", DTypeName(t)));
  }
  ScatterLayerParams p;
  const std::string why = ReadScatterLayer(sp, c.In(0).shape, c.In(1).shape, c.In(2).shape, &p);
  if (!why.empty()) c.Bad(why);
  c.ExpectOutput(0, t, c.In(0).shape);
}

void CheckPad(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  c.ExpectLength("padsBegin", x.size());
  c.ExpectLength("padsEnd", x.size());
  const PadParams p = ReadPad(c.params());
  const std::vector<int64_t>&pb = p.pads_begin, &pe = p.pads_end;
  const bool constant = p.mode == PadMode::kConstant;
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    // Negative pads crop first; the mode then pads what is left.
    const int64_t kept = PadAxisOf(x[d], pb[d], pe[d]).kept;
    if (kept < 0) c.Bad(Cat("dim ", d, ": pads ", pb[d], ", ", pe[d], " crop more than the input's ", x[d]));
    int64_t o = x[d] + pb[d] + pe[d];
    if (!constant && kept == 0 && o > 0) {
      c.Bad(Cat("dim ", d, ": mode '", kPadModeNames[static_cast<int>(p.mode)],
                "' cannot pad a dim with nothing left after cropping"));
    }
    out.push_back(o);
  }
  c.ExpectOutput(0, c.In(0).dtype, out);
}

void CheckResize(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  const Shape& out = c.OutShape(0);
  c.ExpectFloatInput(0);
  c.ExpectLength("scales", x.size());
  if (out.size() != x.size()) c.Bad(Cat(c.OutLabel(0), " has rank ", out.size(), "; expected the input's ", x.size()));
  const std::vector<double> scales = ReadResize(c.params()).scales;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!(scales[d] > 0) || scales[d] > 1e30)
      c.Bad(Cat("param 'scales' holds ", scales[d], "; expected a positive number"));
    if (x[d] == 0 && out[d] > 0) c.Bad(Cat("dim ", d, ": cannot resize an empty dim to ", out[d]));
  }
  c.ExpectOutput(0, c.In(0).dtype, out);
}

void CheckSelect(const LayerCheck& c) {
  c.ExpectInputs(3, 3);
  c.ExpectOutputs(1);
  if (c.In(0).dtype != DType::kBool)
    c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(c.In(0).dtype), "; expected bool"));
  c.ExpectSameDType(2, 1);
  Shape out;
  if (!BroadcastShapes({c.In(0).shape, c.In(1).shape, c.In(2).shape}, &out)) {
    c.Bad(Cat("shapes ", ShapeToString(c.In(0).shape), ", ", ShapeToString(c.In(1).shape), " and ",
              ShapeToString(c.In(2).shape), " do not broadcast"));
  }
  c.ExpectOutput(0, c.In(1).dtype, out);
}

// A range's length is read (it follows the bounds' values: computed_layers.h resolves it); inputs
// [start, limit, delta] are int32/int64 scalars of the output's dtype, or none in the plain form,
// whose `start` and `delta` params hold one value each.
void CheckRange(const LayerCheck& c) {
  c.ExpectOutputs(1);
  if (!c.OutShapeKnown(0) || c.OutShape(0).size() != 1) c.Bad("a range needs its 1-D output shape");
  const DType t = c.OutDType(0);
  if (t != DType::kInt32 && t != DType::kInt64) c.Bad(Cat("a range of ", DTypeName(t), "; expected int32 or int64"));
  if (c.NumIn() == 0) {
    c.ExpectLength("start", 1);
    c.ExpectLength("delta", 1);
  } else {
    c.ExpectInputs(3, 3);
    if (c.params().Has("start") || c.params().Has("delta")) c.Bad("a range with inputs takes no 'start' or 'delta'");
    for (size_t i = 0; i < 3; ++i) {
      if (c.In(i).dtype != t || !c.In(i).shape.empty())
        c.Bad(Cat(c.InLabel(i), " is ", DTypeName(c.In(i).dtype), ShapeToString(c.In(i).shape), "; expected a ",
                  DTypeName(t), " scalar"));
    }
  }
  c.ExpectOutput(0, t, c.OutShape(0));
}

}  // namespace

void CheckDataLayer(const LayerCheck& c) {
  switch (c.layer().kind) {
    case LayerKind::kConstant:
      c.ExpectInputs(0, 0);
      c.ExpectOutputs(1);
      return;
    case LayerKind::kShuffle: return CheckShuffle(c);
    case LayerKind::kConcat: return CheckConcat(c);
    case LayerKind::kSplit: return CheckSplit(c);
    case LayerKind::kSlice: return CheckSlice(c);
    case LayerKind::kGather: return CheckGather(c);
    case LayerKind::kScatter: return CheckScatter(c);
    case LayerKind::kPad: return CheckPad(c);
    case LayerKind::kResize: return CheckResize(c);
    case LayerKind::kCast: {
      c.ExpectInputs(1, 1);
      c.ExpectOutputs(1);
      const CastParams p = ReadCast(c.params());
      const Shape& x = c.In(0).shape;
      if (!p.has_perm) {
        c.ExpectOutput(0, p.to, x);
        return;
      }
      // Builder form (layout.h): the cast writes its input transposed, y = transpose(cast(x)).
      CheckPermParam(c.layer(), "perm", p.perm, x.size());
      c.ExpectOutput(0, p.to, Permute(x, p.perm));
      return;
    }
    case LayerKind::kSelect: return CheckSelect(c);
    case LayerKind::kShape:
      // Any dtype and rank in; its dims out, one int64 each (the rank's count: fixed over every range).
      c.ExpectInputs(1, 1);
      c.ExpectOutputs(1);
      c.ExpectOutput(0, DType::kInt64, Shape{static_cast<int64_t>(c.In(0).shape.size())});
      return;
    case LayerKind::kRange: return CheckRange(c);
    default: c.Bad("internal: not a data layer");
  }
}

}  // namespace hybridrt
