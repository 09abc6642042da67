// The rule of the nonzero layer (see shape_rules.h).
#include "src/ir/shape_rules.h"

namespace hybridrt {

// x (any engine type, rank >= 1): the int64 indices of its nonzero elements, [rank, count] with
// count known only after a run (DataDependentLayer, network.h): declared at the bound, count =
// x's element count. ONNX NonZero's output shape rule for engines; src/ir/infer/slicing.ts
// gives ONNX's [rank, unknown].
void CheckNonZeroLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  if (x.empty()) c.Bad(Cat(c.InLabel(0), " is a scalar; expected rank 1 or more"));
  c.ExpectOutput(0, DType::kInt64, {static_cast<int64_t>(x.size()), Numel(x)});
}

}  // namespace hybridrt
