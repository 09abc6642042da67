// Resize's per-dim coordinate arithmetic, shared by the cpu and cuda backends (both compute
// their tap tables on the host at build time, so one definition keeps them identical):
// the coordinate transformation from an output index back to an input coordinate, in fp32
// with the scale as fp32 as onnxruntime computes it, and nearest-mode rounding.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

namespace hybridrt {

inline float ResizeInputCoordinate(const std::string& mode, float x, float scale, int64_t out_len, int64_t in_len) {
  if (mode == "half_pixel") return (x + 0.5f) / scale - 0.5f;
  if (mode == "pytorch_half_pixel") return out_len > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
  if (mode == "align_corners") {
    return out_len == 1 ? 0.0f : x * static_cast<float>(in_len - 1) / static_cast<float>(out_len - 1);
  }
  if (mode == "asymmetric") return x / scale;
  if (mode == "tf_half_pixel_for_nn") return (x + 0.5f) / scale;
  // half_pixel_symmetric. NOTE: the last step in double, as onnxruntime does; in float a
  // coordinate like 1.99999990 rounds up to 2 and floor/ceil modes pick another pixel.
  const float out_width = scale * static_cast<float>(in_len);
  const float adjustment = static_cast<float>(out_len) / out_width;
  const float center = static_cast<float>(in_len) / 2.0f;
  const float offset = center * (1 - adjustment);
  return static_cast<float>(offset + (x + 0.5) / scale - 0.5);
}

inline int64_t ResizeNearestIndex(const std::string& mode, float x) {
  if (mode == "round_prefer_floor") {
    if (x == static_cast<float>(static_cast<int64_t>(x)) + 0.5f) return static_cast<int64_t>(std::floor(x));
    return static_cast<int64_t>(std::round(x));
  }
  if (mode == "round_prefer_ceil") return static_cast<int64_t>(std::round(x));
  if (mode == "floor") return static_cast<int64_t>(std::floor(x));
  return static_cast<int64_t>(std::ceil(x));
}

}  // namespace hybridrt
