// The depthwise convolution's `depthwise` tactic (conv.cc): one input channel and one output
// channel per group, strides 1 or 2, the output as wide as the input (or its stride-2 phases:
// the "same" padding of MobileNet-style 3x3 and 5x5 layers). An output plane is then a flat
// array whose position j reads input position j + shift[t] for tap t, the same shift for every
// position, so blocks of 16 consecutive outputs (several short lines at once: a 4x4 plane is
// one block) sum their taps with one masked load each straight from the input plane: lanes
// whose input lies in the padding are masked off (they read nothing and add w * 0, as the
// padded copy of the `direct` tactic did). No padded copy, no per-line calls; bias and
// residual are added in registers. AVX-512F and AVX2+FMA forms chosen at run time
// (VectorKernel(), as tap_sum.cc); the portable form is plain C++. Sums run over taps in order
// from zero, then + bias, + z: the `direct` tactic's order, and in the vector forms (an FMA per
// tap, as direct's) its bits; the portable form's `acc += w * x` is fused or not as the
// compiler contracts it, so it agrees within rounding.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu/activation.h"
#include "layers/window.h"

namespace hybridrt {
namespace cpu {

struct DepthwisePlan {
  int64_t sh = 1, sw = 1;      // strides; above 1 the input is read from its phases
  int64_t in_h = 0, in_w = 0;  // the input plane
  int64_t hp = 0, wp = 0;      // one phase plane (wp = the output's width)
  int64_t x_size = 0;          // an input plane's floats
  int64_t in_size = 0;         // the floats the kernel reads per plane: x_size, or the phases'
  int64_t out_size = 0, taps = 0;
  std::vector<int64_t> shift;   // per tap: where it reads, from the output's flat position
  std::vector<uint16_t> masks;  // per (block of 16 outputs, tap): the lanes whose input exists
  // DepthwiseRows only (PlanDepthwiseRows): whether it takes the window, the kernel's extent and
  // pads; the rows form's lanes inside a row per (column block, pair of taps along w) and its two
  // loads; the narrow form's source lane per (kw, output lane), and the lanes it keeps per kw.
  bool rows = false;
  // Stride 1, 3x3, pads 1, no dilation, rows a multiple of 16 wide (MobileNet's 64, 32 and 16
  // wide planes): each row of a block's taps read as three whole vectors, the +-1 columns
  // shifted in registers (depthwise.cc, AVX-512 only; the other forms take the masks).
  bool aligned3 = false;
  int64_t kh = 1, kw = 1, pad_h = 0, pad_w = 0;
  std::vector<uint16_t> row_masks;
  std::vector<int32_t> narrow_idx;
  std::vector<uint16_t> narrow_keep;
  std::vector<float> zero_row;  // zeros: what a row in the padding reads
};

// Whether the window takes the flat form: 1-D or 2-D, strides 1 or 2, the output as wide as
// the input's phase planes (ceil(width / stride): "same" padding).
bool DepthwiseFits(const Window& w);
DepthwisePlan MakeDepthwisePlan(const Window& w);

// Strided windows read the input split into its sh x sw phases, plane (a, b) holding input
// (sh i + a, sw j + b) at (i, j), each hp x wp: the stride-2 output (oh, ow) of tap t then
// reads phase plane position (oh, ow) + a shift, the same for every output, as with unit
// strides. Writes `planes` planes of x (x_size apart) to buf (in_size apart); a phase's unused
// tail (odd sizes) is left unwritten and never read.
void DepthwisePhases(const DepthwisePlan& p, const float* x, float* buf, int64_t planes);

// For the planes c in [0, planes): y_c = sum_t w[c * taps + t] * (x_c shifted by tap t)
// (+ bias[c]) (+ z_c), with x_c = x + c * in_size (the input, or with strides its phases),
// y_c and z_c at c * out_size.
// With `clamp` (Relu, Clip: activation.h's bounds, the formula's NaN rule), each output is
// clamped too: as it is stored where the plan is aligned3 on AVX-512, else after the sums.
void DepthwisePlanes(const DepthwisePlan& p, const float* x, const float* w, const float* bias, const float* z,
                     float* y, int64_t planes, const ClampBounds* clamp = nullptr);

// Stride-2 windows of 3x3 or 5x5 taps without dilation, on AVX-512 (depthwise_s2.cc): sets
// p->rows where DepthwiseRows takes the window, which then reads the input itself, each output
// row's taps deinterleaved from its input rows in registers (no phase split; the same sums as
// DepthwisePlanes on the phases, bit for bit).
void PlanDepthwiseRows(const Window& w, DepthwisePlan* p);
// DepthwisePlanes for a plan with p.rows, x the input (planes x_size apart), not its phases; with
// `clamp`, each output clamped before it is stored.
void DepthwiseRows(const DepthwisePlan& p, const float* x, const float* w, const float* bias, const float* z, float* y,
                   int64_t planes, const ClampBounds* clamp);

// Max pooling on the same plan (pooling.cc; a window's taps outside the input left out):
// y_c = the NaN-propagating max over taps of x_c shifted, in tap order, as the pooling
// kernel's own loops take it.
void FlatMaxPlanes(const DepthwisePlan& p, const float* x, float* y, int64_t planes);

}  // namespace cpu
}  // namespace hybridrt
