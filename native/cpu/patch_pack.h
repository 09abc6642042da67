// A convolution's patch matrix (im2col) written straight into the SGEMM's B panels, a block
// at a time, by the thread that multiplies it (sgemm.h's PanelPacker): the patch matrix is
// never stored whole and the panels are not copied from it again. Row r = (c, kd, kh, kw) of
// the matrix holds, for each output position j, the input that tap reads for j (zero in the
// padding); the values and their order are im2col's, so the product's sums are the same.
#pragma once

#include <cstdint>

#include "cpu/depthwise.h"
#include "layers/window.h"

namespace hybridrt {
namespace cpu {

// Rows [p0, p0 + kc) x columns [j0, j0 + nc) of the patch matrix of `xg` (one group's
// channels of one image, each w.in_size() floats) into nr-column panels: panel q holds, for
// each row, columns j0 + q nr .. j0 + q nr + nr - 1, zero past nc.
void PackPatches(const Window& w, const float* xg, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* out);

// The same block where the window has unit strides and the output is as wide as the input
// (DepthwiseFits: 3x3 "same" convolutions): there column j of tap t's row is input j +
// shift[t] of its channel plane, or zero where the plan's mask says that input is padding, so
// a row is written as one masked load and one store per 16 columns, whatever the lines' width
// (PackPatches walks each output line: on 8x8 and 4x4 planes its per-line work was a third of
// a 3x3 layer's time). `plane` is a channel's floats in xg. Runs where FlatPatchesFit(nr).
bool FlatPatchesFit(int nr);
void PackPatchesFlat(const DepthwisePlan& p, const float* xg, int64_t plane, int64_t p0, int64_t kc, int64_t j0,
                     int64_t nc, int nr, float* out);

// The patch matrix's rows [r0, r1) (r = (c, kd, kh, kw) over the group's channels) x columns
// [j0, j0 + nc) unrolled into a column buffer: col[r][j - j0] (the convolutions whose weights are
// fed, or taken transposed).
void Im2colRows(const Window& w, const float* xg, int64_t j0, int64_t nc, float* col, int64_t r0, int64_t r1);

// The patch matrix of a 1x1 window without pads (every s-th input row and column: ResNet's
// downsamples) for channels [c0, c1) of one image x, stored whole: out[c][oh][ow].
void Subsample(const Window& w, const float* x, int64_t c0, int64_t c1, float* out);

// The input plane `src` (one channel of one image) zero-padded to ext (the direct tactic's
// planes, conv.cc): position (d, h, w) of dst is input position (d, h, w) - pad, zero outside
// the input.
void PadPlane(const Window& w, const float* src, const int64_t* ext, float* dst);

}  // namespace cpu
}  // namespace hybridrt
