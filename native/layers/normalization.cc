// The rule of the normalization layer (see normalization.h).
#include "layers/normalization.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckNormalizationLayer(const LayerCheck& c) {
  c.ExpectInputs(2, 3);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  for (size_t i = 1; i < c.NumIn(); ++i) c.ExpectSameDType(i, 0);
  const Shape& x = c.In(0).shape;
  const NormalizationParams p = ReadNormalization(c.params());
  Shape param_shape;
  if (p.mode == NormMode::kLayer) {
    const int64_t axis = p.axis;
    if (axis < 0 || axis >= static_cast<int64_t>(x.size())) {
      c.Bad(Cat("axis ", axis, " is out of range for rank ", x.size()));
    }
    param_shape.assign(x.begin() + axis, x.end());
  } else {
    c.ExpectRank(0, 3, 8);
    param_shape = {x[1]};
    if (p.mode == NormMode::kGroup) {
      const int64_t groups = p.groups;
      if (groups < 1 || x[1] % groups != 0) c.Bad(Cat("channels ", x[1], " are not divisible by groups ", groups));
    }
  }
  if (p.epsilon < 0) c.Bad("param 'epsilon' is negative");
  for (size_t i = 1; i < c.NumIn(); ++i) {
    if (c.In(i).shape != param_shape) {
      c.Bad(Cat(c.InLabel(i), " has shape ", ShapeToString(c.In(i).shape), "; expected ", ShapeToString(param_shape)));
    }
  }
  c.ExpectOutput(0, c.In(0).dtype, x);
}

}  // namespace hybridrt
