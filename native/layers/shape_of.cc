// The rule of the shape layer (see shape_rules.h).
#include "src/ir/shape_rules.h"

namespace hybridrt {

// Any dtype and rank in; its dims out, one int64 each (the rank's count: fixed over every range).
void CheckShapeLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  c.ExpectOutput(0, DType::kInt64, Shape{static_cast<int64_t>(c.In(0).shape.size())});
}

}  // namespace hybridrt
