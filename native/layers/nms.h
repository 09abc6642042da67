// NonMaxSuppression's params and geometry, once for the shape rule and both backends: whether a candidate
// box overlaps a selected one too much (ONNX NonMaxSuppression as onnxruntime computes it, in
// fp32): corners [y1, x1, y2, x2] in either order, or [x_center, y_center, width, height] with
// centerPointBox; boxes without area or intersection never suppress; the IoU must exceed the
// threshold. The selection around it: per (batch, class), candidates above scoreThreshold (all
// without one) by descending score, equal scores by lower index, each kept unless it overlaps
// one kept before, at most maxOutputBoxesPerClass (0: none); the output lists [batch, class,
// box] in batch, class and selection order.
#pragma once

#include <algorithm>
#include <cstdint>

#include "src/ir/network.h"
#include "src/util/host_device.h"

namespace hybridrt {

// The layer's typed params, read once for the shape rule (CheckNmsLayer) and both kernels.
struct NmsParams {
  int64_t max_per_class = 0;  // maxOutputBoxesPerClass (>= 0, the shape rule checks)
  float iou = 0;              // iouThreshold, in [0, 1]
  bool has_score = false;     // scoreThreshold given
  float score = 0;            // scoreThreshold (0 without one)
  bool center = false;        // centerPointBox
};

// The layer's params (validated by the schema: present, right types).
inline NmsParams ReadNms(const Params& p) {
  NmsParams n;
  n.max_per_class = p.Int("maxOutputBoxesPerClass");
  n.iou = static_cast<float>(p.Float("iouThreshold"));
  n.has_score = p.Has("scoreThreshold");
  n.score = n.has_score ? static_cast<float>(p.Float("scoreThreshold")) : 0.0f;
  n.center = p.Bool("centerPointBox");
  return n;
}

// Boxes one (batch, class) keeps at the most, of `boxes` (the output's rows per line).
inline int64_t NmsKeptPerClass(const NmsParams& p, int64_t boxes) { return std::min(p.max_per_class, boxes); }

struct NmsBox {
  float x0, y0, x1, y1;
};

HYBRIDRT_HD inline NmsBox NmsCorners(const float* b, bool center) {
  if (center) {
    const float hw = b[2] / 2.0f, hh = b[3] / 2.0f;
    return {b[0] - hw, b[1] - hh, b[0] + hw, b[1] + hh};
  }
  return {b[1] < b[3] ? b[1] : b[3], b[0] < b[2] ? b[0] : b[2], b[1] < b[3] ? b[3] : b[1], b[0] < b[2] ? b[2] : b[0]};
}

HYBRIDRT_HD inline bool NmsSuppresses(const NmsBox& a, const NmsBox& b, float iou_threshold) {
  const float ix0 = a.x0 > b.x0 ? a.x0 : b.x0, iy0 = a.y0 > b.y0 ? a.y0 : b.y0;
  const float ix1 = a.x1 < b.x1 ? a.x1 : b.x1, iy1 = a.y1 < b.y1 ? a.y1 : b.y1;
  const float w = ix1 - ix0 > 0.0f ? ix1 - ix0 : 0.0f, h = iy1 - iy0 > 0.0f ? iy1 - iy0 : 0.0f;
  const float inter = w * h;
  if (inter <= 0.0f) return false;
  const float area_a = (a.x1 - a.x0) * (a.y1 - a.y0), area_b = (b.x1 - b.x0) * (b.y1 - b.y0);
  const float uni = area_a + area_b - inter;
  if (area_a <= 0.0f || area_b <= 0.0f || uni <= 0.0f) return false;
  return inter / uni > iou_threshold;
}

// Whether candidate (score s, index i) ranks before (t, j): higher score first, then lower index.
HYBRIDRT_HD inline bool NmsBefore(float s, int64_t i, float t, int64_t j) { return s > t || (s == t && i < j); }

}  // namespace hybridrt
