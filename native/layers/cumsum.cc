// The rule of the cumsum layer (see cumsum.h).
#include "layers/cumsum.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// A running sum along the axis (exclusive: without the element itself; reverse: from the end),
// in the input's dtype (integers wrap; floats sum in fp32).
void CheckCumSumLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  if (!IsNumeric(c.In(0).dtype)) c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(c.In(0).dtype)));
  ReadCumSumParams(c.layer(), c.In(0).shape.size());
  c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
}

}  // namespace hybridrt
