// The int8 GEMM's patch panels (quant_conv.cc, `int8_gemm`) for layers whose group has a
// multiple of 4 input channels (ResNet's 3x3 and strided 1x1 layers): the group's planes are
// first padded (the zero point around) and interleaved four channels a pixel, so that each
// pixel of a quad is the 32-bit word one lane of the micro-kernel reads (igemm.h: a column's
// four k side by side). With k ordered tap-major (k = tap * channels + c: the weights are
// packed in that order, quant_conv.cc), a k-group of four is one tap of one quad, and a panel's
// row of that group over an output line is a run of words copied from the quad's plane: at
// stride 1 a straight copy, at stride 2 every other word. The patch rows of the channel-major
// order were strided byte copies of each line four times over, then interleaved: 43% of
// resnet18's int8 time against the micro-kernel's 27%.
// The sums are the same integers in another order, exact, so the same bits.
// The copies follow the int8 GEMM's kernel (igemm.h, HYBRIDRT_CPU_KERNEL): AVX-512 masked moves
// with the VNNI kernel, plain loops otherwise.
#pragma once

#include <cstdint>
#include <vector>

#include "layers/window.h"

namespace hybridrt {
namespace cpu {

struct QuadPatchPlan {
  Window w{};
  int64_t ext[3] = {1, 1, 1};  // a padded plane's box (what the window reads)
  int64_t quads = 0;           // the group's channels / 4
  // Per k-group (g = tap * quads + q): where it reads, in words from the planes' start.
  std::vector<int64_t> group_at;
  int64_t plane_words() const { return ext[0] * ext[1] * ext[2]; }
};

// Whether the quad form takes a group of `channels` channels.
inline bool QuadPatchFits(int64_t channels) { return channels > 0 && channels % 4 == 0; }
// The plan for window w (ext: its padded box) over groups of `channels` channels.
QuadPatchPlan PlanQuadPatch(const Window& w, const int64_t ext[3], int64_t channels);

// Quad q's plane: channels 4q .. 4q + 4 of xg (w.in planes each) interleaved a pixel to a
// word, each byte xor `flip`, into plane (plane_words() words), whose border the caller filled
// with the zero point's byte (flipped).
void QuadPlane(const QuadPatchPlan& p, const uint8_t* xg, int64_t q, uint8_t flip, uint8_t* plane);

// Columns [j0, j0 + nc) of the patch matrix (k tap-major) into the GEMM's B panels (igemm.h:
// nr columns a panel, groups x nr words each) from the quad planes (quads x plane_words()
// words, 64 bytes of slack after them).
void QuadPanels(const QuadPatchPlan& p, const uint8_t* planes, int64_t j0, int64_t nc, int nr, uint8_t* out);

}  // namespace cpu
}  // namespace hybridrt
