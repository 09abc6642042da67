// The rule of the quantize and dequantize layers (see quantize.h).
#include "layers/quantize.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

// Per-tensor (one element, rank <= 1) or per-axis (rank 1 of x.shape[axis]) scale and zero point.
void CheckQuantParams(const LayerCheck& c) {
  const Shape& x = c.In(0).shape;
  const Shape& scale = c.In(1).shape;
  bool per_tensor = scale.size() <= 1 && Numel(scale) == 1;
  if (!per_tensor) {
    const int64_t axis = ReadQuantizeAxis(c.params());
    if (axis < 0 || axis >= static_cast<int64_t>(x.size())) {
      c.Bad(Cat("axis ", axis, " is out of range for rank ", x.size()));
    }
    if (scale != Shape{x[axis]}) {
      c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(scale), "; expected a scalar or [", x[axis], "]"));
    }
  }
  if (c.NumIn() == 3 && c.In(2).shape != scale) {
    c.Bad(Cat(c.InLabel(2), " has shape ", ShapeToString(c.In(2).shape), "; expected the scale's ",
              ShapeToString(scale)));
  }
}

void CheckQuantize(const LayerCheck& c, bool quantize) {
  c.ExpectInputs(2, 3);
  c.ExpectOutputs(1);
  CheckQuantParams(c);
  c.ExpectFloatInput(1);
  if (quantize) {
    c.ExpectFloatInput(0);
    // The output's dtype is the zero point's, where there is one; else it must be declared.
    DType out = c.NumIn() == 3 ? c.OutDTypeOr(0, c.In(2).dtype) : c.OutDType(0);
    if (out != DType::kInt8 && out != DType::kUInt8) {
      c.Bad(Cat(c.OutLabel(0), " has dtype ", DTypeName(out), "; expected int8 or uint8"));
    }
    if (c.NumIn() == 3 && c.In(2).dtype != out) {
      c.Bad(Cat(c.InLabel(2), " has dtype ", DTypeName(c.In(2).dtype), "; expected the output's ", DTypeName(out)));
    }
    c.ExpectOutput(0, out, c.In(0).shape);
  } else {
    DType in = c.In(0).dtype;
    if (in != DType::kInt8 && in != DType::kUInt8 && in != DType::kInt32) {
      c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(in), "; expected int8, uint8 or int32"));
    }
    if (c.NumIn() == 3) c.ExpectSameDType(2, 0);
    c.ExpectOutput(0, c.In(1).dtype, c.In(0).shape);
  }
}

}  // namespace

void CheckQuantizeLayer(const LayerCheck& c) { CheckQuantize(c, c.layer().kind == LayerKind::kQuantize); }

}  // namespace hybridrt
