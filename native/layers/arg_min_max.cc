// The rule of the argminmax layer (see arg_min_max.h).
#include "layers/arg_min_max.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// The index of the largest (op max) or smallest element along the axis, the first of equal
// ones (the last with lastIndex), as int64; keepDims keeps the axis as size 1.
void CheckArgMinMaxLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  if (!IsNumeric(c.In(0).dtype)) c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(c.In(0).dtype)));
  const Shape& x = c.In(0).shape;
  const ArgMinMaxParams p = ReadArgMinMaxParams(c.layer(), x.size());
  if (x[p.axis] == 0) c.Bad(Cat("axis ", p.axis, " is empty: no element to pick"));
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (static_cast<int64_t>(d) != p.axis) out.push_back(x[d]);
    else if (p.keep_dims) out.push_back(1);
  }
  c.ExpectOutput(0, DType::kInt64, out);
}

}  // namespace hybridrt
