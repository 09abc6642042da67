// Sliding-window geometry shared by convolution, deconvolution and pooling: the window params
// read once (WindowParams, for the shape rules and the kernels), and the 1 to 3 spatial dims
// of a layer padded to exactly 3 (leading dims of size 1, kernel 1, stride 1, no padding), so
// kernels loop over (d, h, w) whatever the layer's rank.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

// The window params, one entry per spatial dim (the shape rules check the lengths and ranges).
struct WindowParams {
  std::vector<int64_t> kernel, strides, pads_begin, pads_end, dilations;
};

class LayerCheck;  // src/ir/shape_rules.h
// kernel/strides/pads/dilations: one entry per spatial dim, kernel/strides/dilations >= 1,
// pads >= 0 (window.cc; the rules of convolution and pooling).
void CheckWindowParams(const LayerCheck& c, const WindowParams& w, size_t spatial);
// Output size of a sliding window along one dim (convolution and pooling); -1 when the
// window does not fit the padded input even once.
int64_t WindowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                         int64_t dilation, bool ceil_mode);

inline WindowParams ReadWindowParams(const Params& p) {
  return {p.Ints("kernel"), p.Ints("strides"), p.Ints("padsBegin"), p.Ints("padsEnd"), p.Ints("dilations")};
}

// Channels-last (layout 'nhwc', a builder form: layout.h): 4-d tensors stored as [N, H, W, C];
// the rules and the window see the logical NCHW shapes.
inline bool ReadNhwc(const Params& p) { return p.Has("layout") && p.String("layout") == "nhwc"; }
// Makes a convolution or pooling layer channels-last (the layout pass).
inline void SetNhwc(Params* p) { p->Set("layout", ParamValue::String("nhwc")); }
inline Shape FromNhwc(const Shape& s) { return {s[0], s[3], s[1], s[2]}; }
inline Shape ToNhwc(const Shape& s) { return {s[0], s[2], s[3], s[1]}; }

struct Window {
  int64_t in[3], out[3], kernel[3], stride[3], pad[3], pad_end[3], dilation[3];
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  // The (d, h, w) position of tap t, t in [0, kernel_size()), taps in row-major order.
  void Tap(int64_t t, int64_t* kd, int64_t* kh, int64_t* kw) const {
    *kd = t / (kernel[1] * kernel[2]);
    *kh = (t / kernel[2]) % kernel[1];
    *kw = t % kernel[2];
  }
  // The padded extent of spatial dim i that the outputs read (a padded plane's box).
  int64_t Reach(int i) const { return (out[i] - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1; }
  // Where tap t reads in a plane of box ext, from the window's first position.
  int64_t TapOffset(int64_t t, const int64_t ext[3]) const {
    int64_t kd, kh, kw;
    Tap(t, &kd, &kh, &kw);
    return (kd * dilation[0] * ext[1] + kh * dilation[1]) * ext[2] + kw * dilation[2];
  }
};

// From the layer's window params and its input/output spatial dims (x and y are N,C,spatial...).
inline Window MakeWindow(const WindowParams& p, const Shape& x, const Shape& y) {
  Window w;
  const size_t sp = x.size() - 2;
  for (int i = 0; i < 3; ++i) {
    int j = i - (3 - static_cast<int>(sp));
    bool real = j >= 0;
    w.in[i] = real ? x[2 + j] : 1;
    w.out[i] = real ? y[2 + j] : 1;
    w.kernel[i] = real ? p.kernel[j] : 1;
    w.stride[i] = real ? p.strides[j] : 1;
    w.pad[i] = real ? p.pads_begin[j] : 0;
    w.pad_end[i] = real ? p.pads_end[j] : 0;
    w.dilation[i] = real ? p.dilations[j] : 1;
  }
  return w;
}
inline Window MakeWindow(const Params& p, const Shape& x, const Shape& y) {
  return MakeWindow(ReadWindowParams(p), x, y);
}

// Along one dim: the output positions [lo, hi) for which tap t reads inside the input,
// i.e. 0 <= o*stride - pad + t*dilation < in.
inline void ValidRange(int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t off, int64_t* lo, int64_t* hi) {
  // o*stride >= pad - off  and  o*stride <= in - 1 + pad - off
  int64_t a = pad - off;
  int64_t l = a <= 0 ? 0 : (a + stride - 1) / stride;
  int64_t b = in - 1 + pad - off;
  int64_t h = b < 0 ? 0 : b / stride + 1;
  *lo = l < out ? l : out;
  *hi = h < out ? h : out;
  if (*hi < *lo) *hi = *lo;
}

}  // namespace hybridrt
