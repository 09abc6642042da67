// The layout pass: channels-last (NHWC) tensors for the fp16/bf16 2-d convolutions of an
// engine, which cuDNN runs on tensor cores without transposing its operands (in NCHW, cuDNN
// rearranges every fp16 convolution's input and output around the kernel itself). The pass
// runs after the precision rewrite, as a network-to-network transform:
// - every eligible convolution (2-d, fp16 or bf16 (or, with `int8`, the int8 form of
//   layers/quant_form.h, which cuda/quant_conv.cu reads channels-last in 16-byte taps),
//   constant weights, symmetric pads (any pads for the int8 form)) gets
//   layout 'nhwc': x, its residual and y are stored [N, H, W, C], its weights are permuted
//   once at build time to [M, kh, kw, C/groups];
// - layers that do not care about the order of the channel dim follow their data: unary,
//   cast, per-tensor quantize and dequantize, elementwise (operands of the same rank 4, no
//   constants but scalars), 2-d pooling
//   (layout 'nhwc') and reduce over the spatial dims (its axes moved to [1, 2]) run in NHWC
//   when one of their 4-d inputs already is;
// - everything else, and the engine's inputs and outputs, stay NCHW: a transpose (a shuffle
//   layer "<tensor>:to_nhwc" / ":to_nchw") is inserted where a tensor meets a layer that
//   wants the other layout, once per tensor and direction. A transpose whose input comes from
//   a cast, or whose output only a cast reads, with nothing else reading the tensor between
//   them, becomes part of that cast (`perm`: y = transpose(cast(x)), one pass), as the
//   engine's fp32 input does when it is cast to fp16 and made channels-last; one whose only
//   reader is a reshape becomes that shuffle's first permutation.
// - a convolution with relu6 (clip to [0, max]) whose only reader is a channels-last
//   depthwise convolution our kernel runs keeps relu (which cuDNN fuses; it fuses no clip),
//   and the depthwise convolution clips its input (`inputClip`: our kernel as it loads it,
//   cuDNN's tactics through a clipped copy).
// An engine with fewer than two eligible convolutions is left as it is (the transposes
// would cost more than they save).
#pragma once

#include <memory>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

struct LayoutRewrite {
  Network net;
  // Permuted weights, viewed by `net` (the rest view the source network's).
  std::vector<std::shared_ptr<std::vector<uint8_t>>> owned;
  int nhwc_layers = 0;  // layers that run channels-last (0: `net` is empty, use the source)
  int transposes = 0;   // layout changes inserted
  int input_clips = 0;  // relu6 producers whose clip moved into a depthwise consumer
};

// `net` is valid; so is the result. `int8`: the backend runs int8 convolutions channels-last.
LayoutRewrite ApplyChannelsLast(const Network& net, bool int8);

}  // namespace hybridrt
