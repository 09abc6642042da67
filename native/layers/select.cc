// The rule of the select layer: a bool condition choosing between two tensors of one dtype,
// all three broadcast together (see shape_rules.h).
#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckSelectLayer(const LayerCheck& c) {
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

}  // namespace hybridrt
