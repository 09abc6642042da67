// Dispatch of the per-kind rules, and the LayerCheck helpers (see shape_rules.h).
#include "src/ir/shape_rules.h"

#include <cmath>

#include "src/ir/param_schema.h"

namespace hybridrt {

std::string LayerCheck::InLabel(size_t i) const {
  if (derivation_) return Cat("input ", i);  // a query's tensors have no names
  return Cat("input ", i, " (", TensorLabel(net_, layer_.inputs[i]), ")");
}

std::string LayerCheck::OutLabel(size_t i) const {
  if (derivation_) return Cat("output ", i);
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

size_t LayerCheck::NumOut() const { return derivation_ ? derivation_->outputs.size() : layer_.outputs.size(); }

void LayerCheck::ExpectOutputs(size_t n) const {
  if (derivation_) {
    if (derivation_->given->size() > n) Bad(Cat("has ", n, " output(s); ", derivation_->given->size(), " were given"));
    derivation_->outputs.resize(n);
    derivation_->derived.assign(n, false);
    for (size_t i = 0; i < n; ++i) derivation_->outputs[i].name = Cat(layer_.name, n > 1 ? Cat(":", i) : "");
    return;
  }
  if (NumOut() != n) Bad(Cat("has ", n, " output(s), got ", NumOut()));
}

DType LayerCheck::OutDTypeOr(size_t i, DType fallback) const {
  if (!derivation_) return net_.tensors[layer_.outputs[i]].dtype;
  const auto& g = *derivation_->given;
  return i < g.size() && g[i].has_dtype ? g[i].dtype : fallback;
}

const Shape& LayerCheck::OutShape(size_t i) const {
  if (!derivation_) return net_.tensors[layer_.outputs[i]].shape;
  const auto& g = *derivation_->given;
  if (i >= g.size() || !g[i].has_shape) Bad(Cat("output ", i, "'s shape must be given for this kind"));
  return g[i].shape;
}

bool LayerCheck::OutShapeKnown(size_t i) const {
  if (!derivation_) return true;
  const auto& g = *derivation_->given;
  return i < g.size() && g[i].has_shape;
}

DType LayerCheck::OutDType(size_t i) const {
  if (!derivation_) return net_.tensors[layer_.outputs[i]].dtype;
  const auto& g = *derivation_->given;
  if (i >= g.size() || !g[i].has_dtype) Bad(Cat("output ", i, "'s dtype must be given for this kind"));
  return g[i].dtype;
}

void LayerCheck::ExpectFloatInput(size_t i) const {
  if (!IsFloat(In(i).dtype)) Bad(Cat(InLabel(i), " has dtype ", DTypeName(In(i).dtype), "; expected a float type"));
}

void LayerCheck::ExpectSameDType(size_t i, size_t j) const {
  if (In(i).dtype != In(j).dtype) {
    Bad(Cat(InLabel(i), " has dtype ", DTypeName(In(i).dtype), "; expected ", DTypeName(In(j).dtype), " like input ",
            j));
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
  if (derivation_) {
    const auto& g = *derivation_->given;
    if (i < g.size() && g[i].has_dtype && g[i].dtype != dtype) {
      Bad(Cat("output ", i, " was given dtype ", DTypeName(g[i].dtype), "; the layer makes ", DTypeName(dtype)));
    }
    if (i < g.size() && g[i].has_shape && g[i].shape != shape) {
      Bad(Cat("output ", i, " was given shape ", ShapeToString(g[i].shape), "; the layer makes ",
              ShapeToString(shape)));
    }
    if (i >= derivation_->outputs.size()) Bad(Cat("internal: output ", i, " derived before the output count"));
    derivation_->outputs[i].dtype = dtype;
    derivation_->outputs[i].shape = shape;
    derivation_->derived[i] = true;
    return;
  }
  const TensorInfo& o = net_.tensors[layer_.outputs[i]];
  if (o.dtype != dtype) Bad(Cat(OutLabel(i), " has dtype ", DTypeName(o.dtype), "; expected ", DTypeName(dtype)));
  if (o.shape != shape) {
    Bad(Cat(OutLabel(i), " has shape ", ShapeToString(o.shape), "; expected ", ShapeToString(shape)));
  }
}

void LayerCheck::ExpectLength(const char* param, size_t n) const {
  if (!params().Has(param)) Bad(Cat("param '", param, "' is missing"));
  size_t got = params().values().at(param).numbers.size();
  if (got != n) Bad(Cat("param '", param, "' has ", got, " entries; expected ", n));
}

int64_t LayerCheck::CheckAxis(int64_t axis, size_t rank) const {
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) Bad(Cat("axis ", axis, " is out of range for rank ", rank));
  return axis;
}

namespace {

void Dispatch(const LayerCheck& c) {
  switch (c.layer().kind) {
    case LayerKind::kConvolution:
    case LayerKind::kDeconvolution: CheckConvolutionLayer(c); break;
    case LayerKind::kMatmul: CheckMatmulLayer(c); break;
    case LayerKind::kElementwise: CheckElementwiseLayer(c); break;
    case LayerKind::kUnary: CheckUnaryLayer(c); break;
    case LayerKind::kPooling: CheckPoolingLayer(c); break;
    case LayerKind::kReduce: CheckReduceLayer(c); break;
    case LayerKind::kSoftmax: CheckSoftmaxLayer(c); break;
    case LayerKind::kNormalization: CheckNormalizationLayer(c); break;
    case LayerKind::kShuffle: CheckShuffleLayer(c); break;
    case LayerKind::kConcat: CheckConcatLayer(c); break;
    case LayerKind::kSplit: CheckSplitLayer(c); break;
    case LayerKind::kSlice: CheckSliceLayer(c); break;
    case LayerKind::kGather: CheckGatherLayer(c); break;
    case LayerKind::kPad: CheckPadLayer(c); break;
    case LayerKind::kResize: CheckResizeLayer(c); break;
    case LayerKind::kCast: CheckCastLayer(c); break;
    case LayerKind::kSelect: CheckSelectLayer(c); break;
    case LayerKind::kQuantize:
    case LayerKind::kDequantize: CheckQuantizeLayer(c); break;
    case LayerKind::kPointwise: CheckPointwiseLayer(c); break;
    case LayerKind::kShape: CheckShapeLayer(c); break;
    case LayerKind::kRange: CheckRangeLayer(c); break;
    case LayerKind::kCumSum: CheckCumSumLayer(c); break;
    case LayerKind::kArgMinMax: CheckArgMinMaxLayer(c); break;
    case LayerKind::kAttention: CheckAttentionLayer(c); break;
    case LayerKind::kScatter: CheckScatterLayer(c); break;
    case LayerKind::kTopK: CheckTopKLayer(c); break;
    case LayerKind::kRoiAlign: CheckRoiAlignLayer(c); break;
    case LayerKind::kNonZero: CheckNonZeroLayer(c); break;
    case LayerKind::kNms: CheckNmsLayer(c); break;
    case LayerKind::kGridSample: CheckGridSampleLayer(c); break;
    case LayerKind::kRecurrent: CheckRecurrentLayer(c); break;
    case LayerKind::kConstant:  // made by the network itself: no input, one output
      c.ExpectInputs(0, 0);
      c.ExpectOutputs(1);
      break;
    default: c.Bad("internal: a layer kind without a rule");
  }
}

}  // namespace

void CheckLayerShapes(const Network& net, const Layer& layer) { Dispatch(LayerCheck(net, layer)); }

std::vector<TensorInfo> DeriveLayerOutputs(Layer layer, const std::vector<TensorInfo>& inputs,
                                           const std::vector<GivenOutput>& given) {
  Network net;
  net.tensors = inputs;
  layer.inputs.clear();
  layer.outputs.clear();
  for (size_t i = 0; i < inputs.size(); ++i) {
    int64_t n;
    if (!CheckedNumel(inputs[i].shape, &n)) {
      Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": input ", i, " has an invalid or too large shape ",
                                   ShapeToString(inputs[i].shape)));
    }
    layer.inputs.push_back(static_cast<int32_t>(i));
  }
  if (layer.kind == LayerKind::kConstant)
    Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": constants have no rule to derive"));
  CheckParams(layer);
  Derivation d;
  d.given = &given;
  Dispatch(LayerCheck(net, layer, &d));
  for (size_t i = 0; i < d.outputs.size(); ++i) {
    int64_t n;
    if (!d.derived[i]) Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": internal: output ", i, " was not derived"));
    if (!CheckedNumel(d.outputs[i].shape, &n)) {
      Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": output ", i, " would have the invalid or too large shape ",
                                   ShapeToString(d.outputs[i].shape)));
    }
  }
  return d.outputs;
}

}  // namespace hybridrt
