// Shapes of a network at other input shapes (see derive_shapes.h).
#include "src/ir/derive_shapes.h"

#include "src/ir/computed_layers.h"
#include "layers/resize.h"
#include "src/ir/shape_rules.h"
#include "src/ir/shape_values.h"
#include "layers/shuffle.h"
#include "layers/slice.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

// A slice or resize keeps a dim whole (a slice: start 0, step 1; a resize: scale 1; either way
// as long as its input) wherever the input's dim changes: the dims it does not cut or scale
// follow the input (a batch, a sequence).
void FollowWholeDims(const Network& net, const Layer& layer, const Shape& in, Shape* out) {
  const Shape& declared_in = net.tensors[layer.inputs[0]].shape;
  const Shape& declared_out = net.tensors[layer.outputs[0]].shape;
  const bool slice = layer.kind == LayerKind::kSlice;
  const SliceParams cut = slice ? ReadSliceParams(layer, declared_in.size()) : SliceParams{};
  const std::vector<int64_t>& starts = cut.starts;
  const std::vector<int64_t>& steps = cut.steps;
  const ResizeParams resize = slice ? ResizeParams{} : ReadResize(layer.params);
  const std::vector<double>& scales = resize.scales;
  const bool follow_scales = resize.follow_scales;
  for (size_t d = 0; d < out->size() && d < in.size() && d < declared_in.size(); ++d) {
    if (follow_scales && d < scales.size()) {
      // ONNX Resize with scales: trunc(scale * in) in float32, as onnxruntime sizes it.
      (*out)[d] = static_cast<int64_t>(static_cast<float>(scales[d]) * static_cast<float>(in[d]));
      continue;
    }
    const bool whole = slice ? d < starts.size() && d < steps.size() && starts[d] == 0 && steps[d] == 1
                             : d < scales.size() && scales[d] == 1.0;
    if (whole && declared_out[d] == declared_in[d]) (*out)[d] = in[d];
  }
}

}  // namespace

std::vector<TensorInfo> DeriveNetworkShapes(const Network& net, const std::vector<Shape>& input_shapes,
                                            std::map<size_t, Layer>* resolved) {
  if (input_shapes.size() != net.inputs.size()) {
    Fail(ErrorCode::kNative,
         Cat("internal: ", input_shapes.size(), " input shapes for ", net.inputs.size(), " inputs"));
  }
  std::vector<TensorInfo> tensors = net.tensors;
  for (size_t i = 0; i < net.inputs.size(); ++i) tensors[net.inputs[i]].shape = input_shapes[i];
  ShapeValues values;
  for (size_t index = 0; index < net.layers.size(); ++index) {
    const Layer& layer = net.layers[index];
    if (layer.kind == LayerKind::kConstant) {
      values.Evaluate(net, index, tensors);
      continue;
    }
    if (IsComputedLayer(layer)) {
      // The plain layer it is at these shapes, checked by the plain rule; every output has the
      // shape it resolves to (topk's values and indices).
      Shape shape;
      Layer plain = ResolveComputedLayer(net, layer, tensors, values, &shape);
      std::vector<GivenOutput> given;
      for (int32_t id : layer.outputs) {
        GivenOutput g;
        g.has_dtype = g.has_shape = true;
        g.dtype = net.tensors[id].dtype;
        g.shape = shape;
        given.push_back(std::move(g));
      }
      std::vector<TensorInfo> plain_inputs;
      for (int32_t id : plain.inputs) plain_inputs.push_back(tensors[id]);
      const std::vector<TensorInfo> outs = DeriveLayerOutputs(plain, plain_inputs, given);
      for (size_t k = 0; k < layer.outputs.size(); ++k) tensors[layer.outputs[k]].shape = outs[k].shape;
      if (resolved) (*resolved)[index] = std::move(plain);
      values.Evaluate(net, index, tensors);
      continue;
    }
    std::vector<TensorInfo> inputs;
    for (int32_t id : layer.inputs) inputs.push_back(tensors[id]);
    const bool computed_target = layer.kind == LayerKind::kShuffle && layer.inputs.size() == 2;
    const bool reads_shape = layer.kind == LayerKind::kSlice || layer.kind == LayerKind::kResize ||
                             layer.kind == LayerKind::kRange || computed_target;
    std::vector<GivenOutput> given;
    for (int32_t id : layer.outputs) {
      GivenOutput g;
      g.has_dtype = true;
      g.dtype = net.tensors[id].dtype;
      g.has_shape = reads_shape;
      if (reads_shape) g.shape = net.tensors[id].shape;
      given.push_back(std::move(g));
    }
    if (layer.kind == LayerKind::kSlice || layer.kind == LayerKind::kResize) {
      FollowWholeDims(net, layer, inputs[0].shape, &given[0].shape);
    }
    if (computed_target) {
      // The target's value at these shapes, from the shape tensors evaluated so far.
      const std::vector<int64_t>* target = values.Find(layer.inputs[1]);
      if (!target) {
        Fail(ErrorCode::kShape, Cat(LayerLabel(layer), ": its reshape target ", TensorLabel(net, layer.inputs[1]),
                                    " is not computed from shapes and constants alone, so its shape cannot follow"));
      }
      const bool placeholder = ReadShuffleParams(layer, inputs[0].shape.size()).zero_is_placeholder;
      std::string why;
      if (!ResolveReshape(*target, inputs[0].shape, placeholder, "its reshape target", &given[0].shape, &why)) {
        Fail(ErrorCode::kShape, Cat(LayerLabel(layer), ": ", why));
      }
    }
    std::vector<TensorInfo> outs = DeriveLayerOutputs(layer, inputs, given);
    for (size_t k = 0; k < layer.outputs.size(); ++k) tensors[layer.outputs[k]].shape = outs[k].shape;
    values.Evaluate(net, index, tensors);
  }
  return tensors;
}

std::string OutOfRange(const Network& net, const std::vector<Shape>& shapes) {
  for (size_t i = 0; i < net.inputs.size() && i < shapes.size(); ++i) {
    const TensorInfo& t = net.tensors[net.inputs[i]];
    const Shape& s = shapes[i];
    const Shape& lo = net.ranges.empty() ? t.shape : net.ranges[i].min;
    const Shape& hi = net.ranges.empty() ? t.shape : net.ranges[i].max;
    if (s.size() != lo.size()) {
      return Cat("input '", t.name, "' has shape ", ShapeToString(s), "; the engine takes rank ", lo.size(), " (",
                 net.ranges.empty() ? ShapeToString(t.shape) : Cat(ShapeToString(lo), " to ", ShapeToString(hi)), ")");
    }
    for (size_t d = 0; d < s.size(); ++d) {
      if (s[d] < lo[d] || s[d] > hi[d]) {
        return lo[d] == hi[d]
                   ? Cat("input '", t.name, "' dim ", d, " is ", s[d], "; the engine takes ", lo[d])
                   : Cat("input '", t.name, "' dim ", d, " is ", s[d], "; the engine takes ", lo[d], " to ", hi[d]);
      }
    }
  }
  return "";
}

}  // namespace hybridrt
