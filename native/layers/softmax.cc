// The rule of the softmax layer (see softmax.h).
#include "layers/softmax.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckSoftmaxLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  const int64_t axis = ReadSoftmaxParams(c.params()).axis;
  if (axis < 0 || axis >= static_cast<int64_t>(c.In(0).shape.size())) {
    c.Bad(Cat("axis ", axis, " is out of range for rank ", c.In(0).shape.size()));
  }
  c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
}

}  // namespace hybridrt
