// Network validation (see validator.h).
#include "src/ir/validator.h"

#include <vector>

#include "src/ir/param_schema.h"
#include "src/ir/shape_rules.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

[[noreturn]] void Bad(const std::string& message) { Fail(ErrorCode::kNative, Cat("network: ", message)); }

bool InRange(const Network& net, int32_t id) { return id >= 0 && static_cast<size_t>(id) < net.tensors.size(); }

// Every input's range holds its declared shape (the profile's opt), dim by dim.
void CheckRanges(const Network& net) {
  if (net.ranges.empty()) return;
  if (net.ranges.size() != net.inputs.size()) {
    Bad(Cat("has ", net.ranges.size(), " input ranges for ", net.inputs.size(), " inputs"));
  }
  for (size_t i = 0; i < net.inputs.size(); ++i) {
    const InputRange& r = net.ranges[i];
    const Shape& opt = net.tensors[net.inputs[i]].shape;
    const std::string what = Cat("range of input ", TensorLabel(net, net.inputs[i]));
    if (r.min.size() != opt.size() || r.max.size() != opt.size()) {
      Bad(Cat(what, ": min ", ShapeToString(r.min), " and max ", ShapeToString(r.max), " must have the rank of ",
              ShapeToString(opt)));
    }
    for (size_t d = 0; d < opt.size(); ++d) {
      if (!(r.min[d] <= opt[d] && opt[d] <= r.max[d])) {
        Bad(Cat(what, ": dim ", d, " must satisfy min <= opt <= max; got ", r.min[d], " <= ", opt[d],
                " <= ", r.max[d]));
      }
    }
  }
}

}  // namespace

void ValidateNetwork(const Network& net) {
  if (net.format_version != kNetworkFormatVersion) {
    Bad(Cat("format version ", net.format_version, "; this engine reads version ", kNetworkFormatVersion));
  }
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    int64_t n;
    if (!CheckedNumel(net.tensors[i].shape, &n)) {
      Bad(Cat(TensorLabel(net, static_cast<int32_t>(i)), " has an invalid or too large shape ",
              ShapeToString(net.tensors[i].shape)));
    }
  }
  // producer[id]: -2 none yet, -1 network input, else the layer index.
  std::vector<int64_t> producer(net.tensors.size(), -2);
  for (int32_t id : net.inputs) {
    if (!InRange(net, id)) Bad(Cat("input id ", id, " is out of range (", net.tensors.size(), " tensors)"));
    if (producer[id] != -2) Bad(Cat(TensorLabel(net, id), " is listed as an input twice"));
    producer[id] = -1;
  }
  if (net.weights.size() != net.layers.size()) Bad("internal: weights are not per layer");
  for (size_t li = 0; li < net.layers.size(); ++li) {
    const Layer& layer = net.layers[li];
    for (size_t k = 0; k < layer.inputs.size(); ++k) {
      int32_t id = layer.inputs[k];
      if (!InRange(net, id)) {
        Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": input ", k, " has tensor id ", id, ", out of range (",
                                     net.tensors.size(), " tensors)"));
      }
      if (producer[id] == -2) {
        Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": input ", k, " ", TensorLabel(net, id),
                                     " is not produced before this layer (layers must be in topological order)"));
      }
    }
    for (size_t k = 0; k < layer.outputs.size(); ++k) {
      int32_t id = layer.outputs[k];
      if (!InRange(net, id)) {
        Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": output ", k, " has tensor id ", id, ", out of range (",
                                     net.tensors.size(), " tensors)"));
      }
      if (producer[id] != -2) {
        std::string by = producer[id] == -1 ? std::string("it is a network input")
                                            : Cat("already produced by ", LayerLabel(net.layers[producer[id]]));
        Fail(ErrorCode::kNative,
             Cat(LayerLabel(layer), ": output ", k, " ", TensorLabel(net, id), " is produced twice: ", by));
      }
      producer[id] = static_cast<int64_t>(li);
    }
    CheckParams(layer);
    CheckLayerShapes(net, layer);
    if (layer.kind == LayerKind::kConstant) {
      const TensorInfo& t = net.tensors[layer.outputs[0]];
      size_t expected = static_cast<size_t>(Numel(t.shape)) * DTypeSize(t.dtype);
      if (net.weights[li].bytes != expected) {
        Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": weights hold ", net.weights[li].bytes, " bytes; ",
                                     TensorLabel(net, layer.outputs[0]), " (", DTypeName(t.dtype), " ",
                                     ShapeToString(t.shape), ") needs ", expected));
      }
      if (expected && !net.weights[li].data) Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": weights are missing"));
    } else if (net.weights[li].bytes) {
      Fail(ErrorCode::kNative, Cat(LayerLabel(layer), ": only constant layers carry weights"));
    }
  }
  std::vector<bool> is_output(net.tensors.size(), false);
  for (int32_t id : net.outputs) {
    if (!InRange(net, id)) Bad(Cat("output id ", id, " is out of range (", net.tensors.size(), " tensors)"));
    if (is_output[id]) Bad(Cat(TensorLabel(net, id), " is listed as an output twice"));
    is_output[id] = true;
  }
  if (net.outputs.empty()) Bad("has no outputs");
  // A data-dependent output (network.h) is sized only after the run: the engine ends at it.
  for (const Layer& layer : net.layers) {
    if (!DataDependentLayer(layer.kind)) continue;
    const int32_t id = layer.outputs[0];
    if (!is_output[id])
      Bad(Cat(LayerLabel(layer), ": ", TensorLabel(net, id), " depends on the data and must be a network output"));
    for (const Layer& reader : net.layers) {
      for (int32_t in : reader.inputs) {
        if (in == id)
          Bad(Cat(LayerLabel(reader), " reads ", TensorLabel(net, id),
                  ", whose size depends on the data: only the next engine may (as a ranged input)"));
      }
    }
  }
  CheckRanges(net);
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    if (producer[i] == -2) Bad(Cat(TensorLabel(net, static_cast<int32_t>(i)), " is never produced"));
  }
}

}  // namespace hybridrt
