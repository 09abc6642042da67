// Convolutions whose taps read mostly padding (conv_sparse.cc): every tap reads the input for
// some outputs (so conv_cut.h cuts none), but most of the products are with padding. DeepLabV3's
// ASPP 3x3 with dilation 12 over 14 x 14: each tap but the centre reads the input for 2 of the 14
// rows or columns only, 18% of the 9-tap product (3.0-3.3 ms on the GEMM tactics, onnxruntime's
// NCHWc kernel 0.49). Here y = sum over taps t of W_t x_t, each tap's product (W_t: m x c, its
// weights packed once) taken over the rectangle of outputs where it reads the input: in place
// where that rectangle is whole rows and the tap reads whole input rows (the centre tap, the
// taps above and below it), else through a gathered copy of its input and a product buffer.
// Then bias, residual and activation by the caller.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu/sgemm.h"
#include "layers/window.h"

namespace hybridrt {
namespace cpu {

struct SparseTaps {
  struct Tap {
    PackedMatrix w;              // m x c
    int64_t oh0, oh1, ow0, ow1;  // the outputs where it reads the input
    int64_t dh, dw;              // output (oh, ow) reads input (oh + dh, ow + dw)
  };
  bool on = false;
  int64_t c = 0, m = 0, h = 0, w = 0, oh = 0, ow = 0;
  std::vector<Tap> taps;
  size_t workspace_floats = 0;  // the largest gathered input and product
};

// The plan where the layer is 2-D, dilated, one group, stride 1, with constant weights (m x c x
// kh x kw) and at most half of its products with the input; else one with `on` false.
SparseTaps MakeSparseTaps(const Window& w, int64_t groups, int64_t c, int64_t m, const float* weights);

// y (n images of m planes) = the sums of x (n images of c planes) by plan p, without bias; ws
// holds p.workspace_floats floats.
void RunSparseTaps(const SparseTaps& p, int64_t n, const float* x, float* y, float* ws, int threads);

}  // namespace cpu
}  // namespace hybridrt
