// Sliding-window geometry shared by convolution, deconvolution and pooling: the 1 to 3
// spatial dims of a layer padded to exactly 3 (leading dims of size 1, kernel 1, stride 1,
// no padding), so kernels loop over (d, h, w) whatever the layer's rank.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

struct Window {
  int64_t in[3], out[3], kernel[3], stride[3], pad[3], dilation[3];
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  // The (d, h, w) position of tap t, t in [0, kernel_size()), taps in row-major order.
  void Tap(int64_t t, int64_t* kd, int64_t* kh, int64_t* kw) const {
    *kd = t / (kernel[1] * kernel[2]);
    *kh = (t / kernel[2]) % kernel[1];
    *kw = t % kernel[2];
  }
};

// From the layer's params and its input/output spatial dims (x and y are N,C,spatial...).
inline Window MakeWindow(const Params& p, const Shape& x, const Shape& y) {
  Window w;
  const size_t sp = x.size() - 2;
  auto k = p.Ints("kernel");
  auto s = p.Ints("strides");
  auto pb = p.Ints("padsBegin");
  auto dl = p.Ints("dilations");
  for (int i = 0; i < 3; ++i) {
    int j = i - (3 - static_cast<int>(sp));
    bool real = j >= 0;
    w.in[i] = real ? x[2 + j] : 1;
    w.out[i] = real ? y[2 + j] : 1;
    w.kernel[i] = real ? k[j] : 1;
    w.stride[i] = real ? s[j] : 1;
    w.pad[i] = real ? pb[j] : 0;
    w.dilation[i] = real ? dl[j] : 1;
  }
  return w;
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
