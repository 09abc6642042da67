// Depthwise convolution, channels-last, fp16/bf16: the "depthwise_nhwc" tactic of
// conv_cudnn.cc, timed there against cuDNN's configurations (mobilenet's and efficientnet's
// 3x3 and 5x5 depthwise layers, where cuDNN's kernels ran well below the memory bandwidth and
// its fused graphs ten times slower than unfused ones).
//
// x [N, H, W, C], weights [C, K, K, 1] (the layout pass's channels-last filter), y [N, OH, OW,
// C]; one thread computes 8 channels of one output pixel (16-byte loads), in fp32, then the
// bias, the residual and the activation. A block holds up to 32 vector columns (256
// channels) of a few pixels, with its channels' weights transposed to [K*K][channels] in
// shared memory, so that each tap's 8 weights are one 16-byte shared load; at most kMaxTiles
// blocks along the pixels, each looping over tiles, so that staging the weights is paid once
// per block rather than once per few pixels.
#include "cuda/device_common.cuh"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr int kBlock = 256, kMaxVecCols = 32;
constexpr int64_t kMaxTiles = 2048;  // blocks along the pixels; each loops over its share of tiles

template <typename T, int K>
__global__ void DepthwiseNhwc(const T* x, const T* w, const T* bias, const T* z, T* y, DepthwiseGeometry g, Act act) {
  __shared__ __align__(16) T wsh[K * K * kMaxVecCols * 8];
  const int cols = blockDim.x;  // vector columns of this block
  const int tile = cols * 8;    // channels of this block
  const int c0 = blockIdx.y * tile;
  const int tid = threadIdx.y * cols + threadIdx.x;
  for (int i = tid; i < tile * K * K; i += cols * blockDim.y) {
    const int cl = i / (K * K), tap = i % (K * K);
    wsh[tap * tile + cl] = c0 + cl < g.c ? w[static_cast<int64_t>(c0 + cl) * K * K + tap] : T(0.0f);
  }
  __syncthreads();
  const int vc = blockIdx.y * cols + threadIdx.x;  // vector column (8 channels)
  const int cv = g.c / 8;
  if (vc >= cv) return;
  const int64_t pixels = static_cast<int64_t>(g.n) * g.oh * g.ow;
  float b[8];
  if (bias) {
    const Vec8<T> bv = reinterpret_cast<const Vec8<T>*>(bias)[vc];
#pragma unroll
    for (int k = 0; k < 8; ++k) b[k] = ToFloat(bv.v[k]);
  } else {
#pragma unroll
    for (int k = 0; k < 8; ++k) b[k] = 0.0f;
  }
  const Vec8<T>* wv = reinterpret_cast<const Vec8<T>*>(wsh) + threadIdx.x;
  // Pixel tiles in a grid-stride loop: the weights staged above serve many tiles.
  for (int64_t pix = static_cast<int64_t>(blockIdx.x) * blockDim.y + threadIdx.y; pix < pixels;
       pix += static_cast<int64_t>(gridDim.x) * blockDim.y) {
    const int ow = static_cast<int>(pix % g.ow);
    const int oh = static_cast<int>((pix / g.ow) % g.oh);
    const int64_t n = pix / (static_cast<int64_t>(g.ow) * g.oh);
    float acc[8];
#pragma unroll
    for (int k = 0; k < 8; ++k) acc[k] = b[k];
    const Vec8<T>* xv = reinterpret_cast<const Vec8<T>*>(x) + n * g.h * g.w * cv + vc;
    const int ih0 = oh * g.stride - g.pad, iw0 = ow * g.stride - g.pad;
#pragma unroll
    for (int kh = 0; kh < K; ++kh) {
      const int ih = ih0 + kh;
      if (ih < 0 || ih >= g.h) continue;
#pragma unroll
      for (int kw = 0; kw < K; ++kw) {
        const int iw = iw0 + kw;
        if (iw < 0 || iw >= g.w) continue;
        const Vec8<T> a = xv[(static_cast<int64_t>(ih) * g.w + iw) * cv];
        const Vec8<T> f = wv[(kh * K + kw) * cols];
#pragma unroll
        for (int k = 0; k < 8; ++k) acc[k] += ToFloat(a.v[k]) * ToFloat(f.v[k]);
      }
    }
    const int64_t out = pix * cv + vc;
    if (z) {
      const Vec8<T> r = reinterpret_cast<const Vec8<T>*>(z)[out];
#pragma unroll
      for (int k = 0; k < 8; ++k) acc[k] += ToFloat(r.v[k]);
    }
    Vec8<T> o;
#pragma unroll
    for (int k = 0; k < 8; ++k) o.v[k] = FromFloat<T>(act.op != kNoActivation ? Activate(act, acc[k]) : acc[k]);
    reinterpret_cast<Vec8<T>*>(y)[out] = o;
  }
}

template <typename T, int K>
cudaError_t Launch(const void* x, const void* w, const void* bias, const void* z, void* y, const DepthwiseGeometry& g,
                   const Act& act, cudaStream_t s) {
  const int cv = g.c / 8;
  const int cols = cv < kMaxVecCols ? cv : kMaxVecCols;
  const int rows = kBlock / cols;
  const int64_t pixels = static_cast<int64_t>(g.n) * g.oh * g.ow;
  const int64_t tiles = (pixels + rows - 1) / rows;
  const dim3 grid(static_cast<unsigned>(tiles < kMaxTiles ? tiles : kMaxTiles), static_cast<unsigned>((cv + cols - 1) / cols));
  DepthwiseNhwc<T, K><<<grid, dim3(cols, rows), 0, s>>>(static_cast<const T*>(x), static_cast<const T*>(w),
                                                        static_cast<const T*>(bias), static_cast<const T*>(z),
                                                        static_cast<T*>(y), g, act);
  return cudaGetLastError();
}

template <typename T>
cudaError_t LaunchTyped(const void* x, const void* w, const void* bias, const void* z, void* y, const DepthwiseGeometry& g,
                        const Act& act, cudaStream_t s) {
  switch (g.k) {
    case 3: return Launch<T, 3>(x, w, bias, z, y, g, act, s);
    case 5: return Launch<T, 5>(x, w, bias, z, y, g, act, s);
    case 7: return Launch<T, 7>(x, w, bias, z, y, g, act, s);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace

bool DepthwiseSupported(DType t, const DepthwiseGeometry& g) {
  return (t == DType::kFloat16 || t == DType::kBFloat16) && g.c % 8 == 0 && (g.k == 3 || g.k == 5 || g.k == 7) &&
         g.stride >= 1 && g.pad >= 0 && g.pad < g.k;
}

cudaError_t LaunchDepthwiseNhwc(DType t, const void* x, const void* w, const void* bias, const void* z, void* y,
                                const DepthwiseGeometry& g, const Act& act, cudaStream_t stream) {
  if (!DepthwiseSupported(t, g)) return cudaErrorInvalidValue;
  return t == DType::kFloat16 ? LaunchTyped<__half>(x, w, bias, z, y, g, act, stream)
                              : LaunchTyped<__nv_bfloat16>(x, w, bias, z, y, g, act, stream);
}

}  // namespace cuda
}  // namespace hybridrt
