// The reduce layer's excite tail (reduce.cu's header comment: the builder's squeeze-excitation
// form, fusion.h): the hidden layer, the gate, and the gate's multiply, as kernels reduce.cu
// launches. Included by reduce.cu only.
#pragma once

#include "cuda/device_common.cuh"

namespace hybridrt {
namespace cuda {
namespace {

// The excite tail, part 1: h[n] = act1(w1 m + b1) [Cr] for sample n = blockIdx.x, one warp
// per hidden unit (blockIdx.y picks kHiddenPerBlock of them). Each block first finishes the
// sample's means m [C] (from column slices `partial` [N][splits][C], or row means `means`
// [N*C]) into `m_scratch`: shared memory, or its own slot of global memory where C floats do
// not fit. These layers are tiny at batch 1, so every loop is written for latency: a thread
// per channel with its slices' loads independent, and 16-byte weight loads where C allows.
constexpr int kExciteThreads = 256, kHiddenPerBlock = kExciteThreads / 32;

template <typename T>
__global__ void ExciteHidden(const double* partial, int splits, const T* means, int64_t len, const T* w1, const T* b1,
                             float* hidden_out, int channels, int hidden, Act act1, float* global_m) {
  extern __shared__ float dyn[];
  float* m = global_m ? global_m + (static_cast<int64_t>(blockIdx.x) * gridDim.y + blockIdx.y) * channels : dyn;
  const int64_t n = blockIdx.x;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const double inv = 1.0 / static_cast<double>(len);
  if (partial) {
    const double* p = partial + n * splits * channels;
#pragma unroll 2
    for (int c = threadIdx.x; c < channels; c += blockDim.x) {
      double acc[4] = {0, 0, 0, 0};
      int s = 0;
      for (; s + 4 <= splits; s += 4) {
#pragma unroll
        for (int k = 0; k < 4; ++k) acc[k] += p[static_cast<int64_t>(s + k) * channels + c];
      }
      for (; s < splits; ++s) acc[0] += p[static_cast<int64_t>(s) * channels + c];
      m[c] = static_cast<float>((acc[0] + acc[1] + acc[2] + acc[3]) * inv);
    }
  } else {
    for (int c = threadIdx.x; c < channels; c += blockDim.x) m[c] = ToFloat(means[n * channels + c]);
  }
  __syncthreads();
  const int r = blockIdx.y * kHiddenPerBlock + warp;
  if (r >= hidden) return;
  const T* row = w1 + static_cast<int64_t>(r) * channels;
  float acc = 0;
  if (sizeof(T) == 2 && channels % 8 == 0) {
    const Vec8<T>* rv = reinterpret_cast<const Vec8<T>*>(row);
#pragma unroll 2
    for (int v = lane; v < channels / 8; v += 32) {
      const Vec8<T> wv = rv[v];
#pragma unroll
      for (int k = 0; k < 8; ++k) acc += ToFloat(wv.v[k]) * m[v * 8 + k];
    }
  } else {
#pragma unroll 4
    for (int c = lane; c < channels; c += 32) acc += ToFloat(row[c]) * m[c];
  }
  for (int off = 16; off > 0; off >>= 1) acc += __shfl_down_sync(0xffffffffu, acc, off);
  if (lane == 0) {
    const float v = acc + ToFloat(b1[r]);
    hidden_out[n * hidden + r] = act1.op != kNoActivation ? Activate(act1, v) : v;
  }
}

// Part 2: y[n][c] = act2(w2[c] . h[n] + b2[c]), a thread per channel (blockIdx.y picks
// kExciteThreads channels of sample blockIdx.x).
template <typename T>
__global__ void ExciteOutput(const float* h_in, const T* w2, const T* b2, T* y, int channels, int hidden, Act act2) {
  const int64_t n = blockIdx.x;
  const int c = blockIdx.y * blockDim.x + threadIdx.x;
  if (c >= channels) return;
  const float* h = h_in + n * hidden;
  const T* row = w2 + static_cast<int64_t>(c) * hidden;
  float acc[4] = {ToFloat(b2[c]), 0, 0, 0};
  int r = 0;
  for (; r + 4 <= hidden; r += 4) {
#pragma unroll
    for (int k = 0; k < 4; ++k) acc[k] += ToFloat(row[r + k]) * h[r + k];
  }
  for (; r < hidden; ++r) acc[0] += ToFloat(row[r]) * h[r];
  const float v = acc[0] + acc[1] + acc[2] + acc[3];
  y[n * channels + c] = FromFloat<T>(act2.op != kNoActivation ? Activate(act2, v) : v);
}

// exciteScale, channels-last 2-byte types with C a multiple of 8: the gate and the scale in
// one kernel. Block (pixel chunk, channel tile, n): the gate g of the tile's (up to 256)
// channels into shared memory, a thread per channel (as ExciteOutput), then y = x * g over the
// chunk's pixels of the tile, 8 channels per thread.
constexpr int kScaleTile = 256, kScaleVecPerBlock = 2048;

template <typename T>
__global__ void ExciteScaleNhwc(const T* x, const float* h_in, const T* w2, const T* b2, T* y, int channels, int hidden,
                                int64_t pixels, int pixels_per_chunk, Act act2) {
  __shared__ float g[kScaleTile];
  const int64_t n = blockIdx.z;
  const int c0 = blockIdx.y * kScaleTile;
  const int tile = min(kScaleTile, channels - c0);
  const float* h = h_in + n * hidden;
  if (static_cast<int>(threadIdx.x) < tile) {
    const int c = c0 + threadIdx.x;
    const T* row = w2 + static_cast<int64_t>(c) * hidden;
    float acc[8] = {ToFloat(b2[c]), 0, 0, 0, 0, 0, 0, 0};
    int r = 0;
    for (; r + 8 <= hidden; r += 8) {
#pragma unroll
      for (int k = 0; k < 8; ++k) acc[k] += ToFloat(row[r + k]) * h[r + k];
    }
    for (; r < hidden; ++r) acc[0] += ToFloat(row[r]) * h[r];
    float v = 0;
#pragma unroll
    for (int k = 0; k < 8; ++k) v += acc[k];
    // Rounded to the storage type, as the gate tensor of the unfused network is.
    g[threadIdx.x] = ToFloat(FromFloat<T>(act2.op != kNoActivation ? Activate(act2, v) : v));
  }
  __syncthreads();
  const int cv = channels / 8, vt = tile / 8;
  const int64_t p0 = static_cast<int64_t>(blockIdx.x) * pixels_per_chunk;
  // A chunk holds at most kScaleVecPerBlock vectors: 32-bit index arithmetic.
  const unsigned count = static_cast<unsigned>(min(static_cast<int64_t>(pixels_per_chunk), pixels - p0) * vt);
  const Vec8<T>* xv = reinterpret_cast<const Vec8<T>*>(x) + (n * pixels + p0) * cv + c0 / 8;
  Vec8<T>* yv = reinterpret_cast<Vec8<T>*>(y) + (n * pixels + p0) * cv + c0 / 8;
  const unsigned vtu = static_cast<unsigned>(vt), cvu = static_cast<unsigned>(cv);
  for (unsigned k = threadIdx.x; k < count; k += blockDim.x) {
    const unsigned p = k / vtu;
    const int j = static_cast<int>(k - p * vtu);
    const Vec8<T> a = xv[p * cvu + j];
    const float* gc = g + j * 8;
    Vec8<T> o;
#pragma unroll
    for (int e = 0; e < 8; ++e) o.v[e] = FromFloat<T>(ToFloat(a.v[e]) * gc[e]);
    yv[p * cvu + j] = o;
  }
}

// exciteScale otherwise: y = x * g with the gate g [N, C] from ExciteOutput, broadcast over
// the spatial dims (NCHW: spatial = H*W elements per channel; NHWC: C per pixel).
template <typename T>
__global__ void ScaleByGate(const T* x, const T* g, T* y, int64_t n, int64_t channels, int64_t spatial, bool nhwc) {
  HYBRIDRT_GRID_LOOP(i, n) {
    const int64_t gi = nhwc ? (i / (spatial * channels)) * channels + i % channels : i / spatial;
    y[i] = FromFloat<T>(ToFloat(x[i]) * ToFloat(g[gi]));
  }
}

}  // namespace
}  // namespace cuda
}  // namespace hybridrt
