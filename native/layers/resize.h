// Resize's per-dim geometry, shared by the cpu and cuda backends (both compute their tap
// tables on the host at build time, so one definition keeps them identical): the coordinate
// transformation from an output index back to an input coordinate, in fp32 with the scale as
// fp32 as onnxruntime computes it, nearest-mode rounding, and the input taps (indices and
// weights) each output index reads along one dim (ResizeTapsAt).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "src/ir/network.h"
#include "src/ir/shape.h"

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

enum class ResizeMode : int { kNearest, kLinear, kCubic };

// How every dim of a resize maps its output onto its input (the layer's params but the scales).
struct ResizeRule {
  ResizeMode mode = ResizeMode::kNearest;
  std::string coord;    // coordinateTransformation
  std::string nearest;  // nearestMode
  float cubic_a = -0.75f;
  bool exclude_outside = false;
};

// The layer's typed params, read once for its shape rule (CheckResizeLayer), the shape derivation
// (derive_shapes.cc), the precision pass and both kernels (through ResizeAxesOf).
struct ResizeParams {
  ResizeRule rule;
  std::vector<double> scales;  // one per dim (the shape rule checks)
  bool follow_scales = false;  // the output's dims are trunc(scale * in) at every input shape
};

// The layer's params (validated by the schema: present, right types, mode one of three).
inline ResizeParams ReadResize(const Params& p) {
  ResizeParams r;
  const std::string& mode = p.String("mode");
  r.rule.mode = mode == "nearest" ? ResizeMode::kNearest : mode == "linear" ? ResizeMode::kLinear : ResizeMode::kCubic;
  r.rule.coord = p.String("coordinateTransformation");
  r.rule.nearest = p.String("nearestMode");
  r.rule.cubic_a = static_cast<float>(p.Float("cubicCoeffA"));
  r.rule.exclude_outside = p.Bool("excludeOutside");
  r.scales = p.Floats("scales");
  r.follow_scales = p.Has("followScales") && p.Bool("followScales");
  return r;
}

// One dim of a resize: the layer's rule and that dim's scale and sizes.
struct ResizeAxis {
  ResizeRule rule;
  float scale = 1;
  int64_t in_len = 1, out_len = 1;
};

// The input indices output index `o` reads along one dim, with their weights:
//   nearest  one index (the identity where the scale is 1 and the size unchanged, as
//            onnxruntime has it), rounded by nearestMode and clamped to the input;
//   linear   the coordinate clamped to [0, in-1] and its two neighbours (one where the
//            weight is exactly 1);
//   cubic    the four neighbours weighted by Keys' kernel (cubicCoeffA), indices clamped to
//            the edge, or with excludeOutside the outside taps dropped and the rest
//            renormalized; zero-weight taps are left out (one zero tap if none is left).
struct ResizeTaps {
  int64_t index[4] = {0, 0, 0, 0};
  float weight[4] = {0, 0, 0, 0};
  int count = 0;
  void Add(int64_t i, float w) {
    index[count] = i;
    weight[count] = w;
    ++count;
  }
};

// The axes of a resize layer from its params and its input and output shapes.
inline std::vector<ResizeAxis> ResizeAxesOf(const ResizeParams& p, const Shape& x, const Shape& y) {
  std::vector<ResizeAxis> axes(x.size());
  for (size_t d = 0; d < x.size(); ++d) {
    axes[d] = ResizeAxis{p.rule, static_cast<float>(p.scales[d]), x[d], y[d]};
  }
  return axes;
}

inline ResizeTaps ResizeTapsAt(const ResizeAxis& ax, int64_t o) {
  ResizeTaps t;
  const int64_t last = ax.in_len - 1;
  auto clamp = [&](int64_t i) { return std::max<int64_t>(0, std::min<int64_t>(i, last)); };
  const float orig = ResizeInputCoordinate(ax.rule.coord, static_cast<float>(o), ax.scale, ax.out_len, ax.in_len);
  if (ax.rule.mode == ResizeMode::kNearest) {
    t.Add(clamp(ax.scale == 1.0f && ax.out_len == ax.in_len ? o : ResizeNearestIndex(ax.rule.nearest, orig)), 1.0f);
    return t;
  }
  if (ax.rule.mode == ResizeMode::kLinear) {
    const float c = std::max(0.0f, std::min(orig, static_cast<float>(last)));
    const int64_t i0 = std::min<int64_t>(static_cast<int64_t>(c), last);
    const int64_t i1 = std::min<int64_t>(i0 + 1, last);
    const float w1 = c - static_cast<float>(i0);
    if (i1 == i0 || w1 == 0) {
      t.Add(i0, 1.0f);
    } else {
      t.Add(i0, 1.0f - w1);
      t.Add(i1, w1);
    }
    return t;
  }
  const float a = ax.rule.cubic_a;
  const float fl = std::floor(orig);
  const int64_t i = static_cast<int64_t>(fl);
  const float s = orig - fl;
  const float c[4] = {((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a, ((a + 2) * s - (a + 3)) * s * s + 1,
                      ((a + 2) * (1 - s) - (a + 3)) * (1 - s) * (1 - s) + 1,
                      ((a * (2 - s) - 5 * a) * (2 - s) + 8 * a) * (2 - s) - 4 * a};
  auto inside = [&](int64_t idx) { return idx >= 0 && idx <= last; };
  float sum = 0;
  for (int k = 0; k < 4; ++k) {
    if (ax.rule.exclude_outside && !inside(i - 1 + k)) continue;
    sum += c[k];
  }
  for (int k = 0; k < 4; ++k) {
    const int64_t idx = i - 1 + k;
    if (ax.rule.exclude_outside && !inside(idx)) continue;
    const float w = ax.rule.exclude_outside ? c[k] / sum : c[k];
    if (w == 0) continue;
    t.Add(clamp(idx), w);
  }
  if (t.count == 0) t.Add(clamp(i), 0.0f);
  return t;
}

}  // namespace hybridrt
