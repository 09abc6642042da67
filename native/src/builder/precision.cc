// The reduced-precision rewrite and its policy (see precision.h).
#include "src/builder/precision.h"

#include <algorithm>

#include "layers/activation.h"
#include "layers/elementwise.h"
#include "layers/cast.h"
#include "layers/cumsum.h"
#include "layers/quant_form.h"
#include "layers/reduce.h"
#include "layers/resize.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

struct NamedPrecision {
  const char* name;
  DType type;
};
constexpr NamedPrecision kPrecisions[] = {
    {"fp32", DType::kFloat32},
    {"fp16", DType::kFloat16},
    {"bf16", DType::kBFloat16},
};

// Layers that only move or select elements: they run in whatever type their data has.
bool MovesData(const Layer& l) {
  switch (l.kind) {
    case LayerKind::kShuffle:
    case LayerKind::kConcat:
    case LayerKind::kSplit:
    case LayerKind::kSlice:
    case LayerKind::kGather:
    case LayerKind::kPad:
    case LayerKind::kSelect:
    case LayerKind::kShape:
    case LayerKind::kRange:
    case LayerKind::kArgMinMax:  // picks among its input's values: reads them in their type
    case LayerKind::kScatter:    // writes (or combines) updates into a copy: in the data's type
    case LayerKind::kTopK:       // picks its input's values: reads and writes them in their type
    case LayerKind::kNonZero:    // reads its input's values (zero or not) in their type
    case LayerKind::kCast: return true;
    case LayerKind::kUnary: return ReadActivation(l.params, "").op == UnaryOp::kIdentity;
    case LayerKind::kResize: return ReadResize(l.params).rule.mode == ResizeMode::kNearest;
    default: return false;
  }
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Above this many summed elements, an fp16 sum may leave fp16's range (65504) even for
// inputs of modest size (64 on average).
constexpr int64_t kFp16SumLimit = 1024;

}  // namespace

bool PrecisionFromName(const std::string& name, DType* type) {
  for (const NamedPrecision& p : kPrecisions) {
    if (name == p.name) {
      *type = p.type;
      return true;
    }
  }
  return false;
}

const char* PrecisionName(DType t) {
  for (const NamedPrecision& p : kPrecisions) {
    if (p.type == t) return p.name;
  }
  return DTypeName(t);
}

std::string PrecisionNames() {
  std::string names;
  for (const NamedPrecision& p : kPrecisions) names += (names.empty() ? "" : ", ") + std::string(p.name);
  return names;
}

DType ChooseReducedPrecision(const std::vector<DType>& allowed) {
  // With both allowed, fp16: the same speed on tensor cores, three more mantissa bits.
  for (DType t : {DType::kFloat16, DType::kBFloat16}) {
    if (std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return t;
  }
  return DType::kFloat32;
}

namespace {

// Every reader of tensor `id` is a cast to an integer type, and the network does not output it.
bool ReadOnlyAsIntegers(const Network& net, int32_t id) {
  for (int32_t o : net.outputs) {
    if (o == id) return false;
  }
  bool read = false;
  for (const Layer& l : net.layers) {
    if (std::find(l.inputs.begin(), l.inputs.end(), id) == l.inputs.end()) continue;
    if (l.kind != LayerKind::kCast) return false;
    const DType to = ReadCast(l.params).to;
    if (to != DType::kInt32 && to != DType::kInt64) return false;
    read = true;
  }
  return read;
}

}  // namespace

std::string KeepFp32Reason(const Network& net, const Layer& layer, DType half) {
  const bool fp16 = half == DType::kFloat16;  // bfloat16 has float32's range
  if (IsQuantForm(layer.params)) return "an int8 layer's float inputs (bias, residual) stay fp32";
  switch (layer.kind) {
    case LayerKind::kQuantize:
    case LayerKind::kDequantize: return "quantization scales stay fp32";
    // A box corner near 300 (a 320-pixel image) moves by up to 0.125 in fp16, 1 in bf16.
    case LayerKind::kRoiAlign: return "box coordinates lose their sub-pixel position in reduced precision";
    // Overlaps and score order would change with rounded boxes and scores (the layer takes fp32).
    case LayerKind::kNms: return "box overlaps and score order stay fp32";
    // A grid point near 1 lands up to 0.00049 * W / 2 pixels off in fp16 (0.03 of a pixel at W 128).
    case LayerKind::kGridSample: return "grid points lose their sub-pixel position in reduced precision";
    // The state is carried over every step (the layer takes fp32).
    case LayerKind::kRecurrent: return "a recurrent state carried over the sequence stays fp32";
    case LayerKind::kUnary: {
      const UnaryOp op = ReadActivation(layer.params, "").op;
      if (fp16 && op == UnaryOp::kExp) return "exp overflows fp16 for inputs above 11";
      if (fp16 && op == UnaryOp::kReciprocal) return "reciprocal overflows fp16 for |x| below 1.5e-5";
      return "";
    }
    case LayerKind::kElementwise:
      if (fp16 && binary::Read(layer.params) == binary::kPow) return "pow overflows fp16's range easily";
      return "";
    case LayerKind::kConvolution:
    case LayerKind::kMatmul:
      // ConvInteger and MatMulInteger (converters/integer-products.ts): float sums of integer
      // products that must be exact, read only as integers.
      if (ReadOnlyAsIntegers(net, layer.outputs[0])) return "an integer product (read as int32) must stay exact";
      return "";
    case LayerKind::kCumSum: {
      const Shape& x = net.tensors[layer.inputs[0]].shape;
      const int64_t n = x[ReadCumSumParams(layer, x.size()).axis];
      if (fp16 && n >= kFp16SumLimit) return Cat("a running sum of ", n, " elements may leave fp16's range");
      // Over a shape range the axis may reach any length: its declared one does not bound it.
      if (fp16 && IsDynamic(net)) return "a running sum over a shape range may leave fp16's range";
      return "";
    }
    case LayerKind::kReduce: {
      const ReduceParams r = ReadReduce(layer.params);
      if (!fp16) return "";
      if (r.op == reduce::kProd) return "products overflow fp16's range";
      if (r.op == reduce::kSumSquare || r.op == reduce::kL2) return "sums of squares overflow fp16's range";
      if (r.op == reduce::kSum || r.op == reduce::kL1) {
        const int64_t n = reduce::RowsOf(net.tensors[layer.inputs[0]].shape, r.axes).length;
        if (n >= kFp16SumLimit) return Cat("a sum of ", n, " elements may leave fp16's range");
      }
      return "";
    }
    default: return "";
  }
}

PrecisionRewrite ApplyReducedPrecision(const Network& src, DType half) {
  PrecisionRewrite r;
  Network& out = r.net;
  out.format_version = src.format_version;
  out.name = src.name;
  out.inputs = src.inputs;
  out.outputs = src.outputs;
  out.tensors = src.tensors;
  const size_t n = src.tensors.size();
  const std::string hname = PrecisionName(half);
  // Per original float32 tensor: the tensor holding its value in fp32 / in `half` (-1: none).
  std::vector<int32_t> v32(n, -1), vh(n, -1);
  std::vector<bool> is_output(n, false), is_f32(n, false);
  for (int32_t id : src.outputs) is_output[id] = true;
  for (size_t i = 0; i < n; ++i) is_f32[i] = src.tensors[i].dtype == DType::kFloat32;
  for (int32_t id : src.inputs) v32[id] = id;
  // Constant layers are emitted when first needed (per type), so that a weight only used in
  // reduced precision is not also kept in fp32.
  std::vector<int64_t> const_layer(n, -1);
  for (size_t i = 0; i < src.layers.size(); ++i) {
    if (src.layers[i].kind == LayerKind::kConstant) const_layer[src.layers[i].outputs[0]] = static_cast<int64_t>(i);
  }
  std::vector<bool> emitted(n, false);

  auto emit = [&](Layer l, WeightView w) {
    out.layers.push_back(std::move(l));
    out.weights.push_back(w);
  };
  auto new_tensor = [&](int32_t like, DType t, const std::string& suffix) {
    TensorInfo info = src.tensors[like];
    info.dtype = t;
    info.name += suffix;
    out.tensors.push_back(info);
    return static_cast<int32_t>(out.tensors.size() - 1);
  };
  auto emit_constant = [&](int32_t id) {  // the fp32 original, once
    if (emitted[id]) return;
    emitted[id] = true;
    emit(src.layers[const_layer[id]], src.weights[const_layer[id]]);
    if (is_f32[id]) v32[id] = id;
  };
  auto cast = [&](int32_t from, int32_t to, const std::string& name, DType t) {
    Layer l;
    l.kind = LayerKind::kCast;
    l.name = name;
    l.inputs = {from};
    l.outputs = {to};
    SetCastTo(&l.params, t);
    emit(std::move(l), WeightView{});
  };
  // The tensor holding original tensor `id` (float32) in type `t`, converting if needed.
  auto version = [&](int32_t id, DType t) -> int32_t {
    if (const_layer[id] >= 0) {
      if (t == DType::kFloat32) {
        emit_constant(id);
        return id;
      }
      if (vh[id] < 0) {
        const WeightView& w = src.weights[const_layer[id]];
        const int64_t count = Numel(src.tensors[id].shape);
        auto bytes = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(count) * 2);
        if (count) FloatToHalfBuffer(reinterpret_cast<const float*>(w.data), half, bytes->data(), count);
        r.owned.push_back(bytes);
        vh[id] = new_tensor(id, half, ":" + hname);
        Layer l = src.layers[const_layer[id]];
        l.name += ":" + hname;
        l.outputs = {vh[id]};
        emit(std::move(l), WeightView{bytes->data(), bytes->size()});
      }
      return vh[id];
    }
    int32_t& have = t == DType::kFloat32 ? v32[id] : vh[id];
    if (have >= 0) return have;
    const int32_t from = t == DType::kFloat32 ? vh[id] : v32[id];
    if (from < 0)
      Fail(ErrorCode::kNative, Cat("internal: precision rewrite reads ", TensorLabel(src, id), " before it exists"));
    const std::string tn = PrecisionName(t);
    have = new_tensor(id, t, ":" + tn);
    cast(from, have, src.tensors[id].name + ":to_" + tn, t);
    return have;
  };

  for (size_t li = 0; li < src.layers.size(); ++li) {
    const Layer& layer = src.layers[li];
    if (layer.kind == LayerKind::kConstant) continue;
    bool touches = false;
    for (int32_t id : layer.inputs) touches |= is_f32[id];
    for (int32_t id : layer.outputs) touches |= is_f32[id];
    Layer l = layer;
    if (!touches) {
      for (int32_t id : l.inputs) {
        if (const_layer[id] >= 0) emit_constant(id);
      }
      emit(std::move(l), WeightView{});
      continue;
    }
    DType ct = DType::kFloat32;
    if (MovesData(layer)) {
      // Follow the data: reduced if any float32 input already exists in reduced form, or is a
      // constant (converted once at build time; an embedding table gathered in fp16, say).
      for (int32_t id : layer.inputs) {
        if (is_f32[id] && (vh[id] >= 0 || const_layer[id] >= 0)) ct = half;
      }
    } else if (KeepFp32Reason(src, layer, half).empty()) {
      ct = half;
    }
    for (size_t k = 0; k < l.inputs.size(); ++k) {
      const int32_t id = l.inputs[k];
      if (is_f32[id]) {
        l.inputs[k] = version(id, ct);
      } else if (const_layer[id] >= 0) {
        emit_constant(id);
      }
    }
    if (layer.kind == LayerKind::kCast && ct == half && ReadCast(layer.params).to == DType::kFloat32) {
      SetCastTo(&l.params, half);
    }
    std::vector<std::pair<int32_t, int32_t>> to_fp32;  // (reduced tensor, original output) pairs
    for (size_t k = 0; k < l.outputs.size(); ++k) {
      const int32_t id = l.outputs[k];
      if (!is_f32[id]) continue;
      const bool reduced =
          ct == half && !(layer.kind == LayerKind::kCast && ReadCast(layer.params).to != DType::kFloat32);
      if (!reduced) {
        v32[id] = id;
      } else if (is_output[id]) {
        vh[id] = new_tensor(id, half, ":" + hname);
        l.outputs[k] = vh[id];
        to_fp32.push_back({vh[id], id});
      } else {
        out.tensors[id].dtype = half;
        vh[id] = id;
      }
    }
    emit(std::move(l), WeightView{});
    for (const auto& [from, id] : to_fp32) {
      cast(from, id, src.tensors[id].name + ":to_fp32", DType::kFloat32);
      v32[id] = id;
    }
  }
  for (int32_t id : src.outputs) {
    if (const_layer[id] >= 0) emit_constant(id);
  }
  // Weights only used in reduced form leave their fp32 tensors unproduced: drop them and
  // renumber (a network's tensors must each be produced once).
  std::vector<int32_t> remap(out.tensors.size(), -1);
  std::vector<TensorInfo> kept;
  auto keep = [&](int32_t id) {
    if (remap[id] < 0) {
      remap[id] = static_cast<int32_t>(kept.size());
      kept.push_back(out.tensors[id]);
    }
  };
  for (int32_t id : out.inputs) keep(id);
  for (const Layer& l : out.layers) {
    for (int32_t id : l.outputs) keep(id);
  }
  for (int32_t& id : out.inputs) id = remap[id];
  for (int32_t& id : out.outputs) id = remap[id];
  for (Layer& l : out.layers) {
    for (int32_t& id : l.inputs) id = remap[id];
    for (int32_t& id : l.outputs) id = remap[id];
  }
  out.tensors = std::move(kept);
  return r;
}

std::vector<LayerPrecision> DescribePrecision(const Network& net) {
  std::vector<LayerPrecision> d(net.layers.size());
  DType reduced = DType::kFloat32;
  auto float_type = [&](const Layer& l) -> DType {
    for (int32_t id : l.outputs) {
      if (IsFloat(net.tensors[id].dtype)) return net.tensors[id].dtype;
    }
    for (int32_t id : l.inputs) {
      if (IsFloat(net.tensors[id].dtype)) return net.tensors[id].dtype;
    }
    return l.outputs.empty() ? DType::kFloat32 : net.tensors[l.outputs[0]].dtype;
  };
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    DType t = float_type(l);
    d[i].precision = IsQuantForm(l.params) ? "int8" : PrecisionName(t);
    if (IsHalf(t) && l.kind != LayerKind::kCast && l.kind != LayerKind::kConstant) reduced = t;
  }
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (l.kind == LayerKind::kCast &&
        (EndsWith(l.name, ":to_fp16") || EndsWith(l.name, ":to_bf16") || EndsWith(l.name, ":to_fp32"))) {
      d[i].note = "inserted: precision conversion";
      continue;
    }
    if (reduced == DType::kFloat32 || d[i].precision != "fp32" || l.kind == LayerKind::kConstant) continue;
    std::string why = KeepFp32Reason(net, l, reduced);
    if (!why.empty()) {
      d[i].note = "kept fp32: " + why;
    } else if (MovesData(l)) {
      d[i].note = "moves fp32 data";
    }
  }
  return d;
}

}  // namespace hybridrt
