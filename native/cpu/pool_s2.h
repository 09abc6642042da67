// Stride-2 max pooling read from the input itself (pool_s2.cc, AVX-512). 3x3 windows: the max
// pools of ResNet's, GoogLeNet's, SqueezeNet's and Inception's stems and reductions; 2x2 ones below. The flat form
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

// 2x2 stride-2 max pooling read in place (pool_s2.cc, AVX-512): GoogLeNet's last reduction (832
// planes of 8 x 8 in ceil mode), BlazeFace's, U^2-Net's (ISNet) and the wake-word models' pools.
// The flat form split every plane into its four phases first; on 8 x 8 planes that was most of
// the layer (0.038 ms against onnxruntime's 0.014). Fits: 2-D, a 2x2 window, strides 2, no
// dilation, no pads before, an even input width read whole (outputs in[2] / 2 wide), any height
// (an odd one's last window, a ceil-mode or end-pad overhang, holds one input row), AVX-512.
bool MaxPool2x2Fits(const Window& w);
// As MaxPoolS2: each output the NaN-propagating max of its taps inside the input, each input
// row's pair first, then the two rows (the same bits as the flat form's sequential order). Rows
// 1, 2, 4, 8 or 16 outputs wide over an even height are one flat run over the planes, 16 outputs
// (64 inputs) a step: two permutes pair the columns, two more the rows.
void MaxPool2x2(const Window& w, const float* x, float* y, int64_t planes);

}  // namespace cpu
}  // namespace hybridrt
