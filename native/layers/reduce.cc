// The rule of the reduce layer and its excite tail (see reduce.h).
#include "layers/reduce.h"

#include <algorithm>

#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

// The excite tail of a mean over the spatial dims of x [N, C, H, W] (axes 2, 3) or
// [N, H, W, C] (axes 1, 2): inputs w1 [Cr, C], b1 [Cr], w2 [C, Cr], b2 [C] of x's dtype.
void CheckExcite(const LayerCheck& c, const ReduceParams& r) {
  c.ExpectInputs(5, 5);
  const Shape& x = c.In(0).shape;
  const bool nchw = r.axes == std::vector<int64_t>{2, 3}, nhwc = r.nhwc();
  if (r.op != reduce::kMean || x.size() != 4 || !(nchw || nhwc) || !r.keep_dims) {
    c.Bad("an excite tail follows a mean over the spatial dims of a 4-d tensor (axes [2, 3] or [1, 2], keepDims)");
  }
  if (!IsFloat(c.In(0).dtype)) c.Bad(Cat("an excite tail takes float tensors, not ", DTypeName(c.In(0).dtype)));
  const int64_t ch = nchw ? x[1] : x[3];
  const int64_t cr = c.In(1).shape.empty() ? 0 : c.In(1).shape[0];
  const Shape want[] = {{cr, ch}, {cr}, {ch, cr}, {ch}};
  for (int k = 1; k <= 4; ++k) {
    if (c.In(k).dtype != c.In(0).dtype) c.Bad(Cat("input ", k, " must be ", DTypeName(c.In(0).dtype)));
    if (c.In(k).shape != want[k - 1]) {
      c.Bad(Cat("input ", k, " has shape ", ShapeToString(c.In(k).shape), "; expected ", ShapeToString(want[k - 1])));
    }
  }
}

}  // namespace

void CheckReduceLayer(const LayerCheck& c) {
  const ReduceParams r = ReadReduce(c.params());
  const bool scale = r.excite_scale;
  if (r.excite) {
    CheckExcite(c, r);
  } else {
    c.ExpectInputs(1, 1);
    if (scale) c.Bad("param 'exciteScale' needs 'excite'");
  }
  c.ExpectOutputs(1);
  if (scale) {  // the output is x scaled by the gate
    c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
    return;
  }
  DType t = c.In(0).dtype;
  const bool int_ok = r.op == reduce::kSum || r.op == reduce::kMax || r.op == reduce::kMin || r.op == reduce::kProd;
  if (!IsFloat(t) && !(int_ok && (t == DType::kInt32 || t == DType::kInt64))) {
    c.Bad(Cat("op '", reduce::kNames[r.op], "' does not take dtype ", DTypeName(t)));
  }
  const Shape& x = c.In(0).shape;
  const std::vector<int64_t>& axes = r.axes;
  if (axes.empty()) c.Bad("param 'axes' is empty");
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= static_cast<int64_t>(x.size())) {
      c.Bad(Cat("axis ", axes[i], " is out of range for rank ", x.size()));
    }
    if (i && axes[i] <= axes[i - 1]) c.Bad("param 'axes' must be sorted and unique");
  }
  const bool keep = r.keep_dims;
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
    if (!reduced) out.push_back(x[d]);
    else if (keep) out.push_back(1);
  }
  c.ExpectOutput(0, t, out);
}

}  // namespace hybridrt
