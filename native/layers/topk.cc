// The rule of the topk layer (see topk.h).
#include "layers/topk.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// The k largest (smallest) elements of each line along the axis, sorted (equal values: the
// lower index first), and their int64 indices: both of x's shape with the axis k long. k is the
// param, or (the computed form: computed_layers.h) a one-element int32/int64 second input, the
// outputs' shape then given, as a computed slice's is.
void CheckTopKLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 2);
  c.ExpectOutputs(2);
  const DType t = c.In(0).dtype;
  if (!IsNumeric(t)) c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(t)));
  const Shape& x = c.In(0).shape;
  const TopKParams p = ReadTopKParams(c.layer(), x);
  const int64_t axis = p.axis;
  int64_t k = p.k;
  if (p.computed) {
    const TensorInfo& given = c.In(1);
    if ((given.dtype != DType::kInt32 && given.dtype != DType::kInt64) || Numel(given.shape) != 1 ||
        given.shape.size() > 1)
      c.Bad(
          Cat(c.InLabel(1), " is ", DTypeName(given.dtype), " ", ShapeToString(given.shape), "; k is one int32/int64"));
    const Shape& out = c.OutShape(0);
    if (out.size() != x.size()) c.Bad(Cat(c.OutLabel(0), " has rank ", out.size(), "; expected ", x.size()));
    k = out[axis];
    if (k < 0 || k > x[axis]) c.Bad(Cat("k ", k, " is outside [0, ", x[axis], "], the length of axis ", axis));
  }
  Shape out = x;
  out[axis] = k;
  c.ExpectOutput(0, t, out);
  c.ExpectOutput(1, DType::kInt64, out);
}

}  // namespace hybridrt
