// The fusion pass (see fusion.h).
#include "src/builder/fusion.h"

#include <string>
#include <vector>

#include "src/builder/attention_fusion.h"
#include "src/builder/net_rewrite.h"
#include "layers/activation.h"
#include "layers/elementwise.h"
#include "layers/convolution.h"
#include "layers/matmul.h"
#include "layers/quant_form.h"
#include "layers/reduce.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

// Whether `l` is a unary (elementwise) layer of that op, read as the kernels read it.
bool IsUnary(const Layer& l, UnaryOp op) {
  return l.kind == LayerKind::kUnary && ReadActivation(l.params, "").op == op;
}
bool IsElementwise(const Layer& l, binary::Op op) {
  return l.kind == LayerKind::kElementwise && binary::Read(l.params) == op;
}

// Whether `l` has a fused activation (an epilogue another cannot join).
bool Activated(const Layer& l) { return HasActivation(l.params, "activation."); }

// The activation of `from` on `into`: a unary layer's op and parameters, or a fused one.
void TakeActivation(Layer& into, const Layer& from) {
  CopyActivation(from.params, from.kind == LayerKind::kUnary ? "" : "activation.", &into.params, "activation.");
}

// Float elementwise ops a fused activation may follow (comparisons and logic give bools).
bool ArithmeticOp(binary::Op op) {
  using namespace binary;
  return op == kAdd || op == kSub || op == kMul || op == kDiv || op == kPow || op == kMax || op == kMin || op == kPrelu;
}

// sigmoid(t) * t  ->  silu(t).
bool FuseSilu(RewriteWork& w) {
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    if (!w.alive[i] || !IsUnary(w.net.layers[i], UnaryOp::kSigmoid)) continue;
    const Layer& sig = w.net.layers[i];
    const int32_t t = sig.inputs[0], s = sig.outputs[0];
    if (!IsFloat(w.TypeOf(t))) continue;
    const int64_t m = w.SoleReader(s);
    if (m < 0 || !IsElementwise(w.net.layers[m], binary::kMul) || Activated(w.net.layers[m])) continue;
    const Layer& mul = w.net.layers[m];
    const bool pair = (mul.inputs[0] == t && mul.inputs[1] == s) || (mul.inputs[0] == s && mul.inputs[1] == t);
    if (!pair || w.ShapeOf(mul.outputs[0]) != w.ShapeOf(t)) continue;
    Layer silu = sig;
    SetActivationOp(&silu.params, "", UnaryOp::kSilu);
    silu.outputs = mul.outputs;
    NoteFused(silu, mul);
    w.net.layers[i] = silu;
    w.alive[m] = false;
    w.Index();
    return true;
  }
  return false;
}

// Whether matmul layer `m` may take a residual: a float matmul (not int8) over a static
// network (over shape ranges, two tensors of one shape at the declared shapes may differ
// elsewhere, where the add would broadcast; the layer's residual must be the output's shape),
// whose inputs are not dequantized (the qdq pass, after fusion, folds DequantizeLinear ->
// matmul into an int8 layer, which takes no residual).
bool MatmulTakesResidual(const RewriteWork& w, const Layer& m) {
  if (m.kind != LayerKind::kMatmul || IsQuantForm(m.params) || IsDynamic(w.net)) return false;
  for (int32_t in : m.inputs) {
    const int64_t p = w.producer[in];
    if (p >= 0 && w.net.layers[p].kind == LayerKind::kDequantize) return false;
  }
  return true;
}

// matmul(a, b) + c  ->  matmul(a, b, c) with beta 1.
bool FuseMatmulBias(RewriteWork& w) {
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    const Layer& mm = w.net.layers[i];
    if (!w.alive[i] || mm.kind != LayerKind::kMatmul || mm.inputs.size() != 2 || Activated(mm)) continue;
    const int32_t t = mm.outputs[0];
    const int64_t e = w.SoleReader(t);
    if (e < 0 || !IsElementwise(w.net.layers[e], binary::kAdd)) continue;
    const Layer& add = w.net.layers[e];
    const int32_t c = add.inputs[0] == t ? add.inputs[1] : add.inputs[0];
    Shape merged;
    if (c == t || w.TypeOf(c) != w.TypeOf(t) || !BroadcastShapes({w.ShapeOf(c), w.ShapeOf(t)}, &merged) ||
        merged != w.ShapeOf(t)) {
      continue;
    }
    // An addend of the output's own shape is a residual: that pattern reads it in place
    // (cuBLASLt's C) rather than broadcasting it into the output first.
    if (w.ShapeOf(c) == w.ShapeOf(t) && MatmulTakesResidual(w, mm)) continue;
    Layer fused = mm;
    fused.inputs.push_back(c);
    SetMatmulBeta(&fused.params, 1);
    TakeActivation(fused, add);
    fused.outputs = add.outputs;
    NoteFused(fused, add);
    w.net.layers[e] = fused;  // in the add's place: c may be produced after the matmul
    w.alive[i] = false;
    w.Index();
    return true;
  }
  return false;
}

// producer(x) then unary op  ->  producer with the op as its fused activation.
bool FuseActivation(RewriteWork& w) {
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    const Layer& un = w.net.layers[i];
    if (!w.alive[i] || un.kind != LayerKind::kUnary) continue;
    const UnaryOp op = ReadActivation(un.params, "").op;
    if (op == UnaryOp::kIdentity || op == UnaryOp::kNot || op == UnaryOp::kExp || op == UnaryOp::kReciprocal) continue;
    const int32_t t = un.inputs[0];
    if (!IsFloat(w.TypeOf(t)) || w.producer[t] < 0 || w.SoleReader(t) != static_cast<int64_t>(i)) continue;
    Layer& p = w.net.layers[w.producer[t]];
    const bool kind_ok = p.kind == LayerKind::kConvolution || p.kind == LayerKind::kDeconvolution ||
                         p.kind == LayerKind::kMatmul ||
                         (p.kind == LayerKind::kElementwise && ArithmeticOp(binary::Read(p.params)));
    if (!kind_ok || Activated(p) || p.outputs.size() != 1 || w.TypeOf(un.outputs[0]) != w.TypeOf(t)) continue;
    TakeActivation(p, un);
    p.outputs = un.outputs;
    NoteFused(p, un);
    w.alive[i] = false;
    w.Index();
    return true;
  }
  return false;
}

// conv(x) + z or matmul(a, b[, c]) + z (then an activation)  ->  the producer with residual z.
bool FuseResidual(RewriteWork& w) {
  for (size_t e = 0; e < w.net.layers.size(); ++e) {
    const Layer& add = w.net.layers[e];
    if (!w.alive[e] || !IsElementwise(add, binary::kAdd) || !IsFloat(w.TypeOf(add.outputs[0]))) continue;
    // Of two candidate producers, the later one: the other is then an ordinary input.
    int64_t best = -1;
    int k_best = -1;
    for (int k = 0; k < 2; ++k) {
      const int32_t t = add.inputs[k], z = add.inputs[1 - k];
      const int64_t c = w.producer[t];
      if (c < 0 || t == z || w.SoleReader(t) != static_cast<int64_t>(e)) continue;
      const Layer& conv = w.net.layers[c];
      const bool matmul = MatmulTakesResidual(w, conv);
      if ((conv.kind != LayerKind::kConvolution && !matmul) || Activated(conv)) continue;
      if (matmul ? ReadMatmul(conv.params).residual : ReadConvolution(conv.params).residual) continue;
      if (w.ShapeOf(z) != w.ShapeOf(t) || w.TypeOf(z) != w.TypeOf(t)) continue;
      if (c > best) {
        best = c;
        k_best = k;
      }
    }
    if (best < 0) continue;
    Layer fused = w.net.layers[best];
    fused.inputs.push_back(add.inputs[1 - k_best]);
    if (fused.kind == LayerKind::kMatmul) {
      SetMatmulResidual(&fused.params);
    } else {
      SetConvolutionResidual(&fused.params);
    }
    TakeActivation(fused, add);
    fused.outputs = add.outputs;
    NoteFused(fused, add);
    w.net.layers[e] = fused;  // in the add's place: z may be produced after the convolution
    w.alive[best] = false;
    w.Index();
    return true;
  }
  return false;
}

// A 1x1 convolution over a [N, C, 1, 1] tensor with a bias and at most an activation: a
// fully connected layer of the squeeze-excite pattern. Its weight [M, C, 1, 1] must be a
// constant only it reads, so that the pattern can take it over as [M, C].
bool ExciteConv(const RewriteWork& w, int64_t i) {
  if (i < 0) return false;
  const Layer& c = w.net.layers[i];
  if (c.kind != LayerKind::kConvolution || c.inputs.size() != 3) return false;
  const ConvolutionParams p = ReadConvolution(c.params);
  if (p.residual || p.nhwc || p.groups != 1) return false;
  for (const std::vector<int64_t>* ones : {&p.window.kernel, &p.window.strides, &p.window.dilations}) {
    for (int64_t v : *ones) {
      if (v != 1) return false;
    }
  }
  for (const std::vector<int64_t>* zeros : {&p.window.pads_begin, &p.window.pads_end}) {
    for (int64_t v : *zeros) {
      if (v != 0) return false;
    }
  }
  const Shape& x = w.ShapeOf(c.inputs[0]);
  const int64_t wp = w.producer[c.inputs[1]], bp = w.producer[c.inputs[2]];
  return x.size() == 4 && x[2] == 1 && x[3] == 1 && wp >= 0 && bp >= 0 &&
         w.net.layers[wp].kind == LayerKind::kConstant && w.net.layers[bp].kind == LayerKind::kConstant &&
         w.SoleReader(c.inputs[1]) == i;
}

// mean over H, W (keepDims) -> 1x1 conv + bias (+act) -> 1x1 conv + bias (+act)  ->  one
// reduce layer with the two fully connected layers as its excite tail (the gate of a
// squeeze-excitation block; the multiply by it stays an elementwise layer).
bool FuseSqueezeExcite(RewriteWork& w) {
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    const Layer& red = w.net.layers[i];
    if (!w.alive[i] || red.kind != LayerKind::kReduce) continue;
    const ReduceParams r = ReadReduce(red.params);
    if (r.op != reduce::kMean || r.excite || r.axes != std::vector<int64_t>{2, 3} || !r.keep_dims) continue;
    const Shape x_shape = w.ShapeOf(red.inputs[0]);
    if (x_shape.size() != 4 || !IsFloat(w.TypeOf(red.inputs[0]))) continue;
    const int64_t c1 = w.SoleReader(red.outputs[0]);
    if (!ExciteConv(w, c1)) continue;
    const int64_t c2 = w.SoleReader(w.net.layers[c1].outputs[0]);
    if (!ExciteConv(w, c2) || w.ShapeOf(w.net.layers[c2].outputs[0]) != w.ShapeOf(red.outputs[0])) continue;
    const Layer& fc1 = w.net.layers[c1];
    const Layer& fc2 = w.net.layers[c2];
    Layer fused = red;
    fused.inputs = {red.inputs[0], fc1.inputs[1], fc1.inputs[2], fc2.inputs[1], fc2.inputs[2]};
    SetExcite(&fused.params);
    CopyActivation(fc1.params, "activation.", &fused.params, kExcite1);
    CopyActivation(fc2.params, "activation.", &fused.params, kExcite2);
    for (int k : {1, 3}) {  // the weights, [M, C, 1, 1] as [M, C]
      Shape& s = w.net.tensors[fused.inputs[k]].shape;
      s.resize(2);
    }
    fused.outputs = fc2.outputs;
    NoteFused(fused, fc1);
    NoteFused(fused, fc2);
    // The gate's only reader multiplying the mean's input by it: that multiply too.
    const int64_t e = w.SoleReader(fc2.outputs[0]);
    int64_t slot = c2;
    if (e >= 0 && IsElementwise(w.net.layers[e], binary::kMul) && !Activated(w.net.layers[e])) {
      const Layer& mul = w.net.layers[e];
      const int32_t x = red.inputs[0], g = fc2.outputs[0];
      const bool pair = (mul.inputs[0] == x && mul.inputs[1] == g) || (mul.inputs[0] == g && mul.inputs[1] == x);
      if (pair && w.ShapeOf(mul.outputs[0]) == x_shape && w.TypeOf(mul.outputs[0]) == w.TypeOf(x)) {
        SetExciteScale(&fused.params);
        fused.outputs = mul.outputs;
        NoteFused(fused, mul);
        w.alive[c2] = false;
        slot = e;
      }
    }
    w.net.layers[slot] = fused;  // in the last layer's place: the weights may be made after the mean
    w.alive[i] = false;
    w.alive[c1] = false;
    w.Index();
    return true;
  }
  return false;
}

}  // namespace

Network FuseLayers(const Network& net, FusionCounts* counts, bool attention) {
  RewriteWork w(net);
  FusionCounts n;
  // First: the matmul bias pattern would otherwise take an attention chain's mask add.
  while (attention && FuseAttention(w)) n.attention++;
  while (FuseSilu(w)) n.silu++;
  while (FuseMatmulBias(w)) n.matmul_bias++;
  while (FuseActivation(w)) n.activation++;
  while (FuseResidual(w)) n.residual++;
  while (FuseSqueezeExcite(w)) n.excite++;
  if (counts) *counts = n;
  return n.total() ? Compact(w) : net;
}

}  // namespace hybridrt
