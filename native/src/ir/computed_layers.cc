// Layers with computed parameters (see computed_layers.h).
#include "src/ir/computed_layers.h"

#include <algorithm>

#include "src/ir/shape_values.h"
#include "layers/slice.h"
#include "layers/topk.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

const std::vector<int64_t>& ValueOf(const Network& net, const Layer& layer, size_t i, const ShapeValues& values) {
  const std::vector<int64_t>* v = values.Find(layer.inputs[i]);
  if (!v) {
    Fail(ErrorCode::kShape, Cat(LayerLabel(layer), ": its input ", TensorLabel(net, layer.inputs[i]),
                                " is not computed from shapes and constants alone, so the layer cannot follow it"));
  }
  return *v;
}

// ONNX Slice's clamping of one axis of size `dim`: the first index read and how many.
void ClampWindow(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t* first, int64_t* len) {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  // min(max(.)) rather than std::clamp: an empty dim walked back has the bounds [0, -1].
  if (step > 0) {
    start = std::min<int64_t>(std::max<int64_t>(start, 0), dim);
    end = std::min<int64_t>(std::max<int64_t>(end, 0), dim);
  } else {
    start = std::min<int64_t>(std::max<int64_t>(start, 0), dim - 1);
    end = std::min<int64_t>(std::max<int64_t>(end, -1), dim - 1);
  }
  const int64_t span = end - start;  // within [-dim - 1, dim + 1]: no overflow
  const int64_t n = step > 0 ? (span + step - 1) / step : (span + step + 1) / step;
  *len = std::max<int64_t>(0, n);
  *first = *len > 0 ? start : 0;
}

Layer ResolveRange(const Network& net, const Layer& layer, const ShapeValues& values, Shape* out) {
  int64_t v[3];
  for (size_t i = 0; i < 3; ++i) {
    const std::vector<int64_t>& value = ValueOf(net, layer, i, values);
    if (value.size() != 1) Fail(ErrorCode::kShape, Cat(LayerLabel(layer), ": input ", i, " is not a scalar"));
    v[i] = value[0];
  }
  const int64_t start = v[0], limit = v[1], delta = v[2];
  if (delta == 0) Fail(ErrorCode::kShape, Cat(LayerLabel(layer), ": a range of step 0"));
  // ceil((limit - start) / delta) in 128 bits: int64 ends may be far apart.
  const __int128 span = static_cast<__int128>(limit) - start;
  const __int128 n = delta > 0 ? (span + delta - 1) / delta : (span + delta + 1) / delta;
  *out = {static_cast<int64_t>(std::max<__int128>(0, n))};
  Layer plain;
  plain.kind = LayerKind::kRange;
  plain.name = layer.name;
  plain.outputs = layer.outputs;
  plain.params.Set("start", ParamValue::Numbers({start}));
  plain.params.Set("delta", ParamValue::Numbers({delta}));
  return plain;
}

Layer ResolveTopK(const Network& net, const Layer& layer, const std::vector<TensorInfo>& tensors,
                  const ShapeValues& values, Shape* out) {
  const std::vector<int64_t>& k = ValueOf(net, layer, 1, values);
  const Shape& x = tensors[layer.inputs[0]].shape;
  const int64_t axis = ReadTopKParams(layer, x).axis;
  if (k.size() != 1 || k[0] < 0 || k[0] > x[axis]) {
    Fail(ErrorCode::kShape, Cat(LayerLabel(layer), ": k ", k.size() == 1 ? Cat(k[0]) : Cat(k.size(), " values"),
                                " does not fit axis ", axis, " of ", ShapeToString(x)));
  }
  *out = x;
  (*out)[axis] = k[0];
  Layer plain = layer;
  plain.inputs = {layer.inputs[0]};
  plain.params.Set("k", ParamValue::Number(static_cast<double>(k[0])));
  return plain;
}

}  // namespace

bool IsComputedLayer(const Layer& layer) {
  return (layer.kind == LayerKind::kSlice && layer.inputs.size() > 1) ||
         (layer.kind == LayerKind::kRange && !layer.inputs.empty()) ||
         (layer.kind == LayerKind::kTopK && layer.inputs.size() == 2);
}

Layer ResolveComputedLayer(const Network& net, const Layer& layer, const std::vector<TensorInfo>& tensors,
                           const ShapeValues& values, Shape* out) {
  if (layer.kind == LayerKind::kRange) return ResolveRange(net, layer, values, out);
  if (layer.kind == LayerKind::kTopK) return ResolveTopK(net, layer, tensors, values, out);
  const Shape& x = tensors[layer.inputs[0]].shape;
  const size_t rank = x.size();
  std::vector<int64_t> starts(rank, 0), steps(rank, 1);
  *out = x;
  if (layer.inputs.size() == 3) {
    const std::vector<int64_t>& begin = ValueOf(net, layer, 1, values);
    const std::vector<int64_t>& end = ValueOf(net, layer, 2, values);
    const SliceParams p = ReadSliceParams(layer, rank);
    const std::vector<int64_t>& axes = p.axes;
    steps = p.steps;
    if (begin.size() != axes.size() || end.size() != axes.size()) {
      Fail(ErrorCode::kShape,
           Cat(LayerLabel(layer), ": ", begin.size(), " starts and ", end.size(), " ends for ", axes.size(), " axes"));
    }
    for (size_t k = 0; k < axes.size(); ++k) {
      const int64_t d = axes[k];
      ClampWindow(x[d], begin[k], end[k], steps[d], &starts[d], &(*out)[d]);
    }
  } else {
    const std::vector<int64_t>& target = ValueOf(net, layer, 1, values);
    // numpy's rule (BroadcastShapes); the converter gave x the rank of the result already.
    Shape broadcast;
    const bool negative = std::any_of(target.begin(), target.end(), [](int64_t t) { return t < 0; });
    if (negative || !BroadcastShapes({x, target}, &broadcast) || broadcast.size() != rank) {
      Fail(ErrorCode::kShape, Cat(LayerLabel(layer), ": ", ShapeToString(x), " does not broadcast with target ",
                                  ShapeToString(target), " to rank ", rank));
    }
    for (size_t d = 0; d < rank; ++d) {
      if (x[d] == 1 && broadcast[d] != 1) steps[d] = 0;  // a stretched dim repeats its one element
    }
    *out = broadcast;
  }
  Layer plain;
  plain.kind = LayerKind::kSlice;
  plain.name = layer.name;
  plain.inputs = {layer.inputs[0]};
  plain.outputs = layer.outputs;
  plain.params.Set("starts", ParamValue::Numbers(starts));
  plain.params.Set("steps", ParamValue::Numbers(steps));
  return plain;
}

}  // namespace hybridrt
