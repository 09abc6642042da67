// Convolution and deconvolution's typed params, read once for their shape rule
// (CheckConvolution) and the cpu and cuda kernels (cpu/conv_base.h, cpu/conv.cc,
// cpu/quant_conv.cc, cuda/conv_cudnn.cc, cuda/quant_conv.cu): the window (window.h), groups, a
// deconvolution's output padding, and the builder forms of a convolution: a residual input
// (fusion.h), channels-last tensors (layout 'nhwc', layout.h) and a clip of the input (inputClip,
// layout.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "src/ir/network.h"
#include "layers/window.h"

namespace hybridrt {

struct ConvolutionParams {
  WindowParams window;
  int64_t groups = 1;
  std::vector<int64_t> output_padding;  // deconvolution: one per spatial dim (else empty)
  bool residual = false;                // the last input is added before the activation
  bool nhwc = false;                    // layout 'nhwc'
  bool has_input_clip = false;          // inputClip given: x is clipped to [0, input_clip] first
  double input_clip = 0;
};

// The layer's params (validated by the schema: present, right types).
inline ConvolutionParams ReadConvolution(const Params& p) {
  ConvolutionParams c;
  c.window = ReadWindowParams(p);
  c.groups = p.Int("groups");
  if (p.Has("outputPadding")) c.output_padding = p.Ints("outputPadding");
  c.residual = p.Has("residual") && p.Bool("residual");
  c.nhwc = ReadNhwc(p);
  c.has_input_clip = p.Has("inputClip");
  if (c.has_input_clip) c.input_clip = p.Float("inputClip");
  return c;
}

// The builder forms the passes write: a residual input (fusion.h), an input clip (layout.h).
inline void SetConvolutionResidual(Params* p) { p->Set("residual", ParamValue::Bool(true)); }
inline void SetInputClip(Params* p, double clip) { p->Set("inputClip", ParamValue::Number(clip)); }

// Whether a convolution of these params and weights ([M, C/g, kh, kw], or channels-last [M, kh,
// kw, C/g]) is depthwise: several groups of one input and one output channel each.
inline bool IsDepthwise(const ConvolutionParams& p, const Shape& weights) {
  if (p.groups == 1 || weights.size() < 3) return false;
  return weights[0] == p.groups && (p.nhwc ? weights.back() : weights[1]) == 1;
}

// Whether the layer's `inputs` (x, w, bias?, residual?) hold a bias.
inline bool ConvHasBias(const ConvolutionParams& p, size_t inputs) { return inputs == (p.residual ? 4u : 3u); }

}  // namespace hybridrt
