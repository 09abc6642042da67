// The rule of the pooling layer (see pooling.h).
#include "layers/pooling.h"

#include "layers/window.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckPoolingLayer(const LayerCheck& c) {
  const PoolingParams p = ReadPooling(c.params());
  const bool nhwc = p.nhwc;
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  c.ExpectRank(0, nhwc ? 4 : 3, nhwc ? 4 : 5);
  DType t = c.In(0).dtype;
  if (!IsFloat(t) && !(p.max && (t == DType::kInt8 || t == DType::kUInt8))) {
    c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(t), "; expected a float type", p.max ? " or int8/uint8" : ""));
  }
  const Shape x = nhwc ? FromNhwc(c.In(0).shape) : c.In(0).shape;
  size_t spatial = x.size() - 2;
  CheckWindowParams(c, p.window, spatial);
  const std::vector<int64_t>&k = p.window.kernel, &s = p.window.strides, &pb = p.window.pads_begin,
        &pe = p.window.pads_end, &dil = p.window.dilations;
  const bool ceil_mode = p.ceil_mode;
  Shape out = {x[0], x[1]};
  for (size_t d = 0; d < spatial; ++d) {
    // A window made only of padding has no value to pool (an average over none): pads must be
    // smaller than the dilated window. ONNX's rule, pads < kernel_shape, is stricter under
    // dilation; the converter applies it (converters/pool.ts). 128-bit: params reach 2^40.
    const __int128 span = static_cast<__int128>(dil[d]) * (k[d] - 1) + 1;
    if (pb[d] >= span || pe[d] >= span) {
      c.Bad(Cat("pads in spatial dim ", d, " are not smaller than the window ", static_cast<int64_t>(span)));
    }
    int64_t o = WindowOutputSize(x[2 + d], k[d], s[d], pb[d], pe[d], dil[d], ceil_mode);
    if (o < 0) c.Bad(Cat("spatial dim ", d, ": the dilated kernel is larger than the padded input"));
    out.push_back(o);
  }
  c.ExpectOutput(0, c.In(0).dtype, nhwc ? ToNhwc(out) : out);
}

}  // namespace hybridrt
