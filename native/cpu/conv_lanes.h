// 2-D convolutions of one group with constant weights, output channels in the vector lanes
// (conv_lanes.cc; AVX-512 only): the input of each image is copied once into a zero-padded
// buffer, and a tile of up to 8 outputs of one row x 32 output channels sums, for every k = (input
// channel, kh, kw) in order, the 8 inputs broadcast from the padded buffer (stride 1 or 2: any
// stride, no phases, no patch matrix) times the k-th row of the weights packed as 32-channel
// panels (K x 32, read as two vectors). The 16 sums stay in registers over the whole K; the
// tile is transposed into a thread's buffer of the row's sums (32 lines, aligned), and the row
// is finished from there (+ bias, + residual, Relu or Clip) 16 outputs a store: stored straight
// to the output, each tile's 8-float pieces of 32 planes (half of them across two cache lines)
// took a third of a 3-channel stem's time.
// The packed GEMM's patches (one masked load and store per 16 columns of a row, then the
// micro-kernel's loads of them) and its K blocks of 256 (a tile's sums stored and reloaded) are
// gone; onnxruntime's NCHWc kernels work this way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "layers/window.h"

namespace hybridrt {
namespace cpu {

// 64-byte aligned floats: a panel's rows (32 floats) are two whole cache lines, not pieces of
// three (each weight load split across two lines).
template <typename T>
struct Aligned64 {
  using value_type = T;
  Aligned64() = default;
  template <typename U>
  Aligned64(const Aligned64<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
  void deallocate(T* q, size_t) { ::operator delete(q, std::align_val_t(64)); }
  bool operator==(const Aligned64&) const { return true; }
  bool operator!=(const Aligned64&) const { return false; }
};

struct LanesPlan {
  int64_t c = 0, m = 0, kh = 0, kw = 0, s = 1;  // channels in and out, the kernel, the stride (both axes)
  int64_t h = 0, w = 0, pt = 0, pl = 0;         // the input plane, the pads before
  int64_t oh = 0, ow = 0;                       // the output plane
  int64_t hp = 0, wp = 0;                       // the padded plane
  int64_t k = 0;                                // c * kh * kw
  int64_t rs = 0;                               // a row's line of sums: ow rounded up to 16
  std::vector<float, Aligned64<float>> panels;  // per block of 32 output channels: K x 32 (channels past m zero)
  size_t workspace_floats = 0;                  // the padded input, with slack for the last tile's overrun
  // Bands (pieces > 0): where the weights are small (an L2's worth), the units (output row, block
  // of 32 channels) are cut into `pieces` runs of equal length, row by row; each piece pads the
  // input rows of its output rows itself, into its thread's buffer (planes of up to hb rows), and
  // runs its units block by block over them: the padded copy split by channels among the
  // threads, then read by rows, put half of each thread's input in the other core's cache
  // (ResNet's 64-channel 3x3 layers over 32 x 32 ran 1.45x faster on 2 threads than 1). Equal
  // pieces, kBandsPerThread a thread, rather than bands of whole rows: squeezenet1_1's 3x3 layers
  // over 7 x 7 were 7 bands of one row, 4 on one thread and 3 on the other.
  int64_t pieces = 0, hb = 0;
  // Small inputs (whole: a padded input of at most kWholeFloats, conv_lanes.cc): the units go
  // block by block instead (a piece writes whole output planes, none shared with the other
  // thread's rows a line apart), and each thread pads the whole input once a run into its buffer
  // (hb = hp).
  bool whole = false;
  // 'Valid' windows (no pads, every window inside the input): the tiles read the input in place
  // (hp, wp: its planes; no copy, one parallel loop). squeezenet1_1's 3-channel stem copied its
  // 200 KB input first, split 2:1 over two threads by its 3 channels.
  bool in_place = false;
};

// Relu (lo 0, hi infinity) or Clip as Clip's formula, or nothing.
struct LanesFinish {
  bool clamp = false;
  float lo = 0, hi = 0;
};

// Whether the layer takes this form: 2-D (or 1-D with one row), equal strides 1 or 2 on both
// axes, no dilation, one group, output rows 7 wide or more (cut into ceil(width / 8) tiles of
// even widths, 4 to 8 outputs), AVX-512,
// padded input planes of moderate size (each; the workspace holds all c of them), and at most
// kLanesMaxDepth weights per output channel (c x kh x kw = `depth`): every row of tiles reads
// its block's whole panel (depth x 32 floats), which past half of L2 came from memory each
// time. fcn_resnet50's 2048 -> 512 3x3 over 28 x 28 (a 2.4 MB panel) ran 174 ms so, 53 ms in
// the packed product, which slices the depth by 256 (onnxruntime 42); 512 -> 512 over 28 x 28
// (depth 4608) 14.0-14.7 -> 13.1-13.3 (conv-chain.ts, alternated).
constexpr int64_t kLanesMaxDepth = 4096;
bool LanesFits(const Window& w, int64_t groups, int64_t depth);
// The plan, the weights w (m x c x kh x kw) packed, for loops on `threads` threads.
LanesPlan MakeLanesPlan(const Window& w, int64_t c, int64_t m, const float* weights, int threads);
// One image: x (c planes), y (m planes), z (the residual, as y) or null; bias or null. `ws`
// holds plan.workspace_floats floats; `par` runs a loop over its ranges on the layer's threads.
template <typename ParFn>
void RunLanes(const LanesPlan& p, const float* x, const float* bias, const float* z, float* y, const LanesFinish& f,
              float* ws, const ParFn& par);

// The two phases of RunLanes: the padded copy of planes [c0, c1), and the rows of tiles
// [t0, t1) (a task: one output row of one block of 32 channels).
void LanesPad(const LanesPlan& p, const float* x, float* ws, int64_t c0, int64_t c1);
int64_t LanesTiles(const LanesPlan& p);
void LanesRun(const LanesPlan& p, const float* ws, const float* bias, const float* z, float* y, const LanesFinish& f,
              int64_t t0, int64_t t1);

// Pieces [b0, b1) of a banded plan, each padded and run whole; `run` tells one call of RunLanes
// from another (whole plans: the thread's padded input is this run's).
void LanesBands(const LanesPlan& p, const float* x, const float* bias, const float* z, float* y, const LanesFinish& f,
                int64_t b0, int64_t b1, uint64_t run);
uint64_t NextLanesRun();

template <typename ParFn>
void RunLanes(const LanesPlan& p, const float* x, const float* bias, const float* z, float* y, const LanesFinish& f,
              float* ws, const ParFn& par) {
  if (p.in_place) {
    par(LanesTiles(p), [&](int64_t t0, int64_t t1) { LanesRun(p, x, bias, z, y, f, t0, t1); });
    return;
  }
  if (p.pieces > 0) {
    const uint64_t run = p.whole ? NextLanesRun() : 0;
    par(p.pieces, [&](int64_t b0, int64_t b1) { LanesBands(p, x, bias, z, y, f, b0, b1, run); });
    return;
  }
  par(p.c, [&](int64_t c0, int64_t c1) { LanesPad(p, x, ws, c0, c1); });
  par(LanesTiles(p), [&](int64_t t0, int64_t t1) { LanesRun(p, ws, bias, z, y, f, t0, t1); });
}

}  // namespace cpu
}  // namespace hybridrt
