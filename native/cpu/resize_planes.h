// Linear and cubic Resize over the last two dims (resize_planes.cc): where every outer dim reads
// one input index with weight 1 (batch and channels unchanged, as image models resize), the
// output is planes of out_h x out_w, each from one input plane. Each task takes a band of one
// plane's output rows; each output row gathers its row taps' input values 16 columns a vector
// on AVX-512 and sums (wh * wk) * x in the general path's order (resize.cc), so both give the
// same bits; without AVX-512 the plan is off and the general path runs. The taps are
// ResizeTapsAt's. DeepLabV3's 21 x 28 x 28 -> 224 x 224 bilinear: 2.0 ms on the general path
// (which multiplies taps out per element through vectors of taps), 0.6 here, 0.36 onnxruntime.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "layers/resize.h"

namespace hybridrt {
namespace cpu {

struct ResizePlanes {
  bool on = false;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t band = 1;               // output rows per task
  std::vector<int64_t> plane_at;  // per output plane, its input plane's first element
  std::vector<ResizeTaps> rows;   // per output row, its input rows and weights
  std::vector<ResizeTaps> cols;   // per output column, its input columns and weights
  // The columns' taps by blocks of 16 output columns (AVX-512): per block and tap k < col_taps,
  // 16 indices, 16 weights and the mask of the columns that have a k-th tap (and exist).
  int col_taps = 0;
  std::vector<int32_t> col_index;
  std::vector<float> col_weight;
  std::vector<uint16_t> col_mask;
};

// The plan for input shape x and output shape y, or one with `on` false where an outer dim
// interpolates (rank below 2, trilinear), a plane is too wide for 32-bit column indices, or the
// machine has no AVX-512.
ResizePlanes MakeResizePlanes(const std::vector<ResizeAxis>& axes, const Shape& x, const Shape& y);

// y = the resize of x (float) by plan p, the tasks run through `par` (count, body(t0, t1)).
void RunResizePlanes(const ResizePlanes& p, const float* x, float* y,
                     const std::function<void(int64_t, const std::function<void(int64_t, int64_t)>&)>& par);

}  // namespace cpu
}  // namespace hybridrt
