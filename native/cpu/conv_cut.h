// Convolution taps that read only padding (conv_cut.cc): where, along a spatial dim, a tap
// reads outside the input for every output position, it adds 0 x w to every sum. DeepLabV3's
// ASPP has 3x3 layers with dilations 24 and 36 over 14 x 14, where only the centre tap reads
// the input (onnxruntime's kernels skip the rest; the GEMM tactics took 9 times the products).
// The window is cut to the taps that read the input, per dim the first through the last of
// them, the pads moved past those dropped, and the weights sliced to match, before the tactic
// is chosen: those two layers then run as 1x1 layers.
#pragma once

#include <cstdint>
#include <vector>

#include "layers/window.h"

namespace hybridrt {
namespace cpu {

// Whether w drops taps: if so, *cut is the window of the taps kept and *weights the weights
// `wt` (rows x w's kernel taps, row-major: output channel, input channel of the group, then
// the taps) cut to them (rows x cut's taps). False where every tap of every dim reads the input
// somewhere, where none does, or where the cut would need a negative pad.
bool CutPaddingTaps(const Window& w, int64_t rows, const float* wt, Window* cut, std::vector<float>* weights);

}  // namespace cpu
}  // namespace hybridrt
