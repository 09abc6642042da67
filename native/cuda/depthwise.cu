// Depthwise convolution, channels-last, fp16/bf16: the "depthwise_nhwc" tactic of
// conv_cudnn.cc, timed there against cuDNN's configurations (mobilenet's and efficientnet's
// 3x3 and 5x5 depthwise layers, where cuDNN's kernels ran well below the memory bandwidth and
// its fused graphs ten times slower than unfused ones).
//
// x [N, H, W, C], weights [C, K, K, 1] (the layout pass's channels-last filter), y [N, OH, OW,
// C], the input clipped to input_max as it is loaded (a relu6 producer's upper clip, moved
// here by the layout pass); one thread computes 8 channels of one output pixel (16-byte
// loads), in fp32, then the
// bias, the residual and the activation. A block holds up to 32 vector columns (256
// channels) of a tile of pixels (about twice as wide as high, so that neighbouring rows'
// windows overlap in L1 too), with its channels' weights transposed to [K*K][channels] in
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
__global__ void DepthwiseNhwc(const T* x, const T* w, const T* bias, const T* z, T* y, DepthwiseGeometry g, Act act,
                              int tile_h, int tile_w) {
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
  // 32-bit index arithmetic throughout (DepthwiseSupported bounds the tensors): a 64-bit
  // division is a long software sequence, three per pixel cost more than the convolution.
  // Output tiles of tile_h x tile_w pixels (blockDim.y of them), so that neighbouring rows'
  // windows overlap in the block's L1 as neighbouring columns' do.
  const unsigned tiles_h = (g.oh + tile_h - 1) / tile_h, tiles_w = (g.ow + tile_w - 1) / tile_w;
  const unsigned tiles = static_cast<unsigned>(g.n) * tiles_h * tiles_w;
  const int dy = threadIdx.y / tile_w, dx = threadIdx.y - dy * tile_w;
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
  for (unsigned t = blockIdx.x; t < tiles; t += gridDim.x) {
    const unsigned trow = t / tiles_w;
    const unsigned n = trow / tiles_h;
    const int oh = static_cast<int>(trow - n * tiles_h) * tile_h + dy;
    const int ow = static_cast<int>(t - trow * tiles_w) * tile_w + dx;
    if (dy >= tile_h || oh >= g.oh || ow >= g.ow) continue;
    const unsigned pix = (n * g.oh + oh) * g.ow + ow;
    float acc[8];
#pragma unroll
    for (int k = 0; k < 8; ++k) acc[k] = b[k];
    const Vec8<T>* xv = reinterpret_cast<const Vec8<T>*>(x) + n * static_cast<unsigned>(g.h * g.w * cv) + vc;
    const int ih0 = oh * g.stride - g.pad, iw0 = ow * g.stride - g.pad;
    // Every tap's load is issued unconditionally (from a clamped position, its value then
    // zeroed outside the image), so that a batch of rows' loads are in flight together rather
    // than one bounds check at a time: all K*K taps for K <= 5, a row at a time for 7 (whose
    // 49 vectors would not fit the registers).
    constexpr int kRows = K <= 5 ? K : 1;
#pragma unroll
    for (int kh0 = 0; kh0 < K; kh0 += kRows) {
      Vec8<T> a[kRows * K];
#pragma unroll
      for (int r = 0; r < kRows; ++r) {
        const int ih = min(max(ih0 + kh0 + r, 0), g.h - 1);
#pragma unroll
        for (int kw = 0; kw < K; ++kw) {
          const int iw = min(max(iw0 + kw, 0), g.w - 1);
          a[r * K + kw] = xv[(ih * g.w + iw) * cv];
        }
      }
#pragma unroll
      for (int r = 0; r < kRows; ++r) {
        const int kh = kh0 + r;
        const bool row_in = ih0 + kh >= 0 && ih0 + kh < g.h;
#pragma unroll
        for (int kw = 0; kw < K; ++kw) {
          const bool in = row_in && iw0 + kw >= 0 && iw0 + kw < g.w;
          const Vec8<T> fv = wv[(kh * K + kw) * cols];
#pragma unroll
          for (int k = 0; k < 8; ++k) {
            const float v = ToFloat(a[r * K + kw].v[k]);
            const float clipped = g.input_max < v ? g.input_max : v;  // NaN stays NaN
            acc[k] += in ? clipped * ToFloat(fv.v[k]) : 0.0f;
          }
        }
      }
    }
    const unsigned out = pix * cv + vc;
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
  // The block's pixels as a tile about twice as wide as high (rows = tile_h * tile_w).
  int tile_w = rows, tile_h = 1;
  for (int cand : {8, 7, 6, 5, 4}) {
    if (rows % cand == 0 && rows / cand >= 2) {
      tile_w = cand;
      tile_h = rows / cand;
      break;
    }
  }
  const int64_t tiles = static_cast<int64_t>(g.n) * ((g.oh + tile_h - 1) / tile_h) * ((g.ow + tile_w - 1) / tile_w);
  const dim3 grid(static_cast<unsigned>(tiles < kMaxTiles ? tiles : kMaxTiles),
                  static_cast<unsigned>((cv + cols - 1) / cols));
  DepthwiseNhwc<T, K><<<grid, dim3(cols, rows), 0, s>>>(static_cast<const T*>(x), static_cast<const T*>(w),
                                                        static_cast<const T*>(bias), static_cast<const T*>(z),
                                                        static_cast<T*>(y), g, act, tile_h, tile_w);
  return cudaGetLastError();
}

template <typename T>
cudaError_t LaunchTyped(const void* x, const void* w, const void* bias, const void* z, void* y,
                        const DepthwiseGeometry& g, const Act& act, cudaStream_t s) {
  switch (g.k) {
    case 3: return Launch<T, 3>(x, w, bias, z, y, g, act, s);
    case 5: return Launch<T, 5>(x, w, bias, z, y, g, act, s);
    case 7: return Launch<T, 7>(x, w, bias, z, y, g, act, s);
    default: return cudaErrorInvalidValue;
  }
}

template <typename T>
__global__ void ClipCopyVec8(const T* x, T* y, int64_t n8, float hi) {
  HYBRIDRT_GRID_LOOP(i, n8) {
    Vec8<T> v = reinterpret_cast<const Vec8<T>*>(x)[i];
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      const float f = ToFloat(v.v[k]);
      v.v[k] = FromFloat<T>(hi < f ? hi : f);
    }
    reinterpret_cast<Vec8<T>*>(y)[i] = v;
  }
}

}  // namespace

cudaError_t LaunchClipCopy(DType t, const void* x, void* y, int64_t n, float hi, cudaStream_t stream) {
  if (t != DType::kFloat16 && t != DType::kBFloat16) return cudaErrorInvalidValue;
  if (n % 8 != 0) return cudaErrorInvalidValue;
  if (t == DType::kFloat16) {
    ClipCopyVec8<__half>
        <<<GridFor(n / 8), kThreads, 0, stream>>>(static_cast<const __half*>(x), static_cast<__half*>(y), n / 8, hi);
  } else {
    ClipCopyVec8<__nv_bfloat16><<<GridFor(n / 8), kThreads, 0, stream>>>(static_cast<const __nv_bfloat16*>(x),
                                                                         static_cast<__nv_bfloat16*>(y), n / 8, hi);
  }
  return cudaGetLastError();
}

bool DepthwiseSupported(DType t, const DepthwiseGeometry& g) {
  const int64_t in = static_cast<int64_t>(g.n) * g.h * g.w * g.c, out = static_cast<int64_t>(g.n) * g.oh * g.ow * g.c;
  return (t == DType::kFloat16 || t == DType::kBFloat16) && g.c % 8 == 0 && (g.k == 3 || g.k == 5 || g.k == 7) &&
         g.stride >= 1 && g.pad >= 0 && g.pad < g.k && in < kInt32LoopLimit && out < kInt32LoopLimit;
}

cudaError_t LaunchDepthwiseNhwc(DType t, const void* x, const void* w, const void* bias, const void* z, void* y,
                                const DepthwiseGeometry& g, const Act& act, cudaStream_t stream) {
  if (!DepthwiseSupported(t, g)) return cudaErrorInvalidValue;
  return t == DType::kFloat16 ? LaunchTyped<__half>(x, w, bias, z, y, g, act, stream)
                              : LaunchTyped<__nv_bfloat16>(x, w, bias, z, y, g, act, stream);
}

}  // namespace cuda
}  // namespace hybridrt
