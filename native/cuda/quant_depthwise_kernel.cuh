// The int8 depthwise convolution's kernel (quant_conv.cu's tactic `int8_depthwise`): groups ==
// input channels == output channels, one input channel per group. The same geometry, weights
// and epilogue as the GEMM tiles (quant_conv_kernel.cuh): a channel's weights are one row of
// g.kp bytes, its kh * kw taps first (the [M, 1, kh, kw] and channels-last [M, kh, kw, 1]
// orders are the same bytes), and the sum is finished by Store, so the correction
// zx * sum(w), the scale, bias, residual, activation and requantization are the tiles' own.
//
// One thread per output (position m, channel n): channels-last, neighbouring threads take
// neighbouring channels of one position (their loads and stores are adjacent bytes); NCHW,
// neighbouring positions of one channel. Channels-last with channels a multiple of 4, one
// thread per four channels (QuantDepthwiseQuadKernel). A tap in the padding reads the zero point, whose
// products the correction cancels, as the tiles' padding does. I is the index type: int where
// every output and input index fits, else int64_t (the divisions per output are the cost of a
// layer this thin).
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "cuda/quant_conv_kernel.cuh"

namespace hybridrt {
namespace cuda {
namespace qconv {

template <bool kUnsigned, typename I>
__global__ void __launch_bounds__(256) QuantDepthwiseKernel(const uint8_t* __restrict__ x, const int8_t* __restrict__ w,
                                                            void* __restrict__ y, QConvGeometry g, QConvEpilogue e) {
  const I total = static_cast<I>(g.rows) * g.m;
  const I plane = static_cast<I>(g.oh) * g.ow;
  const int zx = kUnsigned ? static_cast<int>(g.zero4 & 0xff) : static_cast<int>(static_cast<int8_t>(g.zero4 & 0xff));
  for (I i = static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += static_cast<I>(gridDim.x) * blockDim.x) {
    I m;
    int n;
    if (g.nhwc) {
      m = i / g.m;
      n = static_cast<int>(i - m * g.m);
    } else {
      const I img = i / (plane * g.m);
      const I rest = i - img * plane * g.m;
      n = static_cast<int>(rest / plane);
      m = img * plane + (rest - static_cast<I>(n) * plane);
    }
    const I img = m / plane;
    const int p = static_cast<int>(m - img * plane);
    const int oy = p / g.ow, ox = p - oy * g.ow;
    const int y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
    const int8_t* wn = w + static_cast<I>(n) * g.kp;
    int32_t acc = 0;
    for (int r = 0; r < g.kh; ++r) {
      const int iy = y0 + r * g.dh;
      const bool row_in = iy >= 0 && iy < g.h;
      for (int s = 0; s < g.kw; ++s) {
        const int ix = x0 + s * g.dw;
        int v = zx;
        if (row_in && ix >= 0 && ix < g.w) {
          const I at = g.nhwc ? ((img * g.h + iy) * g.w + ix) * g.c + n : ((img * g.c + n) * g.h + iy) * g.w + ix;
          v = kUnsigned ? static_cast<int>(x[at]) : static_cast<int>(static_cast<int8_t>(x[at]));
        }
        acc += v * static_cast<int>(wn[r * g.kw + s]);
      }
    }
    Store(g, e, y, static_cast<int64_t>(m), n, acc);
  }
}

// Channels-last with channels a multiple of 4 (and x 4-byte aligned): one thread per four
// adjacent channels of a position, one 4-byte load a tap, the outputs stored in pairs. The sums
// are the same integers as QuantDepthwiseKernel's.
template <bool kUnsigned, typename I>
__global__ void __launch_bounds__(256)
    QuantDepthwiseQuadKernel(const uint8_t* __restrict__ x, const int8_t* __restrict__ w, void* __restrict__ y,
                             QConvGeometry g, QConvEpilogue e) {
  const int quads = g.m / 4;
  const I total = static_cast<I>(g.rows) * quads;
  const I plane = static_cast<I>(g.oh) * g.ow;
  const uint32_t pad = g.zero4;  // the zero point in each byte
  for (I i = static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += static_cast<I>(gridDim.x) * blockDim.x) {
    const I m = i / quads;
    const int n = 4 * static_cast<int>(i - m * quads);
    const I img = m / plane;
    const int p = static_cast<int>(m - img * plane);
    const int oy = p / g.ow, ox = p - oy * g.ow;
    const int y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
    const int8_t* w0 = w + static_cast<I>(n) * g.kp;
    int32_t acc[4] = {0, 0, 0, 0};
    for (int r = 0; r < g.kh; ++r) {
      const int iy = y0 + r * g.dh;
      const bool row_in = iy >= 0 && iy < g.h;
      for (int s = 0; s < g.kw; ++s) {
        const int ix = x0 + s * g.dw;
        const uint32_t v = row_in && ix >= 0 && ix < g.w
                               ? *reinterpret_cast<const uint32_t*>(x + ((img * g.h + iy) * g.w + ix) * g.c + n)
                               : pad;
        const int tap = r * g.kw + s;
#pragma unroll
        for (int j = 0; j < 4; ++j) {
          const uint32_t b = (v >> (8 * j)) & 0xff;
          const int xv = kUnsigned ? static_cast<int>(b) : static_cast<int>(static_cast<int8_t>(b));
          acc[j] += xv * static_cast<int>(w0[static_cast<I>(j) * g.kp + tap]);
        }
      }
    }
    StorePair(g, e, y, static_cast<int64_t>(m), n, acc[0], acc[1]);
    StorePair(g, e, y, static_cast<int64_t>(m), n + 2, acc[2], acc[3]);
  }
}

// Whether every index of the layer fits in an int (the input's and the output's elements), with
// room for the grid-stride step past the last one (at most 2^28 threads: no wrap).
inline bool DepthwiseIndexFitsInt(const QConvGeometry& g) {
  const int64_t most = int64_t{1} << 30;
  const int64_t images = g.oh > 0 && g.ow > 0 ? g.rows / (static_cast<int64_t>(g.oh) * g.ow) : 0;
  return g.rows * g.m < most && images * g.h * g.w * g.c < most;
}

inline cudaError_t LaunchQuantDepthwise(bool is_unsigned, const void* x, const void* w, void* y, const QConvGeometry& g,
                                        const QConvEpilogue& e, cudaStream_t s) {
  const auto* xb = static_cast<const uint8_t*>(x);
  const auto* wb = static_cast<const int8_t*>(w);
  const bool narrow = DepthwiseIndexFitsInt(g);
  const bool quad = g.nhwc && g.c % 4 == 0 && (reinterpret_cast<uintptr_t>(x) & 3) == 0;
  const int64_t total = g.rows * (quad ? g.m / 4 : g.m);
  if (total == 0) return cudaSuccess;
  const unsigned blocks = static_cast<unsigned>(std::min<int64_t>((total + 255) / 256, 1 << 20));
  using Kernel = void (*)(const uint8_t*, const int8_t*, void*, QConvGeometry, QConvEpilogue);
  const Kernel k =
      quad ? (is_unsigned ? (narrow ? QuantDepthwiseQuadKernel<true, int> : QuantDepthwiseQuadKernel<true, int64_t>)
                          : (narrow ? QuantDepthwiseQuadKernel<false, int> : QuantDepthwiseQuadKernel<false, int64_t>))
           : (is_unsigned ? (narrow ? QuantDepthwiseKernel<true, int> : QuantDepthwiseKernel<true, int64_t>)
                          : (narrow ? QuantDepthwiseKernel<false, int> : QuantDepthwiseKernel<false, int64_t>));
  k<<<blocks, 256, 0, s>>>(xb, wb, y, g, e);
  return cudaGetLastError();
}

}  // namespace qconv
}  // namespace cuda
}  // namespace hybridrt
