// Dispatch of the per-kind rules, and the LayerCheck helpers (see shape_rules.h).
#include "src/ir/shape_rules.h"

#include <cmath>

namespace hybridrt {

int64_t WindowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                         int64_t dilation, bool ceil_mode) {
  // NOTE: params are bounded by 2^40 (param_schema.cc), so 128-bit products cannot overflow.
  __int128 span = static_cast<__int128>(in) + pad_begin + pad_end - static_cast<__int128>(dilation) * (kernel - 1) - 1;
  if (span < 0) return -1;
  int64_t out = static_cast<int64_t>(ceil_mode ? (span + stride - 1) / stride + 1 : span / stride + 1);
  // ceilMode as ONNX: the last window must start inside the input or the begin padding.
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

std::string LayerCheck::InLabel(size_t i) const {
  return Cat("input ", i, " (", TensorLabel(net_, layer_.inputs[i]), ")");
}

std::string LayerCheck::OutLabel(size_t i) const {
  return Cat("output ", i, " (", TensorLabel(net_, layer_.outputs[i]), ")");
}

void LayerCheck::Bad(const std::string& message) const {
  Fail(ErrorCode::kNative, Cat(LayerLabel(layer_), ": ", message));
}

void LayerCheck::ExpectInputs(size_t min, size_t max) const {
  if (NumIn() < min || NumIn() > max) {
    Bad(min == max ? Cat("takes ", min, " inputs, got ", NumIn())
                   : Cat("takes ", min, " to ", max, " inputs, got ", NumIn()));
  }
}

void LayerCheck::ExpectOutputs(size_t n) const {
  if (NumOut() != n) Bad(Cat("has ", n, " output(s), got ", NumOut()));
}

void LayerCheck::ExpectFloatInput(size_t i) const {
  if (!IsFloat(In(i).dtype)) Bad(Cat(InLabel(i), " has dtype ", DTypeName(In(i).dtype), "; expected a float type"));
}

void LayerCheck::ExpectSameDType(size_t i, size_t j) const {
  if (In(i).dtype != In(j).dtype) {
    Bad(Cat(InLabel(i), " has dtype ", DTypeName(In(i).dtype), "; expected ", DTypeName(In(j).dtype),
            " like input ", j));
  }
}

void LayerCheck::ExpectRank(size_t i, size_t min, size_t max) const {
  size_t r = In(i).shape.size();
  if (r < min || r > max) {
    Bad(Cat(InLabel(i), " has shape ", ShapeToString(In(i).shape), "; expected rank ",
            min == max ? std::to_string(min) : Cat(min, " to ", max)));
  }
}

void LayerCheck::ExpectOutput(size_t i, DType dtype, const Shape& shape) const {
  const TensorInfo& o = Out(i);
  if (o.dtype != dtype) Bad(Cat(OutLabel(i), " has dtype ", DTypeName(o.dtype), "; expected ", DTypeName(dtype)));
  if (o.shape != shape) {
    Bad(Cat(OutLabel(i), " has shape ", ShapeToString(o.shape), "; expected ", ShapeToString(shape)));
  }
}

void LayerCheck::ExpectLength(const char* param, size_t n) const {
  size_t got = params().values().at(param).numbers.size();
  if (got != n) Bad(Cat("param '", param, "' has ", got, " entries; expected ", n));
}

void CheckUnaryParams(const LayerCheck& c, const std::string& prefix, DType dtype) {
  const std::string& op = c.params().String(prefix + "op");
  auto need = [&](const char* p) {
    if (!c.params().Has(prefix + p)) c.Bad(Cat("op '", op, "' needs param '", prefix, p, "'"));
  };
  if (op == "leaky_relu" || op == "elu") need("alpha");
  if (op == "selu" || op == "hard_sigmoid") {
    need("alpha");
    need("beta");
  }
  if (op == "clip") {
    need("min");
    need("max");
  }
  bool ok;
  if (op == "not") {
    ok = dtype == DType::kBool;
  } else if (op == "identity") {
    ok = true;
  } else if (op == "relu" || op == "abs" || op == "neg" || op == "clip") {
    ok = IsFloat(dtype) || dtype == DType::kInt32 || dtype == DType::kInt64;
  } else {
    ok = IsFloat(dtype);
  }
  if (!ok) c.Bad(Cat("op '", op, "' does not take dtype ", DTypeName(dtype)));
}

void CheckLayerShapes(const Network& net, const Layer& layer) {
  LayerCheck c(net, layer);
  switch (layer.kind) {
    case LayerKind::kConvolution:
    case LayerKind::kDeconvolution:
    case LayerKind::kMatmul:
    case LayerKind::kElementwise:
    case LayerKind::kUnary:
    case LayerKind::kPooling:
    case LayerKind::kReduce:
    case LayerKind::kSoftmax:
    case LayerKind::kNormalization:
    case LayerKind::kQuantize:
    case LayerKind::kDequantize:
    case LayerKind::kPointwise:
      CheckComputeLayer(c);
      break;
    default:
      CheckDataLayer(c);
      break;
  }
}

}  // namespace hybridrt
