// The pointwise pass: the builder's last rewrite (after fusion, precision and layout), which
// merges chains of float elementwise, unary and cast layers into one `pointwise` layer
// (pointwise.h) each, so that a chain such as GELU's div, erf, add, mul, mul is one kernel
// that reads its inputs once and writes its output once, instead of five kernels and four
// intermediate tensors through memory.
//
// A layer joins the chain of the layer that reads its output when that reader is its only
// reader (the tensor has no other reader and is not a network output), so nothing outside a
// chain observes its intermediates and no step is computed twice. Members: elementwise
// add/sub/mul/div/pow/max/min/prelu on float tensors (with their fused activation), float
// unary ops but `not`, and float-to-float casts without `perm`. One-element float constants
// read by a chain become program constants; other inputs become the layer's inputs (at most
// kMaxPointwiseInputs, else the chain stops growing). A chain of one layer is left alone.
// The backends that run the layer: cpu (an interpreter) and cuda where the addon was built
// with NVRTC (a kernel generated for each layer); the pass list (passes.cc) enables the pass
// only for those.
#pragma once

#include "src/ir/network.h"

namespace hybridrt {

struct PointwiseCounts {
  int layers = 0;  // pointwise layers made
  int merged = 0;  // layers merged into them
};

// `net` is valid; so is the result. Weight views are kept as they are.
Network FusePointwise(const Network& net, PointwiseCounts* counts = nullptr);

}  // namespace hybridrt
