// The pooling layer's typed params, read once for its shape rule (CheckPoolingLayer) and the cpu
// and cuda kernels (cpu/pooling.cc, cuda/pooling.cu); its geometry is the shared Window
// (window.h) over the logical NCHW shapes, pad_end bounding countIncludePad's padded extent.
#pragma once

#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "layers/window.h"

namespace hybridrt {

struct PoolingParams {
  WindowParams window;
  bool max = false;          // mode 'max' (else 'average')
  bool ceil_mode = false;    // the output size rounds up (WindowOutputSize)
  bool include_pad = false;  // countIncludePad: the average divides by the taps inside the padded extent
  bool nhwc = false;         // layout 'nhwc' (2-d only; a cuda build's, layout.h)
};

// The layer's params (validated by the schema: present, right types).
inline PoolingParams ReadPooling(const Params& p) {
  return {ReadWindowParams(p), p.String("mode") == "max", p.Bool("ceilMode"), p.Bool("countIncludePad"), ReadNhwc(p)};
}

// The window of x to y (the tensors' stored shapes; nhwc ones seen as NCHW).
inline Window PoolingWindow(const PoolingParams& p, const Shape& x, const Shape& y) {
  return p.nhwc ? MakeWindow(p.window, FromNhwc(x), FromNhwc(y)) : MakeWindow(p.window, x, y);
}

}  // namespace hybridrt
