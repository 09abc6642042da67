// The builder's qdq pass (cpu backend): explicit quantization as TensorRT reads it. A Q/DQ
// model (onnxruntime's quantize_static QDQ format, hybridrt's quantize()) computes each
// quantized convolution and matrix product in float between DequantizeLinear and
// QuantizeLinear nodes; this pass folds
//
//   dequantize(x int8/uint8, per tensor) ─┐
//   dequantize(constant int8 W, symmetric, ─► convolution / matmul (bias, residual, activation
//     per tensor or per output channel)  ─┘   fused by the fusion pass) ─► quantize (per tensor)?
//
// into the layer's int8 form (src/ir/quant_form.h): int8 inputs, int32 sums, and the quantize
// folded into its epilogue where it is the output's only reader (else a float32 output, as
// DQ -> Conv -> fp32). It runs after fusion (so the activation and residual are already on
// the layer) and where the backend has int8 kernels, for the layers those take (Int8Kernels:
// cpu every form, cuda 2-d convolutions of one group, native/cuda/quant_conv.cu). What it cannot fold (another
// layout, per-axis activations, weights that are not constants, a matmul with alpha or a
// transposed a, a non-zero weight zero point, more than 65536 products per sum) stays as it
// is; the dequantize layers nothing reads any more are dropped.
#pragma once

#include <string>

#include "src/ir/network.h"

namespace hybridrt {

// Which layers a backend's int8 kernels take: the one table the pass folds by.
struct Int8Kernels {
  bool any = false;            // the backend has int8 kernels at all
  bool matmul = false;         // int8 matrix products
  bool grouped = false;        // convolutions of several groups (depthwise included)
  bool any_spatial = false;    // 1-d and 3-d convolutions too (else 2-d only)
  bool channels_last = false;  // int8 convolutions run channels-last (the layout pass, layout.h)
};
Int8Kernels Int8KernelsOf(const std::string& backend);

// `net` is valid; so is the result. Returns the network with the folds made and counts the
// layers made int8 and the quantize layers folded into them.
Network FoldQdq(const Network& net, const Int8Kernels& kernels, int* int8_layers, int* quantize_folded);

}  // namespace hybridrt
