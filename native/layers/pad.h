// The pad layer's modes (network.ts `pad`, param `mode`) and where a padded position reads
// from, one rule for the cpu kernel, the cuda kernel (a host and device function there) and
// any host evaluation: a position inside [0, n) reads itself; outside it, `constant` reads
// nothing (the fill), `edge` the nearest end, `wrap` the position modulo n, and `reflect` the
// mirror image without repeating the end (numpy's and onnxruntime's reflect).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/ir/network.h"
#include "src/util/error.h"
#include "src/util/host_device.h"

namespace hybridrt {

enum class PadMode : int { kConstant, kReflect, kEdge, kWrap };
inline constexpr const char* kPadModeNames[] = {"constant", "reflect", "edge", "wrap"};

// The mode a param names; an unknown name is an Error(kNative) (the schema admits kPadModeNames only).
inline PadMode ParsePadMode(const std::string& s) {
  for (int i = 0; i < 4; ++i) {
    if (s == kPadModeNames[i]) return static_cast<PadMode>(i);
  }
  Fail(ErrorCode::kNative, Cat("unknown pad mode '", s, "'"));
}

// The source index of padded position p (may be outside [0, n)) along an axis of n elements;
// -1 where the output takes the fill (constant mode, or nothing to read from: n <= 0).
HYBRIDRT_HD inline int64_t PadSource(PadMode mode, int64_t p, int64_t n) {
  if (p >= 0 && p < n) return p;
  if (mode == PadMode::kConstant || n <= 0) return -1;
  if (mode == PadMode::kEdge) return p < 0 ? 0 : n - 1;
  if (mode == PadMode::kWrap) return ((p % n) + n) % n;
  if (n == 1) return 0;
  const int64_t period = 2 * (n - 1);
  const int64_t q = ((p % period) + period) % period;
  return q < n ? q : period - q;
}

// One axis of a pad layer (both backends' geometry): a negative pad crops x's n elements at its
// end (crop_begin of them at the start, and `kept` stay), a positive one pads before the kept
// ones (pad_begin) or after them; output position o reads kept element PadSource(mode, o -
// pad_begin, kept), which is x's element crop_begin + that.
struct PadAxis {
  int64_t crop_begin, kept, pad_begin;
};
inline PadAxis PadAxisOf(int64_t n, int64_t pad_begin, int64_t pad_end) {
  const int64_t crop_begin = pad_begin < 0 ? -pad_begin : 0;
  return {crop_begin, n - crop_begin - (pad_end < 0 ? -pad_end : 0), pad_begin > 0 ? pad_begin : 0};
}

// The pad layer's typed params, read once for its shape rule (CheckPadLayer) and the cpu and cuda
// kernels (cpu/slice_pad.cc, cuda/slice_pad.cu): per dim of x a pad before and after (a
// negative one crops, PadAxisOf), and constant mode's fill value.
struct PadParams {
  PadMode mode = PadMode::kConstant;
  std::vector<int64_t> pads_begin, pads_end;
  double value = 0;
};

// The layer's params (validated by the schema: present, right types).
inline PadParams ReadPad(const Params& p) {
  return {ParsePadMode(p.String("mode")), p.Ints("padsBegin"), p.Ints("padsEnd"), p.Float("value")};
}

}  // namespace hybridrt
