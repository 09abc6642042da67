// The channels-last layout pass (see layout.h).
#include "src/builder/layout.h"

#include <array>
#include <cmath>
#include <cstring>
#include <map>

#include "layers/activation.h"
#include "layers/cast.h"
#include "layers/convolution.h"
#include "layers/pooling.h"
#include "layers/quant_form.h"
#include "layers/reduce.h"
#include "layers/shuffle.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

constexpr int kNchw = 0, kNhwc = 1;
const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};
const std::vector<int64_t> kToNchw = {0, 3, 1, 2};

Shape Permute(const Shape& s, const std::vector<int64_t>& perm) {
  Shape r(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) r[i] = s[perm[i]];
  return r;
}

// Per tensor of a network: how many layer inputs read it (network outputs count twice more,
// so that no rewrite takes them for an intermediate), and the layer producing it (-1: none).
struct Readers {
  std::vector<int> uses;
  std::vector<int64_t> producer;
  explicit Readers(const Network& n) : uses(n.tensors.size(), 0), producer(n.tensors.size(), -1) {
    for (size_t i = 0; i < n.layers.size(); ++i) {
      for (int32_t id : n.layers[i].inputs) uses[id]++;
      for (int32_t id : n.layers[i].outputs) producer[id] = static_cast<int64_t>(i);
    }
    for (int32_t id : n.outputs) uses[id] += 2;
  }
};

class Pass {
 public:
  Pass(const Network& src, bool int8) : src_(src), int8_(int8) {
    const size_t n = src.tensors.size();
    const_layer_.assign(n, -1);
    for (size_t i = 0; i < src.layers.size(); ++i) {
      if (src.layers[i].kind == LayerKind::kConstant) const_layer_[src.layers[i].outputs[0]] = static_cast<int64_t>(i);
    }
    is_output_.assign(n, false);
    for (int32_t id : src.outputs) is_output_[id] = true;
  }

  bool EligibleConv(const Layer& l) const {
    if (l.kind != LayerKind::kConvolution || ReadConvolution(l.params).nhwc) return false;
    const TensorInfo& x = src_.tensors[l.inputs[0]];
    const bool int8 = int8_ && IsQuantForm(l.params) && (x.dtype == DType::kInt8 || x.dtype == DType::kUInt8);
    if (x.shape.size() != 4 || !(IsHalf(x.dtype) || int8) || const_layer_[l.inputs[1]] < 0) return false;
    // The int8 kernel places its window by the leading pads alone (asymmetric pads too).
    const WindowParams window = ReadWindowParams(l.params);
    return int8 || window.pads_begin == window.pads_end;
  }

  LayoutRewrite Run() {
    LayoutRewrite r;
    int eligible = 0;
    for (const Layer& l : src_.layers) eligible += EligibleConv(l) ? 1 : 0;
    if (eligible < 2) return r;
    Network& out = r.net;
    out.format_version = src_.format_version;
    out.name = src_.name;
    out.tensors = src_.tensors;
    out.inputs = src_.inputs;
    out.outputs = src_.outputs;
    version_.assign(src_.tensors.size(), {-1, -1});
    for (int32_t id : src_.inputs) version_[id][kNchw] = id;
    for (size_t li = 0; li < src_.layers.size(); ++li) {
      const Layer& l = src_.layers[li];
      if (l.kind == LayerKind::kConstant) {
        version_[l.outputs[0]][kNchw] = l.outputs[0];
        Emit(r, l, src_.weights[li]);
        continue;
      }
      const bool nhwc = Decide(l);
      Layer nl = l;
      for (size_t k = 0; k < l.inputs.size(); ++k) {
        const int32_t id = l.inputs[k];
        if (nhwc && l.kind == LayerKind::kConvolution && k == 1) {
          nl.inputs[k] = PermutedWeight(r, id);
        } else {
          // 4-d tensors (a convolution's x and residual; every operand of the others) follow
          // the layer; tensors of other ranks (a bias) have one layout only.
          nl.inputs[k] = Version(r, id, nhwc && Rank(id) == 4 ? kNhwc : kNchw);
        }
      }
      std::vector<std::pair<int32_t, int32_t>> restore;  // (nhwc tensor, network output) pairs
      if (nhwc) {
        r.nhwc_layers++;
        if (l.kind == LayerKind::kConvolution || l.kind == LayerKind::kPooling) SetNhwc(&nl.params);
        bool keep_dims = true;
        if (l.kind == LayerKind::kReduce) {
          SetReduceAxes(&nl.params, {1, 2});
          keep_dims = ReadReduce(l.params).keep_dims;
        }
        for (size_t k = 0; k < nl.outputs.size(); ++k) {
          const int32_t id = l.outputs[k];
          if (Rank(id) != 4 || !keep_dims) {
            version_[id][kNchw] = id;
            continue;
          }
          const Shape phys = Permute(src_.tensors[id].shape, kToNhwc);
          if (is_output_[id]) {
            const int32_t f = NewTensor(r, id, phys, ":nhwc");
            nl.outputs[k] = f;
            version_[id][kNhwc] = f;
            restore.push_back({f, id});
          } else {
            out.tensors[id].shape = phys;
            version_[id][kNhwc] = id;
          }
        }
      } else {
        for (int32_t id : l.outputs) version_[id][kNchw] = id;
      }
      Emit(r, nl, WeightView{});
      for (const auto& [from, id] : restore) {
        Transpose(r, from, id, kToNchw);
        version_[id][kNchw] = id;
      }
    }
    FoldCastTransposes(r);
    ClipIntoDepthwise(r);
    DropUnused(r);
    return r;
  }

 private:
  size_t Rank(int32_t id) const { return src_.tensors[id].shape.size(); }
  bool Scalar(int32_t id) const { return Numel(src_.tensors[id].shape) == 1; }
  bool HasNhwc(int32_t id) const { return version_[id][kNhwc] >= 0; }

  // Whether layer l runs channels-last (see the file comment of layout.h).
  bool Decide(const Layer& l) const {
    if (l.kind == LayerKind::kConvolution) return EligibleConv(l);
    switch (l.kind) {
      case LayerKind::kUnary:
      case LayerKind::kCast: return Rank(l.inputs[0]) == 4 && HasNhwc(l.inputs[0]);
      case LayerKind::kPooling: return Rank(l.inputs[0]) == 4 && HasNhwc(l.inputs[0]) && !ReadPooling(l.params).nhwc;
      case LayerKind::kQuantize:
      case LayerKind::kDequantize: {  // per tensor: the scale and zero point are scalars
        bool scalars = true;
        for (size_t k = 1; k < l.inputs.size(); ++k) scalars = scalars && Scalar(l.inputs[k]);
        return Rank(l.inputs[0]) == 4 && HasNhwc(l.inputs[0]) && scalars;
      }
      case LayerKind::kReduce:
        return Rank(l.inputs[0]) == 4 && HasNhwc(l.inputs[0]) &&
               ReadReduce(l.params).axes == std::vector<int64_t>{2, 3};
      case LayerKind::kElementwise: {
        if (Rank(l.outputs[0]) != 4) return false;
        bool any = false;
        for (int32_t id : l.inputs) {
          if (Scalar(id)) continue;
          if (Rank(id) != 4 || const_layer_[id] >= 0) return false;
          any |= HasNhwc(id);
        }
        return any;
      }
      default: return false;
    }
  }

  int32_t NewTensor(LayoutRewrite& r, int32_t like, const Shape& shape, const std::string& suffix) {
    TensorInfo t = src_.tensors[like];
    t.shape = shape;
    t.name += suffix;
    r.net.tensors.push_back(t);
    return static_cast<int32_t>(r.net.tensors.size() - 1);
  }

  void Emit(LayoutRewrite& r, Layer l, WeightView w) {
    r.net.layers.push_back(std::move(l));
    r.net.weights.push_back(w);
  }

  void Transpose(LayoutRewrite& r, int32_t from, int32_t to, const std::vector<int64_t>& perm) {
    Layer l;
    l.kind = LayerKind::kShuffle;
    l.name = r.net.tensors[to].name;
    l.inputs = {from};
    l.outputs = {to};
    SetFirstPerm(&l.params, perm);
    Emit(r, std::move(l), WeightView{});
    r.transposes++;
  }

  // The tensor holding source tensor `id` in layout `want`, transposing once if needed.
  int32_t Version(LayoutRewrite& r, int32_t id, int want) {
    if (version_[id][want] >= 0) return version_[id][want];
    const int32_t from = version_[id][1 - want];
    if (from < 0)
      Fail(ErrorCode::kNative, Cat("internal: layout pass reads ", TensorLabel(src_, id), " before it exists"));
    const Shape& logical = src_.tensors[id].shape;
    const int32_t t =
        NewTensor(r, id, want == kNhwc ? Permute(logical, kToNhwc) : logical, want == kNhwc ? ":to_nhwc" : ":to_nchw");
    Transpose(r, from, t, want == kNhwc ? kToNhwc : kToNchw);
    version_[id][want] = t;
    return t;
  }

  // Weights [M, C/g, kh, kw] as [M, kh, kw, C/g]: a new constant, made once per weight.
  int32_t PermutedWeight(LayoutRewrite& r, int32_t id) {
    auto it = permuted_.find(id);
    if (it != permuted_.end()) return it->second;
    const Layer& c = src_.layers[const_layer_[id]];
    const WeightView& w = src_.weights[const_layer_[id]];
    const Shape& s = src_.tensors[id].shape;
    const Shape phys = Permute(s, kToNhwc);
    const size_t es = DTypeSize(src_.tensors[id].dtype);
    auto bytes = std::make_shared<std::vector<uint8_t>>(w.bytes);
    const int64_t m = s[0], cg = s[1], kh = s[2], kw = s[3];
    for (int64_t o = 0; o < m; ++o) {
      for (int64_t ci = 0; ci < cg; ++ci) {
        for (int64_t h = 0; h < kh; ++h) {
          for (int64_t x = 0; x < kw; ++x) {
            const int64_t from = ((o * cg + ci) * kh + h) * kw + x;
            const int64_t to = ((o * kh + h) * kw + x) * cg + ci;
            std::memcpy(bytes->data() + to * es, w.data + from * es, es);
          }
        }
      }
    }
    r.owned.push_back(bytes);
    const int32_t t = NewTensor(r, id, phys, ":nhwc");
    Layer l = c;
    l.name += ":nhwc";
    l.outputs = {t};
    Emit(r, std::move(l), WeightView{bytes->data(), bytes->size()});
    permuted_[id] = t;
    return t;
  }

  // A transpose next to a cast, with nothing else reading the tensor between them (the
  // engine's fp32 input cast to fp16 and then made channels-last; an output made NCHW and then
  // cast to fp32): one cast that writes its result transposed (`perm`), one pass instead of two.
  // A transpose whose only reader is a shuffle without a first permutation becomes that one.
  void FoldCastTransposes(LayoutRewrite& r) {
    Network& n = r.net;
    Readers idx(n);
    std::vector<int>& uses = idx.uses;
    std::vector<int64_t>& producer = idx.producer;
    auto shuffle_params = [&n](const Layer& l) { return ReadShuffleParams(l, n.tensors[l.inputs[0]].shape.size()); };
    std::vector<bool> dead(n.layers.size(), false);
    for (size_t i = 0; i < n.layers.size(); ++i) {
      Layer& t = n.layers[i];
      if (t.kind != LayerKind::kShuffle) continue;
      const ShuffleParams sp = shuffle_params(t);
      if (!sp.has_first_perm || sp.has_reshape || sp.has_second_perm) continue;  // a plain transpose
      const std::vector<int64_t>& perm = sp.first_perm;
      const int32_t in = t.inputs[0], out = t.outputs[0];
      const int64_t p = producer[in];
      if (p >= 0 && !dead[p] && n.layers[p].kind == LayerKind::kCast && !ReadCast(n.layers[p].params).has_perm &&
          uses[in] == 1) {
        SetCastPerm(&n.layers[p].params, perm);  // cast, then transpose
        n.layers[p].outputs = {out};
        producer[out] = p;
        dead[i] = true;
        continue;
      }
      if (uses[out] != 1) continue;
      for (size_t k = i + 1; k < n.layers.size(); ++k) {  // transpose, then its only reader a cast
        Layer& c = n.layers[k];
        if (dead[k] || c.inputs.empty() || c.inputs[0] != out) continue;
        if (c.kind == LayerKind::kCast && !ReadCast(c.params).has_perm) {
          SetCastPerm(&c.params, perm);
          c.inputs = {in};
          dead[i] = true;
        } else if (c.kind == LayerKind::kShuffle && c.inputs.size() == 1 && !shuffle_params(c).has_first_perm) {
          // A transpose then a reshape (a pooled [N,1,1,C] made NCHW, then flattened): one
          // shuffle, whose first permutation the transpose's is.
          SetFirstPerm(&c.params, perm);
          c.inputs = {in};
          dead[i] = true;
        }
        break;
      }
    }
    std::vector<Layer> layers;
    std::vector<WeightView> weights;
    for (size_t i = 0; i < n.layers.size(); ++i) {
      if (dead[i]) continue;
      layers.push_back(std::move(n.layers[i]));
      weights.push_back(n.weights[i]);
    }
    n.layers = std::move(layers);
    n.weights = std::move(weights);
  }

  // A channels-last depthwise convolution our kernel runs (kernels.h: DepthwiseSupported's
  // geometry) whose input is the relu6 (clip to [0, max]) of a convolution read by nothing
  // else: the producer keeps relu, which cuDNN fuses into the convolution (it fuses no upper
  // clip: the epilogue would be another pass over the largest tensors of mobilenet-like nets),
  // and the depthwise convolution clips its input to max (`inputClip`: our kernel as it loads
  // it, cuDNN's tactics through a clipped copy whose pass their timing includes).
  void ClipIntoDepthwise(LayoutRewrite& r) {
    Network& n = r.net;
    const Readers idx(n);
    const std::vector<int>& uses = idx.uses;
    const std::vector<int64_t>& producer = idx.producer;
    for (Layer& b : n.layers) {
      if (!DepthwiseForOurKernel(n, b) || ReadConvolution(b.params).has_input_clip) continue;
      const int32_t t = b.inputs[0];
      const int64_t p = producer[t];
      if (p < 0 || uses[t] != 1) continue;
      Layer& a = n.layers[p];
      if (a.kind != LayerKind::kConvolution || !ReadConvolution(a.params).nhwc) continue;
      const Activation act = ReadActivation(a.params, "activation.");
      if (act.op != UnaryOp::kClip || act.min != 0 || !std::isfinite(act.max)) continue;
      SetActivationOp(&a.params, "activation.", UnaryOp::kRelu);
      SetInputClip(&b.params, act.max);
      r.input_clips++;
    }
  }

  // The geometry native/cuda/depthwise.cu's DepthwiseSupported accepts (kept in step with it:
  // a layer given inputClip must be one that kernel runs).
  static bool DepthwiseForOurKernel(const Network& n, const Layer& b) {
    if (b.kind != LayerKind::kConvolution) return false;
    const ConvolutionParams p = ReadConvolution(b.params);
    if (!p.nhwc) return false;
    const TensorInfo& x = n.tensors[b.inputs[0]];
    const TensorInfo& w = n.tensors[b.inputs[1]];  // [C, k, k, 1]
    if (!IsHalf(x.dtype) || x.shape.size() != 4 || w.shape.size() != 4) return false;
    const int64_t c = x.shape[3];
    const std::vector<int64_t>&k = p.window.kernel, &st = p.window.strides, &dil = p.window.dilations,
          &pb = p.window.pads_begin, &pe = p.window.pads_end;
    return IsDepthwise(p, w.shape) && p.groups == c && c % 8 == 0 && k[0] == k[1] &&
           (k[0] == 3 || k[0] == 5 || k[0] == 7) && st[0] == st[1] && (st[0] == 1 || st[0] == 2) && dil[0] == 1 &&
           dil[1] == 1 && pb[0] == pb[1] && pb == pe && pb[0] < k[0] && Numel(x.shape) < (int64_t{1} << 31) &&
           Numel(n.tensors[b.outputs[0]].shape) < (int64_t{1} << 31);
  }

  // Constants no layer reads any more (weights that were permuted) go, and with them their
  // tensors; ids are renumbered.
  void DropUnused(LayoutRewrite& r) {
    Network& n = r.net;
    std::vector<int> uses(n.tensors.size(), 0);
    for (const Layer& l : n.layers) {
      for (int32_t id : l.inputs) uses[id]++;
    }
    for (int32_t id : n.outputs) uses[id]++;
    std::vector<Layer> layers;
    std::vector<WeightView> weights;
    for (size_t i = 0; i < n.layers.size(); ++i) {
      if (n.layers[i].kind == LayerKind::kConstant && uses[n.layers[i].outputs[0]] == 0) continue;
      layers.push_back(std::move(n.layers[i]));
      weights.push_back(n.weights[i]);
    }
    std::vector<int32_t> remap(n.tensors.size(), -1);
    std::vector<TensorInfo> kept;
    auto keep = [&](int32_t id) {
      if (remap[id] < 0) {
        remap[id] = static_cast<int32_t>(kept.size());
        kept.push_back(n.tensors[id]);
      }
    };
    for (int32_t id : n.inputs) keep(id);
    for (const Layer& l : layers) {
      for (int32_t id : l.outputs) keep(id);
    }
    for (int32_t& id : n.inputs) id = remap[id];
    for (int32_t& id : n.outputs) id = remap[id];
    for (Layer& l : layers) {
      for (int32_t& id : l.inputs) id = remap[id];
      for (int32_t& id : l.outputs) id = remap[id];
    }
    n.tensors = std::move(kept);
    n.layers = std::move(layers);
    n.weights = std::move(weights);
  }

  const Network& src_;
  const bool int8_;
  std::vector<int64_t> const_layer_;
  std::vector<bool> is_output_;
  std::vector<std::array<int32_t, 2>> version_;  // per source tensor: its NCHW and NHWC tensors
  std::map<int32_t, int32_t> permuted_;
};

}  // namespace

LayoutRewrite ApplyChannelsLast(const Network& net, bool int8) { return Pass(net, int8).Run(); }

}  // namespace hybridrt
