// The rules of the concat and split layers (see concat_split.h).
#include "layers/concat_split.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckConcatLayer(const LayerCheck& c) {
  if (c.NumIn() < 1) c.Bad("takes at least 1 input");
  c.ExpectOutputs(1);
  Shape out = c.In(0).shape;
  int64_t axis = c.CheckAxis(ReadConcatSplit(c.params()).axis, out.size());
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

void CheckSplitLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  const Shape& x = c.In(0).shape;
  const ConcatSplitParams p = ReadConcatSplit(c.params());
  int64_t axis = c.CheckAxis(p.axis, x.size());
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

}  // namespace hybridrt
