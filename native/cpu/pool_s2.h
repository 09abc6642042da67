// 3x3 stride-2 max pooling read from the input itself (pool_s2.cc, AVX-512): the max pools of
// ResNet's, GoogLeNet's, SqueezeNet's and Inception's stems and reductions. The flat form
// (depthwise.h) first split every plane into its four phases: most of these layers' time.
#pragma once

#include <cstdint>

#include "layers/window.h"

namespace hybridrt {
namespace cpu {

// Whether a 2-D float max pool takes this form: a 3x3 window, strides 2, no dilation, pads
// (and a ceil-mode overhang) of at most one column or row, outputs at least 4 wide, AVX-512.
bool MaxPoolS2Fits(const Window& w);

// Planes [0, planes) of x (each w.in[1] x w.in[2]) into y (each w.out[1] x w.out[2]). Each
// output is the NaN-propagating max of its window's taps inside the input, in tap order (kh,
// then kw), as the flat form's: the same bits. The rows' 3-tap maxima are taken once per input
// row and shared by the two output rows that read it (the same order of comparisons).
void MaxPoolS2(const Window& w, const float* x, float* y, int64_t planes);

}  // namespace cpu
}  // namespace hybridrt
