// The int8 depthwise convolution's integer sums (quant_conv.cc's `int8_depthwise` tactic, for
// windows of up to 8 taps along w, strides 1 or 2, no dilation: MobileNet's and EfficientNet's
// 3x3 and 5x5 depthwise layers). Each input plane (NCHW: one channel) is copied into a plane
// padded with the input's zero point; then each output's sum of uint8 x int8 products, from
// -zx * sum(w) on (so a tap in the padding adds (zx - zx) w = 0), is an exact int32 sum, 16
// outputs (AVX-512) or 8 (AVX2) side by side, one output a 32-bit lane:
//  - AVX-512 VNNI + VBMI: per (kh, group of 4 taps along w), one 64-byte load of the padded row
//    and one byte permute (vpermb) put output l's four taps (columns s l + 4g + t, t in [0, 4))
//    in lane l; vpdpbusd multiplies them by the channel's four weights (zeros past kw) and adds.
//    3x3 and 5x5 windows (`by_rows`) skip the padded copy: the row's bytes are
//    loaded masked to the row, the zero point elsewhere, and permuted once for every output row
//    that reads them. Planes of at most 64 bytes (`whole`) are one register.
//  - AVX2: the same four bytes a lane from two 16-byte loads and vpshufb, then, as the AVX2
//    GEMM (igemm_avx2.cc), widened to int16 (even and odd bytes) and summed by vpmaddwd: exact.
//  - portable: plain loops.
// The sums are exact in every form (|sum| <= 255 * 128 * 64 taps < 2^24), so every kernel gives
// the same bits, stored as the floats they are: the float form's centred sums (quant_conv.cc),
// which the epilogue's Planes takes.
// The kernel follows the int8 GEMM's choice (igemm.h, HYBRIDRT_CPU_KERNEL): VNNI where the
// GEMM's is VNNI and the CPU has VBMI, else AVX2 where the CPU has it, else portable.
#pragma once

#include <cstdint>
#include <vector>

#include "layers/window.h"

namespace hybridrt {
namespace cpu {

struct Int8DepthwisePlan {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, pad_h = 0, pad_w = 0;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t groups = 1;            // groups of 4 taps along w
  int64_t rows = 0, stride = 0;  // the padded plane: rows of `stride` bytes (with read slack)
  std::vector<int8_t> weights;   // per channel, per kh, per group: 4 bytes (zeros past kw)
  std::vector<int32_t> sums;     // per channel: the sum of its weights (zx times it: the correction)
  // AVX-512: per vector of outputs (item), where it reads in the padded plane and where its
  // first output goes.
  std::vector<int64_t> item_in, item_out;
  // AVX-512, an input plane of at most 64 bytes (MobileNet's late 8 x 8 and 4 x 4 planes): the
  // plane is one register and not copied; items are the outputs 16 at a time, and per item, kh
  // and group the 64 indices of vpermt2b that put each lane's four taps from it, or the zero
  // point where a tap lies in the padding (index 64: the second source, all zero points).
  bool whole = false;
  // AVX-512, not `whole`, 3x3 or 5x5-like windows (kh 3 and one group, or kh 5 and two):
  // blocks of up to 16 outputs of a row from the input itself, each input row permuted once
  // for the output rows that read it (quant_depthwise.cc's PlanesRows); other windows take
  // the padded plane and its items.
  bool by_rows = false;
  std::vector<uint8_t> whole_idx;
};

// A thread's padded plane, kept across calls: its border (the zero point) is written again only
// where the geometry or the zero point differ from the last call's (a 64 x 64 plane's border was
// written once a plane, as many bytes as the plane's copy).
struct Int8DepthwiseScratch {
  std::vector<uint8_t> bytes;
  int64_t key[7] = {};  // rows, stride, pad_h, pad_w, in_h, in_w, zero of the border written
};

// Whether the integer form takes the window: 2-D (or 1-D), strides 1 or 2, no dilation, at
// most 8 taps along w.
bool Int8DepthwiseFits(const Window& w);
// The plan for `channels` channels of kernel_size() int8 weights each, w[c * taps + t].
Int8DepthwisePlan PlanInt8Depthwise(const Window& w, const int8_t* weights, int64_t channels);

// Channels [c0, c0 + planes) of one image: x holds their input planes (in_h x in_w bytes each,
// each byte xor `flip`: 0x80 reads int8 as uint8 + 128), `zero` the input's zero point as such a
// byte; sums (planes x out_h x out_w floats, plus 16 of slack) gets sum_t (x - zero) w over
// each window, taps in the padding adding nothing.
// `scratch` is the caller's (a thread's, kept across calls).
// With q (quant_requant.h; its rows the run's planes, row i's outputs at q->y + i q->stride), the
// VNNI kernel requantizes the sums in its registers instead, writes no sums and returns true;
// other kernels ignore q and return false.
struct Int8Requant;
bool Int8DepthwiseSums(const Int8DepthwisePlan& p, const uint8_t* x, int64_t c0, int64_t planes, uint8_t flip,
                       uint8_t zero, Int8DepthwiseScratch* scratch, const Int8Requant* q, float* sums);

// The kernel in use: "avx512vnni", "avx2" or "portable".
const char* Int8DepthwiseKernelName();

}  // namespace cpu
}  // namespace hybridrt
