// RoiAlign's sampling (ONNX RoiAlign as onnxruntime computes it), written once for the cpu and
// cuda kernels: a box (x1, y1, x2, y2) scaled by spatialScale (less half a pixel with
// halfPixel, opset 16's default; opset 10's boxes are at least 1x1 instead) is cut into
// outputHeight x outputWidth bins, each sampled on a grid of samplingRatio^2 points (0: as many
// as the bin is pixels long, rounded up) read bilinearly; a bin is the average of its samples
// ('avg') or, as onnxruntime has it, the largest of the weighted corners of every sample
// ('max': max over samples of max(w1 v1, w2 v2, w3 v3, w4 v4), not the largest sample). A
// sample more than one pixel outside the map (or at a NaN coordinate) reads nothing (weights
// 0); one inside the border pixel clamps to it. Every step is in fp32, in onnxruntime's order of operations. A side has
// at most kRoiAlignMaxGrid samples (RoiAlignGrid; samplingRatio is checked against it too).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "src/ir/network.h"
#include "src/util/error.h"
#include "src/util/host_device.h"

namespace hybridrt {

constexpr int64_t kRoiAlignMaxGrid = 1024;

// The layer's typed params, read once for the shape rule (CheckRoiAlignLayer) and both kernels.
struct RoiAlignParams {
  int64_t out_h = 1, out_w = 1, sampling_ratio = 0;
  float spatial_scale = 1;
  bool half_pixel = true, max = false;  // max: mode 'max' (else 'avg': the schema allows no other)
};

// The layer's params (present, typed and mode one of avg/max: the schema): outputHeight and
// outputWidth at least 1, samplingRatio in [0, kRoiAlignMaxGrid], spatialScale finite. Else an
// Error naming the layer and the param.
inline RoiAlignParams ReadRoiAlignParams(const Layer& layer) {
  const Params& p = layer.params;
  RoiAlignParams r;
  r.out_h = p.Int("outputHeight");
  r.out_w = p.Int("outputWidth");
  if (r.out_h < 1) BadParam(layer, "outputHeight", Cat("is ", r.out_h, "; expected 1 or more"));
  if (r.out_w < 1) BadParam(layer, "outputWidth", Cat("is ", r.out_w, "; expected 1 or more"));
  r.sampling_ratio = p.Int("samplingRatio");
  if (r.sampling_ratio < 0 || r.sampling_ratio > kRoiAlignMaxGrid) {
    BadParam(layer, "samplingRatio", Cat("is ", r.sampling_ratio, "; expected 0 to ", kRoiAlignMaxGrid));
  }
  const double scale = p.Float("spatialScale");
  if (!std::isfinite(scale)) BadParam(layer, "spatialScale", "is not finite");
  r.spatial_scale = static_cast<float>(scale);
  r.half_pixel = p.Bool("halfPixel");
  r.max = p.String("mode") == "max";
  return r;
}

// The params and x's map: what the kernels sample with.
struct RoiAlignGeometry : RoiAlignParams {
  int64_t channels = 0, height = 0, width = 0;
};

// x [N, C, H, W] and the layer's params.
inline RoiAlignGeometry ReadRoiAlign(const Layer& layer, const Shape& x) {
  RoiAlignGeometry g;
  static_cast<RoiAlignParams&>(g) = ReadRoiAlignParams(layer);
  g.channels = x[1];
  g.height = x[2];
  g.width = x[3];
  return g;
}

// What both backends say of a batch index outside [0, batch).
inline std::string BatchIndexOutOfRange(int64_t value, int64_t position, int64_t batch) {
  return Cat("batch index ", value, " at position ", position, " is out of range for a batch of ", batch,
             " (valid: 0 to ", batch - 1, ")");
}

// Samples along one side of a bin: samplingRatio, or (0) the bin's length in pixels rounded up,
// as onnxruntime takes it, but none for an empty, negative or NaN box and at most
// kRoiAlignMaxGrid: a box from data can be 1e30 wide, which would otherwise run for ever (or
// convert an infinite count to an integer, undefined behaviour) where onnxruntime samples a box
// more than 1024 output bins' worth of pixels long on every pixel.
HYBRIDRT_HD inline int64_t RoiAlignGrid(float extent, int64_t out, int64_t ratio) {
  if (ratio > 0) return ratio;
  const float n = ceilf(extent / static_cast<float>(out));
  if (!(n > 0)) return 0;
  return n < static_cast<float>(kRoiAlignMaxGrid) ? static_cast<int64_t>(n) : kRoiAlignMaxGrid;
}

// Bin (ph, pw) of `box` over one channel's H x W plane, `load(offset)` reading it as float.
template <typename Load>
HYBRIDRT_HD float RoiAlignBin(const RoiAlignGeometry& g, const float box[4], int64_t ph, int64_t pw, Load load) {
  const float offset = g.half_pixel ? 0.5f : 0.0f;
  const float start_w = box[0] * g.spatial_scale - offset;
  const float start_h = box[1] * g.spatial_scale - offset;
  const float end_w = box[2] * g.spatial_scale - offset;
  const float end_h = box[3] * g.spatial_scale - offset;
  float roi_w = end_w - start_w, roi_h = end_h - start_h;
  if (!g.half_pixel) {
    roi_w = roi_w < 1.0f ? 1.0f : roi_w;
    roi_h = roi_h < 1.0f ? 1.0f : roi_h;
  }
  const float bin_h = roi_h / static_cast<float>(g.out_h), bin_w = roi_w / static_cast<float>(g.out_w);
  const int64_t grid_h = RoiAlignGrid(roi_h, g.out_h, g.sampling_ratio);
  const int64_t grid_w = RoiAlignGrid(roi_w, g.out_w, g.sampling_ratio);
  const int64_t count = grid_h * grid_w > 1 ? grid_h * grid_w : 1;
  const float fh = static_cast<float>(g.height), fw = static_cast<float>(g.width);
  float out = 0.0f;
  bool first = true;
  for (int64_t iy = 0; iy < grid_h; ++iy) {
    const float yy =
        start_h + static_cast<float>(ph) * bin_h + static_cast<float>(iy + 0.5f) * bin_h / static_cast<float>(grid_h);
    for (int64_t ix = 0; ix < grid_w; ++ix) {
      const float xx =
          start_w + static_cast<float>(pw) * bin_w + static_cast<float>(ix + 0.5f) * bin_w / static_cast<float>(grid_w);
      float y = yy, x = xx, w1 = 0, w2 = 0, w3 = 0, w4 = 0;
      int64_t p1 = 0, p2 = 0, p3 = 0, p4 = 0;
      // onnxruntime's test (y < -1 || y > H || x < -1 || x > W) for "outside", also true for NaN
      // (an infinite box gives 0 * inf), which it would turn into an index.
      if (y >= -1.0f && y <= fh && x >= -1.0f && x <= fw) {
        if (y <= 0) y = 0;
        if (x <= 0) x = 0;
        int64_t y_low = static_cast<int64_t>(y), x_low = static_cast<int64_t>(x), y_high, x_high;
        if (y_low >= g.height - 1) {
          y_high = y_low = g.height - 1;
          y = static_cast<float>(y_low);
        } else {
          y_high = y_low + 1;
        }
        if (x_low >= g.width - 1) {
          x_high = x_low = g.width - 1;
          x = static_cast<float>(x_low);
        } else {
          x_high = x_low + 1;
        }
        const float ly = y - static_cast<float>(y_low), lx = x - static_cast<float>(x_low);
        const float hy = 1.0f - ly, hx = 1.0f - lx;
        w1 = hy * hx;
        w2 = hy * lx;
        w3 = ly * hx;
        w4 = ly * lx;
        p1 = y_low * g.width + x_low;
        p2 = y_low * g.width + x_high;
        p3 = y_high * g.width + x_low;
        p4 = y_high * g.width + x_high;
      }
      if (!g.max) {
        out += w1 * load(p1) + w2 * load(p2) + w3 * load(p3) + w4 * load(p4);
        continue;
      }
      // std::max(a, b) as onnxruntime calls it: a unless a < b.
      auto mx = [](float a, float b) { return a < b ? b : a; };
      const float v = mx(mx(mx(w1 * load(p1), w2 * load(p2)), w3 * load(p3)), w4 * load(p4));
      out = first ? v : mx(out, v);
      first = false;
    }
  }
  return g.max ? out : out / static_cast<float>(count);
}

}  // namespace hybridrt
