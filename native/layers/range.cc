// The rule of the range layer (see range.h).
#include "layers/range.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// A range's length is read (it follows the bounds' values: computed_layers.h resolves it); inputs
// [start, limit, delta] are int32/int64 scalars of the output's dtype, or none in the plain form,
// whose `start` and `delta` params hold one value each.
void CheckRangeLayer(const LayerCheck& c) {
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

}  // namespace hybridrt
