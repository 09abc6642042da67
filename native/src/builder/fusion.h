// The builder's fusion pass: a network-to-network rewrite, run before the precision rewrite
// and the layout pass, that merges layers whose work one kernel can do, so that an engine
// launches fewer kernels and moves each activation through memory fewer times. Everything
// after it (validation, precision, memory planning, kernels, plans) sees an ordinary network
// whose fused layers use builder forms of network.ts: a fused `activation`, a convolution's or
// matmul's `residual` input, the unary op `silu`.
//
// Patterns, applied in this order (each only where the intermediate tensor has no other
// reader and is not a network output, so nothing else observes it):
//   attention   matmul(q, k) -> scale -> + mask -> softmax -> matmul(p, v)  ->  one attention
//               layer (attention_fusion.h)
//   silu        unary sigmoid s = sigmoid(t), then elementwise mul(t, s)  ->  unary silu(t)
//   matmul bias matmul (no c) then elementwise add of a tensor that broadcasts to its output
//               ->  matmul with c = that tensor, beta 1 (cuBLASLt adds it in its epilogue);
//               a tensor of the output's own shape is left to the residual pattern where that
//               takes it
//   activation  convolution, deconvolution, matmul or float elementwise, then a unary op
//               ->  the producer with that op as its fused activation (not exp or reciprocal:
//               the precision policy keeps those in fp32, which a fused fp16 producer would not)
//   residual    convolution or float matmul (no activation) then elementwise add of a tensor
//               of its output's shape, with or without a fused activation  ->  the producer
//               with that tensor as its residual: y = act(conv(x) + bias + z), or
//               act(alpha a b + beta c + z) (cuBLASLt's C: a transformer's residual adds after
//               its projections), in the add's place; a matmul only in a static network (over
//               shape ranges equal shapes may differ elsewhere) and not on dequantized inputs
//               (the qdq pass folds those into int8 matmuls, which take no residual)
//   excite      reduce mean over H, W of a 4-d tensor (keepDims), then two 1x1 convolutions
//               over the [N, C, 1, 1] result, each with a bias and at most an activation (a
//               squeeze-excitation block's gate)  ->  the reduce with `excite` and inputs
//               (x, w1 [Cr, C], b1, w2 [C, Cr], b2): g = act2(w2 act1(w1 mean(x) + b1) + b2),
//               in the second convolution's place (network.ts: reduce's builder form); and
//               where the gate's only reader is mul(x, gate), that multiply too
//               (`exciteScale`: the layer outputs x * g, in the multiply's place)
// Each fused layer keeps its own name and lists the layers merged into it in its `fused`
// param ("name|name"), which plans keep and engine.info() reports.
#pragma once

#include "src/ir/network.h"

namespace hybridrt {

struct FusionCounts {
  int attention = 0, silu = 0, matmul_bias = 0, activation = 0, residual = 0, excite = 0;
  int pointwise = 0;  // chains made one pointwise layer (pointwise_fusion.h, a later pass)
  int total() const { return attention + silu + matmul_bias + activation + residual + excite + pointwise; }
};

// `net` is valid (validator.h); so is the result. Weight views are kept as they are.
// `attention`: whether the attention pattern is fused (BuildConfig::attention).
Network FuseLayers(const Network& net, FusionCounts* counts = nullptr, bool attention = true);

}  // namespace hybridrt
