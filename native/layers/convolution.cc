// The rule of the convolution and deconvolution layers (see convolution.h).
#include "layers/convolution.h"

#include "layers/activation.h"
#include "layers/quant_form.h"
#include "layers/window.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

void CheckConvolution(const LayerCheck& c, bool deconv) {
  // A residual (a builder form: fusion.h) is the last input: y = act(conv + bias + residual).
  const ConvolutionParams p = ReadConvolution(c.params());
  const bool residual = !deconv && p.residual;
  const bool nhwc = !deconv && p.nhwc;
  c.ExpectInputs(residual ? 3 : 2, residual ? 4 : 3);
  c.ExpectOutputs(1);
  c.ExpectRank(0, nhwc ? 4 : 3, nhwc ? 4 : 5);
  const bool quant = !deconv && IsQuantForm(c.params());  // the int8 form: its dtypes below
  if (!quant) c.ExpectFloatInput(0);
  for (size_t i = 1; i < c.NumIn() && !quant; ++i) c.ExpectSameDType(i, 0);
  if (nhwc) c.ExpectRank(1, 4, 4);
  const Shape x = nhwc ? FromNhwc(c.In(0).shape) : c.In(0).shape;
  const Shape w = nhwc ? FromNhwc(c.In(1).shape) : c.In(1).shape;  // stored [M, kh, kw, C/groups]
  const size_t bias = residual ? (c.NumIn() == 4 ? 2 : 0) : (c.NumIn() == 3 ? 2 : 0);
  size_t spatial = x.size() - 2;
  const WindowParams& wp = p.window;
  CheckWindowParams(c, wp, spatial);
  if (w.size() != x.size()) c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; expected rank ", x.size()));
  const int64_t groups = p.groups;
  if (groups < 1) c.Bad(Cat("param 'groups' is ", groups, "; expected >= 1"));
  const std::vector<int64_t>& kernel = wp.kernel;
  for (size_t d = 0; d < spatial; ++d) {
    if (w[2 + d] != kernel[d]) {
      c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; param 'kernel' says ", ShapeToString(kernel)));
    }
  }
  int64_t channels = x[1];
  if (channels % groups != 0) c.Bad(Cat("input channels ", channels, " are not divisible by groups ", groups));
  int64_t out_channels;
  if (!deconv) {
    out_channels = w[0];
    if (w[1] != channels / groups) {
      c.Bad(
          Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; dim 1 must be channels/groups = ", channels / groups));
    }
    if (out_channels % groups != 0)
      c.Bad(Cat("output channels ", out_channels, " are not divisible by groups ", groups));
  } else {
    if (w[0] != channels)
      c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; dim 0 must be channels = ", channels));
    out_channels = w[1] * groups;
    c.ExpectLength("outputPadding", spatial);
    for (int64_t v : p.output_padding) {
      if (v < 0) c.Bad(Cat("param 'outputPadding' holds ", v, "; expected >= 0"));
    }
  }
  if (bias && c.In(bias).shape != Shape{out_channels}) {
    c.Bad(Cat(c.InLabel(bias), " has shape ", ShapeToString(c.In(bias).shape), "; expected [", out_channels, "]"));
  }
  Shape out = {x[0], out_channels};
  const std::vector<int64_t>&strides = wp.strides, &pb = wp.pads_begin, &pe = wp.pads_end, &dil = wp.dilations;
  for (size_t d = 0; d < spatial; ++d) {
    int64_t o;
    if (!deconv) {
      o = WindowOutputSize(x[2 + d], kernel[d], strides[d], pb[d], pe[d], dil[d], false);
      if (o < 0) c.Bad(Cat("spatial dim ", d, ": the dilated kernel is larger than the padded input"));
    } else {
      const int64_t op = p.output_padding[d];
      __int128 full = static_cast<__int128>(strides[d]) * (x[2 + d] - 1) + op +
                      static_cast<__int128>(dil[d]) * (kernel[d] - 1) + 1 - pb[d] - pe[d];
      if (x[2 + d] == 0) full = 0;
      if (full < 0) c.Bad(Cat("spatial dim ", d, ": the pads remove more than the whole output"));
      if (full > kMaxElements) c.Bad(Cat("spatial dim ", d, ": the output is too large"));
      o = static_cast<int64_t>(full);
    }
    out.push_back(o);
  }
  if (nhwc) out = ToNhwc(out);
  const DType y = quant ? CheckQuantForm(c, out_channels) : c.In(0).dtype;
  c.ExpectOutput(0, y, out);
  if (residual && c.In(c.NumIn() - 1).shape != out) {
    c.Bad(Cat(c.InLabel(c.NumIn() - 1), " (the residual) has shape ", ShapeToString(c.In(c.NumIn() - 1).shape),
              "; expected the output's ", ShapeToString(out)));
  }
  CheckActivation(c, quant ? DType::kFloat32 : c.In(0).dtype);
}

}  // namespace

void CheckConvolutionLayer(const LayerCheck& c) { CheckConvolution(c, c.layer().kind == LayerKind::kDeconvolution); }

}  // namespace hybridrt
