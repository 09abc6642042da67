// The builder's qdq pass (cpu backend): explicit quantization as TensorRT reads it. A Q/DQ
// model (onnxruntime's quantize_static QDQ format, hybridrt's quantize()) computes each
// quantized convolution and matrix product in float between DequantizeLinear and
// QuantizeLinear nodes; this pass folds
//
//   dequantize(x int8/uint8, per tensor) ─┐
//   dequantize(constant int8 W, symmetric, ─► convolution / matmul (bias, residual, activation
//     per tensor or per output channel)  ─┘   fused by the fusion pass) ─► quantize (per tensor)?
//
// into the layer's int8 form (layers/quant_form.h): int8 inputs, int32 sums, and the quantize
// folded into its epilogue where it is the output's only reader (else a float32 output, as
// DQ -> Conv -> fp32). An element-wise add of two per-tensor dequantized int8/uint8 tensors
// whose output's only reader is a per-tensor quantize (relu between or none) becomes the int8
// add (layers/quant_add.h; qdq_add.cc). It runs after fusion (so the activation and residual are already on
// the layer) and where the backend has int8 kernels, for the layers those take (Int8Kernels:
// cpu every form, cuda matmuls and 2-d convolutions of one group, native/cuda/quant_conv.cu).
// What it cannot fold (another layout, per-axis activations, weights that are not constants, a
// matmul with alpha or a transposed a, a non-zero weight zero point, more than 65536 products
// per sum) stays as it is, and a convolution, matmul or add that reads a dequantize and stays float
// says why (quant_form.h kNotInt8: the one account of it, which engine.info() and the report's int8 section
// give); the dequantize layers nothing reads any more are dropped, and those of constants that
// are still read are computed once at build time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

// Which layers a backend's int8 kernels take: the one table the pass folds by.
struct Int8Kernels {
  std::string backend;     // whose kernels (for the reasons Refusal gives)
  bool any = false;        // the backend has int8 kernels at all
  bool matmul = false;     // int8 matrix products
  bool add = false;        // int8 element-wise adds (layers/quant_add.h)
  bool grouped = false;    // convolutions of several groups (depthwise included)
  bool depthwise = false;  // depthwise convolutions (IsDepthwise), where `grouped` is not
  // Whether the qdq pass folds those depthwise convolutions: the build config's int8_depthwise
  // (HYBRIDRT_INT8_DEPTHWISE=0 turns it off) where it says, else this table's default (on).
  // Refusal does not read it: the engine takes the layers a build with the switch made (its
  // plan loads without the switch).
  bool fold_depthwise = true;
  // Convolutions reading fewer input channels than this stay float (0: none). Like
  // fold_depthwise, a preference of the pass, not a refusal: cuda's int8 kernels take a
  // 3-channel stem, but read its bytes one by one (or pad them to 4 for cuDNN), and its fp16
  // convolution is several times faster (resnet50's 7x7 stem at batch 32 on an H100: fp16
  // 0.094 ms, the int8 tile 0.495, cuDNN's int8 on channels padded to 4: 1.47).
  int fold_min_channels = 0;
  bool any_spatial = false;    // 1-d and 3-d convolutions too (else 2-d only)
  bool channels_last = false;  // int8 convolutions run channels-last (the layout pass, layout.h)
  // Why these kernels do not take a convolution or matmul with these params whose first input
  // has `rank` dims and whose weights have shape `weights` ("the cuda backend has no int8 kernel
  // for ..."), "" where they take it: what the pass folds by, and what the engine checks an int8
  // layer against.
  std::string Refusal(const Layer& l, size_t rank, const Shape& weights) const;
  bool Takes(const Layer& l, size_t rank, const Shape& weights) const { return Refusal(l, rank, weights).empty(); }
};
// The table of "cpu" or "cuda"; of any other name, one with no int8 kernels.
Int8Kernels Int8KernelsOf(const std::string& backend);

struct QdqRewrite {
  Network net;                                               // empty where nothing was folded (use the source)
  std::vector<std::shared_ptr<std::vector<uint8_t>>> owned;  // the folded constants' bytes
  int int8_layers = 0;                                       // convolutions, matmuls and adds made int8
  int quantize_folded = 0;                                   // quantize layers folded into their epilogues
  int constants_folded = 0;                                  // dequantize layers of constants made float32 constants
  int not_int8 =
      0;  // convolutions, matmuls and adds that read a dequantize and stay float (each with quant_form.h kNotInt8)
};

// `net` is valid; so is the result. Folds what `kernels` take and notes why of the rest that
// read a dequantize (kNotInt8); then every dequantize of a constant that is still read (weights
// left for a float layer) becomes the float32 constant it computes. Without `fold` (the pass
// switched off) it only notes, on each of those layers, that the pass is off.
QdqRewrite FoldQdq(const Network& net, const Int8Kernels& kernels, bool fold = true);

}  // namespace hybridrt
