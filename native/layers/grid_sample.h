// GridSample's sampling (ONNX GridSample over 4-D x [N, C, H, W] and grid [N, Ho, Wo, 2], as
// onnxruntime computes it), written once for the cpu and cuda kernels. A grid point (nx, ny) in
// [-1, 1] is denormalized to pixel space: with alignCorners, -1 and 1 are the centers of the
// corner pixels ((n + 1) / 2 * (len - 1)); without, their outer edges (((n + 1) * len - 1) / 2).
// 'nearest' reads the pixel at the coordinates rounded half to even (std::nearbyint under the
// default rounding mode, as onnxruntime); 'linear' weighs the 2x2 pixels around the point,
// 'cubic' the 4x4 (Keys' kernel, a = -0.75). The padding applies to each pixel read, not to the
// point (onnxruntime's PixelAtGrid): 'zeros' reads 0 outside the map, 'border' the nearest edge
// pixel, 'reflection' the pixel mirrored at the borders (-0.5 and len - 0.5 without
// alignCorners, 0 and len - 1 with) until inside. Every step is in fp32, in onnxruntime's order
// of operations.
//
// Points onnxruntime leaves undefined (it converts them to int64 unchecked) are given a meaning
// here, and never read outside the map: a NaN coordinate samples NaN; one farther than
// kGridSampleFar pixels from the origin (infinity too) is pinned there, where every read is
// padding (a point far outside the map).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "src/ir/network.h"
#include "src/util/host_device.h"

namespace hybridrt {

enum class GridSampleMode : uint8_t { kLinear, kNearest, kCubic };
enum class GridSamplePadding : uint8_t { kZeros, kBorder, kReflection };

struct GridSampleGeometry {
  int64_t channels = 0, height = 0, width = 0, out_h = 0, out_w = 0;
  GridSampleMode mode = GridSampleMode::kLinear;
  GridSamplePadding padding = GridSamplePadding::kZeros;
  bool align_corners = false;
};

// 2^22: below it a float coordinate still has its half-pixel, and its floor fits an int.
constexpr float kGridSampleFar = 4194304.0f;

// x [N, C, H, W], grid [N, Ho, Wo, 2] and the layer's params (validated).
inline GridSampleGeometry ReadGridSample(const Params& p, const Shape& x, const Shape& grid) {
  GridSampleGeometry g;
  g.channels = x[1];
  g.height = x[2];
  g.width = x[3];
  g.out_h = grid[1];
  g.out_w = grid[2];
  const std::string& mode = p.String("mode");
  g.mode = mode == "nearest" ? GridSampleMode::kNearest
           : mode == "cubic" ? GridSampleMode::kCubic
                             : GridSampleMode::kLinear;
  const std::string& padding = p.String("padding");
  g.padding = padding == "border"       ? GridSamplePadding::kBorder
              : padding == "reflection" ? GridSamplePadding::kReflection
                                        : GridSamplePadding::kZeros;
  g.align_corners = p.Bool("alignCorners");
  return g;
}

// a * b rounded before any addition: nvcc would otherwise fuse ((n + 1) * len - 1) into one
// fma, whose single rounding can move a point across a half (nearest) or a pixel edge that
// the cpu kernel and onnxruntime see on the other side.
HYBRIDRT_HD inline float GridSampleMul(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}

// Normalized [-1, 1] to pixel space (onnxruntime's GsDenormalize).
HYBRIDRT_HD inline float GridSampleDenormalize(float n, int64_t len, bool align_corners) {
  return align_corners ? GridSampleMul((n + 1) / 2.f, static_cast<float>(len - 1))
                       : (GridSampleMul(n + 1, static_cast<float>(len)) - 1) / 2.f;
}

// Mirrored at lo and hi until inside (onnxruntime's GsReflect); an empty range (one pixel with
// alignCorners) is its one point.
HYBRIDRT_HD inline float GridSampleReflect(float x, float lo, float hi) {
  const float range = hi - lo;
  if (!(range > 0.0f)) return lo;
  if (x < lo) {
    const float dx = lo - x;
    const int n = static_cast<int>(dx / range);
    const float r = dx - static_cast<float>(n) * range;
    return n % 2 == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const float dx = x - hi;
    const int n = static_cast<int>(dx / range);
    const float r = dx - static_cast<float>(n) * range;
    return n % 2 == 0 ? hi - r : lo + r;
  }
  return x;
}

HYBRIDRT_HD inline int64_t GridSampleClamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

// The pixel (r, c) of one channel's H x W plane under the padding; `load(offset)` reads it.
template <typename Load>
HYBRIDRT_HD float GridSamplePixel(const GridSampleGeometry& g, int64_t r, int64_t c, Load load) {
  const int64_t h = g.height, w = g.width;
  switch (g.padding) {
    case GridSamplePadding::kZeros: return r >= 0 && r < h && c >= 0 && c < w ? load(r * w + c) : 0.0f;
    case GridSamplePadding::kBorder: break;
    case GridSamplePadding::kReflection: {
      // onnxruntime's borders: the outer pixel edges, or with alignCorners the corner pixels' centers.
      const float lo = g.align_corners ? 0.0f : -0.5f, off = g.align_corners ? 1.0f : 0.5f;
      c = static_cast<int64_t>(GridSampleReflect(static_cast<float>(c), lo, static_cast<float>(w) - off));
      r = static_cast<int64_t>(GridSampleReflect(static_cast<float>(r), lo, static_cast<float>(h) - off));
      break;
    }
  }
  // Border's rule; after a reflection, a guard against its rounding at far points.
  return load(GridSampleClamp(r, 0, h - 1) * w + GridSampleClamp(c, 0, w - 1));
}

// Keys' cubic convolution weights of the taps at floor(p) - 1 .. floor(p) + 2 for a point p that
// is x = p - floor(p) past floor(p) (onnxruntime's GsGetCubicCoeffs).
HYBRIDRT_HD inline void GridSampleCubicCoeffs(float x, float coeffs[4]) {
  constexpr float a = -0.75f;
  x = fabsf(x);
  coeffs[0] = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
  coeffs[1] = ((a + 2) * x - (a + 3)) * x * x + 1;
  coeffs[2] = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
  coeffs[3] = ((a * (2 - x) - 5 * a) * (2 - x) + 8 * a) * (2 - x) - 4 * a;
}

// The sample at grid point (nx, ny) over one channel's plane.
template <typename Load>
HYBRIDRT_HD float GridSamplePoint(const GridSampleGeometry& g, float nx, float ny, Load load) {
  float x = GridSampleDenormalize(nx, g.width, g.align_corners);
  float y = GridSampleDenormalize(ny, g.height, g.align_corners);
  if (x != x || y != y) return x + y;  // NaN
  x = x < -kGridSampleFar ? -kGridSampleFar : x > kGridSampleFar ? kGridSampleFar : x;
  y = y < -kGridSampleFar ? -kGridSampleFar : y > kGridSampleFar ? kGridSampleFar : y;
  if (g.mode == GridSampleMode::kNearest)
    return GridSamplePixel(g, static_cast<int64_t>(rintf(y)), static_cast<int64_t>(rintf(x)), load);
  if (g.mode == GridSampleMode::kLinear) {
    const int64_t x1 = static_cast<int64_t>(floorf(x)), y1 = static_cast<int64_t>(floorf(y));
    const int64_t x2 = x1 + 1, y2 = y1 + 1;
    const float p11 = GridSamplePixel(g, y1, x1, load), p12 = GridSamplePixel(g, y1, x2, load);
    const float p21 = GridSamplePixel(g, y2, x1, load), p22 = GridSamplePixel(g, y2, x2, load);
    const float dx2 = static_cast<float>(x2) - x, dx1 = x - static_cast<float>(x1);
    const float dy2 = static_cast<float>(y2) - y, dy1 = y - static_cast<float>(y1);
    return dy2 * (dx2 * p11 + dx1 * p12) + dy1 * (dx2 * p21 + dx1 * p22);
  }
  const int64_t x0 = static_cast<int64_t>(floorf(x)) - 1, y0 = static_cast<int64_t>(floorf(y)) - 1;
  float coeffs[4];
  GridSampleCubicCoeffs(x - static_cast<float>(x0) - 1, coeffs);
  float v[4];
  for (int64_t i = 0; i < 4; ++i) {
    v[i] = coeffs[0] * GridSamplePixel(g, y0 + i, x0, load) + coeffs[1] * GridSamplePixel(g, y0 + i, x0 + 1, load) +
           coeffs[2] * GridSamplePixel(g, y0 + i, x0 + 2, load) + coeffs[3] * GridSamplePixel(g, y0 + i, x0 + 3, load);
  }
  GridSampleCubicCoeffs(y - static_cast<float>(y0) - 1, coeffs);
  return coeffs[0] * v[0] + coeffs[1] * v[1] + coeffs[2] * v[2] + coeffs[3] * v[3];
}

}  // namespace hybridrt
