// The qdq pass (see qdq_fusion.h).
#include "src/builder/qdq_fusion.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "src/builder/net_rewrite.h"
#include "src/builder/qdq_parts.h"
#include "layers/convolution.h"
#include "layers/matmul.h"
#include "layers/quant_form.h"
#include "layers/quantize.h"
#include "layers/shuffle.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

// The constant layer behind tensor `id` (through shuffles that keep the bytes' order), or -1.
int64_t ConstantBehind(const RewriteWork& w, int32_t id) {
  for (int hops = 0; hops < 4; ++hops) {
    const int64_t p = w.producer[id];
    if (p < 0) return -1;
    const Layer& l = w.net.layers[p];
    if (l.kind == LayerKind::kConstant) return p;
    if (l.kind != LayerKind::kShuffle || l.inputs.size() != 1) return -1;
    const ShuffleParams s = ReadShuffleParams(l, w.ShapeOf(l.inputs[0]).size());
    if (s.has_first_perm || s.has_second_perm) return -1;
    id = l.inputs[0];
  }
  return -1;
}

// A constant tensor's values as doubles (float32, int8, uint8, int32), or false.
bool ConstantValues(const RewriteWork& w, int32_t id, std::vector<double>* out) {
  const int64_t c = ConstantBehind(w, id);
  if (c < 0) return false;
  const WeightView& v = w.net.weights[c];
  const DType t = w.TypeOf(w.net.layers[c].outputs[0]);
  out->clear();
  const size_t n = t == DType::kFloat32 || t == DType::kInt32 ? v.bytes / 4 : v.bytes;
  for (size_t i = 0; i < n; ++i) {
    switch (t) {
      case DType::kFloat32: {
        float f;
        std::memcpy(&f, v.data + 4 * i, 4);
        out->push_back(f);
        break;
      }
      case DType::kInt32: {
        int32_t k;
        std::memcpy(&k, v.data + 4 * i, 4);
        out->push_back(k);
        break;
      }
      case DType::kInt8: out->push_back(static_cast<int8_t>(v.data[i])); break;
      case DType::kUInt8: out->push_back(v.data[i]); break;
      default: return false;
    }
  }
  return true;
}

}  // namespace

namespace qdq {

bool ReadScales(const RewriteWork& w, const Layer& l, Scales* s) {
  if (w.TypeOf(l.inputs[1]) != DType::kFloat32 || !ConstantValues(w, l.inputs[1], &s->scale)) return false;
  if (l.inputs.size() > 2) return ConstantValues(w, l.inputs[2], &s->zero) && s->zero.size() == s->scale.size();
  s->zero.assign(s->scale.size(), 0);
  return !s->scale.empty();
}

bool Dequantized(const RewriteWork& w, const Layer& l, size_t in) {
  const int64_t p = w.producer[l.inputs[in]];
  return p >= 0 && w.net.layers[p].kind == LayerKind::kDequantize;
}

void DropUnread(RewriteWork& w, const std::vector<int64_t>& layers) {
  for (int64_t d : layers) {
    if (d < 0) continue;
    bool read = false;
    for (int32_t o : w.net.layers[d].outputs) read = read || w.uses[o] > 0 || w.is_output[o];
    if (!read) w.alive[d] = false;
  }
  w.Index();
}

}  // namespace qdq

namespace {

using qdq::Dequantized;
using qdq::IsInt8;
using qdq::NotFolded;
using qdq::ReadScales;
using qdq::Scales;

// A float convolution or matmul the pass could fold: what it folds or says why it does not.
bool Candidate(const Layer& l) {
  return (l.kind == LayerKind::kConvolution || l.kind == LayerKind::kMatmul) && !IsQuantForm(l.params) &&
         l.inputs.size() >= 2;
}

// Folds layer i if it can; returns whether it did. Where it does not and the layer is a
// convolution or matmul that reads a dequantize, `why` says why.
bool FoldOne(RewriteWork& w, size_t i, const Int8Kernels& kernels, int* quantize_folded, NotFolded* why) {
  const Layer& l = w.net.layers[i];
  const bool conv = l.kind == LayerKind::kConvolution;
  if (!Candidate(l)) return false;
  auto dequantized = [&](size_t in) { return Dequantized(w, l, in); };
  const bool reads_dequantize = dequantized(0) || dequantized(1);
  auto refuse = [&](const char* by, std::string reason) {
    if (reads_dequantize) *why = NotFolded{by, std::move(reason)};
    return false;
  };
  auto pass = [&](auto&&... parts) { return refuse(kNotInt8ByPass, Cat(parts...)); };
  const DType out = w.TypeOf(l.outputs[0]);
  if (out != DType::kFloat32) return pass("its output is ", DTypeName(out), ", not float32");
  const std::string refusal = kernels.Refusal(l, w.ShapeOf(l.inputs[0]).size(), w.ShapeOf(l.inputs[1]));
  if (!refusal.empty()) return refuse(kNotInt8ByBackend, refusal);
  const ConvolutionParams cp = conv ? ReadConvolution(l.params) : ConvolutionParams{};
  if (conv && !kernels.grouped && !kernels.fold_depthwise && IsDepthwise(cp, w.ShapeOf(l.inputs[1]))) {
    return refuse(kNotInt8ByBackend, Cat("the ", kernels.backend,
                                         " backend's int8 depthwise kernel is switched off "
                                         "(HYBRIDRT_INT8_DEPTHWISE=0)"));
  }
  if (!conv && ReadMatmul(l.params).residual) return pass("an int8 matmul takes no residual (the add fused into it)");
  if (cp.nhwc) return pass("it is channels-last already (the qdq pass folds channels-first convolutions)");
  if (cp.has_input_clip) return pass("it clips its input (inputClip), which no int8 convolution does");
  // After the channels-last check: there the weights' dim 1 would be a kernel dim, not the channels.
  if (conv && w.ShapeOf(l.inputs[1]).size() > 1 && w.ShapeOf(l.inputs[1])[1] * cp.groups < kernels.fold_min_channels) {
    return refuse(kNotInt8ByBackend,
                  Cat("it reads ", w.ShapeOf(l.inputs[1])[1] * cp.groups, " input channels: the ", kernels.backend,
                      " backend keeps a convolution of fewer than ", kernels.fold_min_channels,
                      " in float, where it is several times faster than in int8"));
  }
  const Shape& ws = w.ShapeOf(l.inputs[1]);
  int64_t channels, k, axis;
  if (conv) {
    channels = ws[0];
    k = 1;
    for (size_t d = 1; d < ws.size(); ++d) k *= ws[d];
    axis = 0;
  } else {
    const MatmulParams mp = ReadMatmul(l.params);
    const bool tb = mp.trans_b;
    const std::string why = Int8MatmulRefusal(mp, ws, l.inputs.size() > 2 ? &w.ShapeOf(l.inputs[2]) : nullptr);
    if (!why.empty()) return pass(why);
    channels = tb ? ws[0] : ws[1];
    k = tb ? ws[1] : ws[0];
    axis = tb ? 0 : 1;
  }
  if (!Int8ProductsFit(k)) {
    return pass("it sums ", k, " products per output; an int8 layer sums at most ", kMaxInt8Products,
                " (its int32 sums could overflow)");
  }
  for (size_t in = 2; in < l.inputs.size(); ++in) {
    const DType t = w.TypeOf(l.inputs[in]);
    if (t != DType::kFloat32) return pass("its input ", in, " is ", DTypeName(t), ", not float32");
  }
  // The activation's dequantize: per tensor, from int8/uint8.
  const int64_t dx = w.producer[l.inputs[0]];
  if (!dequantized(0)) return pass("its input comes from no dequantize");
  const Layer& dql = w.net.layers[dx];
  Scales xs;
  const DType xt = w.TypeOf(dql.inputs[0]);
  if (!IsInt8(xt)) return pass("its input is dequantized from ", DTypeName(xt), " (int8 or uint8 only)");
  if (!ReadScales(w, dql, &xs)) return pass("its input's dequantize has no constant float32 scale and zero point");
  if (xs.scale.size() != 1) return pass("its input is dequantized per axis (the qdq pass folds per tensor only)");
  // The weights' dequantize: a constant int8 tensor, symmetric, per tensor or per channel.
  const int64_t dw = w.producer[l.inputs[1]];
  if (!dequantized(1)) return pass("its weights come from no dequantize");
  const Layer& dwl = w.net.layers[dw];
  Scales wsc;
  const DType wt = w.TypeOf(dwl.inputs[0]);
  if (wt != DType::kInt8) return pass("its weights are ", DTypeName(wt), " (the qdq pass folds int8 weights only)");
  if (w.producer[dwl.inputs[0]] < 0 || w.net.layers[w.producer[dwl.inputs[0]]].kind != LayerKind::kConstant) {
    return pass("its weights are not a constant");
  }
  if (!ReadScales(w, dwl, &wsc)) return pass("its weights' dequantize has no constant float32 scale and zero point");
  const int64_t w_axis = ReadQuantizeAxis(dwl.params);
  if (wsc.scale.size() != 1 && (static_cast<int64_t>(wsc.scale.size()) != channels || w_axis != axis)) {
    return pass("its weights have ", wsc.scale.size(), " scales along axis ", w_axis,
                "; the qdq pass folds one, or one per output channel (", channels, " along axis ", axis, ")");
  }
  for (double z : wsc.zero) {
    if (z != 0) return pass("its weights' zero point is not 0 (the qdq pass folds symmetric weights only)");
  }
  QuantForm q;
  q.on = true;
  q.input_scale = static_cast<float>(xs.scale[0]);
  q.input_zero = static_cast<int32_t>(xs.zero[0]);
  for (double s : wsc.scale) q.weight_scales.push_back(static_cast<float>(s));
  // The output's quantize, where it is the only reader.
  const int64_t qy = w.SoleReader(l.outputs[0]);
  Scales ys;
  const bool fold_q = qy >= 0 && w.net.layers[qy].kind == LayerKind::kQuantize &&
                      IsInt8(w.TypeOf(w.net.layers[qy].outputs[0])) && ReadScales(w, w.net.layers[qy], &ys) &&
                      ys.scale.size() == 1;
  if (fold_q) {
    q.requantize = true;
    q.output_scale = static_cast<float>(ys.scale[0]);
    q.output_zero = static_cast<int32_t>(ys.zero[0]);
  }
  // A residual that a per-tensor dequantize makes (a residual add whose inputs are both
  // dequantized, as TensorRT's Q/DQ placement and onnxruntime's QDQ Add write it): its int8
  // tensor is read as it is.
  int64_t dz = -1;
  if (cp.residual) {
    const int64_t p = w.producer[l.inputs.back()];
    Scales zs;
    if (p >= 0 && w.net.layers[p].kind == LayerKind::kDequantize && IsInt8(w.TypeOf(w.net.layers[p].inputs[0])) &&
        ReadScales(w, w.net.layers[p], &zs) && zs.scale.size() == 1 && zs.scale[0] > 0) {
      dz = p;
      q.residual_quantized = true;
      q.residual_scale = static_cast<float>(zs.scale[0]);
      q.residual_zero = static_cast<int32_t>(zs.zero[0]);
    }
  }
  for (float s : q.weight_scales) {
    if (!(s > 0)) return pass("a scale of its weights is not positive");
  }
  if (!(q.input_scale > 0) || (fold_q && !(q.output_scale > 0)))
    return pass("its input's or output's scale is not positive");
  Layer folded = l;
  folded.inputs[0] = dql.inputs[0];
  folded.inputs[1] = dwl.inputs[0];
  WriteQuantForm(q, &folded.params);
  NoteFused(folded, dql);
  NoteFused(folded, dwl);
  if (dz >= 0) {
    folded.inputs.back() = w.net.layers[dz].inputs[0];
    NoteFused(folded, w.net.layers[dz]);
  }
  if (fold_q) {
    folded.outputs = w.net.layers[qy].outputs;
    NoteFused(folded, w.net.layers[qy]);
    w.alive[qy] = false;
    ++*quantize_folded;
  }
  w.net.layers[i] = folded;
  w.Index();
  qdq::DropUnread(w, {dx, dw, dz});
  return true;
}

// A dequantize of constant weights left for a float layer (a depthwise convolution on cuda, a
// layer kept in float): made the float32 constant it computes, (float(x - zero)) * scale as the
// dequantize layer computes it, once here instead of on every run, so that the layer sees
// constant weights (which the layout pass and the kernels' packing want).
bool FoldConstantDequantize(RewriteWork& w, size_t i, std::vector<std::shared_ptr<std::vector<uint8_t>>>* owned) {
  const Layer& l = w.net.layers[i];
  if (l.kind != LayerKind::kDequantize || w.TypeOf(l.outputs[0]) != DType::kFloat32) return false;
  const int64_t c = w.producer[l.inputs[0]];
  if (c < 0 || w.net.layers[c].kind != LayerKind::kConstant) return false;
  const DType t = w.TypeOf(l.inputs[0]);
  if (t != DType::kInt8 && t != DType::kUInt8 && t != DType::kInt32) return false;
  Scales s;
  if (!ReadScales(w, l, &s)) return false;
  const Shape& shape = w.ShapeOf(l.inputs[0]);
  int64_t axis_len = 1, inner = 1;
  if (s.scale.size() > 1) {
    int64_t axis = ReadQuantizeAxis(l.params);
    if (axis < 0) axis += static_cast<int64_t>(shape.size());
    if (axis < 0 || axis >= static_cast<int64_t>(shape.size())) return false;
    axis_len = shape[axis];
    for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
    if (axis_len != static_cast<int64_t>(s.scale.size())) return false;
  }
  // The values read where they lie (a weight may be hundreds of MB: no copy of them as doubles).
  const WeightView& v = w.net.weights[c];
  const size_t n = t == DType::kInt32 ? v.bytes / 4 : v.bytes;
  auto bytes = std::make_shared<std::vector<uint8_t>>(n * 4);
  float* out = reinterpret_cast<float*>(bytes->data());
  for (size_t e = 0; e < n; ++e) {
    int64_t x;
    if (t == DType::kInt32) {
      int32_t k;
      std::memcpy(&k, v.data + 4 * e, 4);
      x = k;
    } else {
      x = t == DType::kInt8 ? static_cast<int8_t>(v.data[e]) : v.data[e];
    }
    const size_t k = s.scale.size() > 1 ? (e / inner) % axis_len : 0;
    out[e] = static_cast<float>(x - static_cast<int64_t>(s.zero[k])) * static_cast<float>(s.scale[k]);
  }
  Layer constant = w.net.layers[c];
  constant.name = l.name;
  constant.outputs = l.outputs;
  NoteFused(constant, l);
  w.net.layers[i] = constant;
  w.net.weights[i] = WeightView{bytes->data(), bytes->size()};
  owned->push_back(std::move(bytes));
  return true;  // the same outputs in the same place: the caller re-indexes the reads once
}

}  // namespace

std::string Int8Kernels::Refusal(const Layer& l, size_t rank, const Shape& weights) const {
  const std::string has_no = Cat("the ", backend.empty() ? "this" : backend, " backend has no int8 ");
  if (!any) return has_no + "kernels";
  if (l.kind == LayerKind::kMatmul) return matmul ? "" : has_no + "matrix product";
  if (l.kind == LayerKind::kElementwise) return add ? "" : has_no + "element-wise add";
  if (l.kind != LayerKind::kConvolution) return Cat(has_no, "kernel for ", LayerKindName(l.kind), " layers");
  const ConvolutionParams p = ReadConvolution(l.params);
  if (p.groups != 1 && !grouped) {
    if (!depthwise) return has_no + "kernel for convolutions of several groups (depthwise included)";
    if (!IsDepthwise(p, weights)) return has_no + "kernel for convolutions of several groups but depthwise ones";
  }
  if (!any_spatial && rank != 4) return Cat(has_no, "kernel for ", rank - 2, "-d convolutions (2-d only)");
  return "";
}

Int8Kernels Int8KernelsOf(const std::string& backend) {
  Int8Kernels k;
  k.backend = backend;
  if (backend == "cpu") {  // cpu/quant_conv.cc, quant_matmul.cc, quant_add.cc
    k.any = k.matmul = k.add = k.grouped = k.any_spatial = true;
  } else if (backend == "cuda") {  // cuda/quant_conv.cu (matmuls as 1x1 convolutions), quant_add.cu
    k.any = k.matmul = k.add = k.channels_last = k.depthwise = true;
    k.fold_min_channels = 4;
  }
  return k;
}

QdqRewrite FoldQdq(const Network& net, const Int8Kernels& kernels, bool fold) {
  QdqRewrite r;
  RewriteWork w(net);
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    if (!w.alive[i]) continue;
    NotFolded why;
    const Layer& l = w.net.layers[i];
    if (!fold) {
      if ((Candidate(l) && (Dequantized(w, l, 0) || Dequantized(w, l, 1))) || qdq::AddCandidate(w, l)) {
        why = {kNotInt8ByPass, "the qdq pass is off (the build config's qdq: false, or HYBRIDRT_QDQ=0)"};
      }
    } else if (FoldOne(w, i, kernels, &r.quantize_folded, &why) ||
               qdq::FoldAdd(w, i, kernels, &r.quantize_folded, &why)) {
      ++r.int8_layers;
      continue;
    }
    if (!why.reason.empty()) {
      w.net.layers[i].params.Set(kNotInt8, ParamValue::String(why.reason));
      w.net.layers[i].params.Set(kNotInt8By, ParamValue::String(why.by));
      ++r.not_int8;
    }
  }
  for (size_t i = 0; i < w.net.layers.size() && fold; ++i) {
    if (w.alive[i] && FoldConstantDequantize(w, i, &r.owned)) ++r.constants_folded;
  }
  if (r.constants_folded) w.Index();
  if (!r.int8_layers && !r.constants_folded && !r.not_int8) return r;
  // Constants (and reshapes of them) that only the dropped dequantize layers read: their scales.
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (size_t i = 0; i < w.net.layers.size(); ++i) {
      const Layer& l = w.net.layers[i];
      if (!w.alive[i] || (l.kind != LayerKind::kConstant && l.kind != LayerKind::kShuffle)) continue;
      if (l.kind == LayerKind::kShuffle && ConstantBehind(w, l.outputs[0]) < 0) continue;
      if (w.uses[l.outputs[0]] > 0 || w.is_output[l.outputs[0]]) continue;
      w.alive[i] = false;
      dropped = true;
    }
    w.Index();
  }
  r.net = Compact(w);
  return r;
}

}  // namespace hybridrt
