// A convolution's patch matrix (im2col) written straight into the SGEMM's B panels, a block
// at a time, by the thread that multiplies it (sgemm.h's PanelPacker): the patch matrix is
// never stored whole and the panels are not copied from it again. Row r = (c, kd, kh, kw) of
// the matrix holds, for each output position j, the input that tap reads for j (zero in the
// padding); the values and their order are im2col's, so the product's sums are the same.
#pragma once

#include <cstdint>

#include "src/ir/window.h"

namespace hybridrt {
namespace cpu {

// Rows [p0, p0 + kc) x columns [j0, j0 + nc) of the patch matrix of `xg` (one group's
// channels of one image, each w.in_size() floats) into nr-column panels: panel q holds, for
// each row, columns j0 + q nr .. j0 + q nr + nr - 1, zero past nc.
void PackPatches(const Window& w, const float* xg, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* out);

}  // namespace cpu
}  // namespace hybridrt
