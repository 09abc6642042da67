// Layer, instance and group normalization: each normalized group of elements is one
// contiguous row of x (layer: prod(x[axis:]); instance: one (n, c) plane; group: C/groups
// planes), reduced by one block. Statistics in double whatever the storage type (as the cpu
// backend): mean, then variance = mean((x - mean)^2), y = (x - mean) / sqrt(var + eps) *
// scale + bias, scale/bias indexed per element (layer) or per channel. Layer rows of at most
// kWarpRowMax elements (a transformer's hidden size) go one warp a row, the row held in
// registers between the passes: one read of x instead of three, and no block barriers; in
// 16-byte vectors where the row and the pointers allow (NormalizeRowsWarpVec).
#include "layers/normalization.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

__device__ double BlockSum(double v, double* shared) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < static_cast<int>(blockDim.x >> 5) ? shared[lane] : 0.0;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    if (lane == 0) shared[0] = v;
  }
  __syncthreads();
  v = shared[0];
  __syncthreads();
  return v;
}

template <typename T>
__global__ void NormalizeRows(const T* x, const T* scale, const T* bias, T* y, NormalizationGeometry g) {
  __shared__ double shared[32];
  for (int64_t r = blockIdx.x; r < g.rows; r += gridDim.x) {
    const T* p = x + r * g.row;
    T* q = y + r * g.row;
    double sum = 0;
    for (int64_t j = threadIdx.x; j < g.row; j += blockDim.x) sum += ToFloat(p[j]);
    const double mean = BlockSum(sum, shared) / static_cast<double>(g.row);
    double sq = 0;
    for (int64_t j = threadIdx.x; j < g.row; j += blockDim.x) {
      const double d = ToFloat(p[j]) - mean;
      sq += d * d;
    }
    const double var = BlockSum(sq, shared) / static_cast<double>(g.row);
    const double inv = 1.0 / sqrt(var + g.eps);
    const int64_t c0 = g.layer ? 0 : (r % g.groups) * g.per_group;
    for (int64_t j = threadIdx.x; j < g.row; j += blockDim.x) {
      const int64_t k = g.layer ? j : c0 + j / g.spatial;
      const double b = bias ? static_cast<double>(ToFloat(bias[k])) : 0.0;
      q[j] = FromFloat<T>(static_cast<float>((ToFloat(p[j]) - mean) * inv * ToFloat(scale[k]) + b));
    }
  }
}

constexpr int kWarpRowMax = 2048;

// Layer mode, one warp per row of at most 32 * kPerLane elements: lane l holds elements
// l, l + 32, ... in registers; the same arithmetic as NormalizeRows, per row.
template <typename T, int kPerLane>
__global__ void NormalizeRowsWarp(const T* x, const T* scale, const T* bias, T* y, NormalizationGeometry g) {
  const int lane = threadIdx.x % 32;
  const int warps = blockDim.x / 32;
  const int n = static_cast<int>(g.row);
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * warps + threadIdx.x / 32; r < g.rows;
       r += static_cast<int64_t>(gridDim.x) * warps) {
    const T* p = x + r * g.row;
    T* q = y + r * g.row;
    float v[kPerLane];
    double sum = 0;
#pragma unroll
    for (int k = 0; k < kPerLane; ++k) {
      const int j = lane + 32 * k;
      v[k] = j < n ? ToFloat(p[j]) : 0.f;
      sum += v[k];
    }
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
    const double mean = sum / static_cast<double>(n);
    double sq = 0;
#pragma unroll
    for (int k = 0; k < kPerLane; ++k) {
      if (lane + 32 * k < n) {
        const double d = v[k] - mean;
        sq += d * d;
      }
    }
    for (int o = 16; o > 0; o >>= 1) sq += __shfl_xor_sync(0xffffffffu, sq, o);
    const double inv = 1.0 / sqrt(sq / static_cast<double>(n) + g.eps);
#pragma unroll
    for (int k = 0; k < kPerLane; ++k) {
      const int j = lane + 32 * k;
      if (j >= n) break;
      const double b = bias ? static_cast<double>(ToFloat(bias[j])) : 0.0;
      q[j] = FromFloat<T>(static_cast<float>((v[k] - mean) * inv * ToFloat(scale[j]) + b));
    }
  }
}

// NormalizeRowsWarp in 16-byte vectors (kVec elements of T): rows whose length is a multiple
// of kVec, x, y, scale and bias 16-byte aligned. Lane l holds vectors l, l + 32, ... (at most
// kChunks), in registers between the passes: one load instruction per 16 bytes instead of one
// per element (a transformer's LayerNorm is bound by its loads' latency). Same arithmetic.
template <typename T, int kChunks>
__global__ void NormalizeRowsWarpVec(const T* x, const T* scale, const T* bias, T* y, NormalizationGeometry g) {
  constexpr int kVec = 16 / sizeof(T);
  const int lane = threadIdx.x % 32;
  const int warps = blockDim.x / 32;
  const int chunks = static_cast<int>(g.row) / kVec;
  const uint4* sc = reinterpret_cast<const uint4*>(scale);
  const uint4* bi = reinterpret_cast<const uint4*>(bias);
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * warps + threadIdx.x / 32; r < g.rows;
       r += static_cast<int64_t>(gridDim.x) * warps) {
    const uint4* p = reinterpret_cast<const uint4*>(x + r * g.row);
    uint4* q = reinterpret_cast<uint4*>(y + r * g.row);
    float v[kChunks][kVec];
    double sum = 0;
#pragma unroll
    for (int k = 0; k < kChunks; ++k) {
      const int c = lane + 32 * k;
      const uint4 raw = c < chunks ? p[c] : make_uint4(0, 0, 0, 0);
      const T* e = reinterpret_cast<const T*>(&raw);
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        v[k][j] = ToFloat(e[j]);
        sum += v[k][j];
      }
    }
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
    const double mean = sum / static_cast<double>(g.row);
    double sq = 0;
#pragma unroll
    for (int k = 0; k < kChunks; ++k) {
      if (lane + 32 * k >= chunks) break;
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        const double d = v[k][j] - mean;
        sq += d * d;
      }
    }
    for (int o = 16; o > 0; o >>= 1) sq += __shfl_xor_sync(0xffffffffu, sq, o);
    const double inv = 1.0 / sqrt(sq / static_cast<double>(g.row) + g.eps);
#pragma unroll
    for (int k = 0; k < kChunks; ++k) {
      const int c = lane + 32 * k;
      if (c >= chunks) break;
      const uint4 s_raw = sc[c];
      const uint4 b_raw = bi ? bi[c] : make_uint4(0, 0, 0, 0);
      const T* s_e = reinterpret_cast<const T*>(&s_raw);
      const T* b_e = reinterpret_cast<const T*>(&b_raw);
      uint4 out;
      T* o_e = reinterpret_cast<T*>(&out);
#pragma unroll
      for (int j = 0; j < kVec; ++j) {
        const double b = bi ? static_cast<double>(ToFloat(b_e[j])) : 0.0;
        o_e[j] = FromFloat<T>(static_cast<float>((v[k][j] - mean) * inv * ToFloat(s_e[j]) + b));
      }
      q[c] = out;
    }
  }
}

class NormalizationKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    g_ = NormalizationRows(ReadNormalization(params()), in_[0].shape);
    if (g_.spatial == 0) g_.spatial = 1;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (g_.rows == 0) return;
    const unsigned grid = static_cast<unsigned>(std::min<int64_t>(g_.rows, 65535 * 16));
    DispatchFloat(in_[0].dtype, [&](auto tag) {
      using T = decltype(tag);
      const T* x = static_cast<const T*>(args.inputs[0]);
      const T* scale = static_cast<const T*>(args.inputs[1]);
      const T* bias = args.inputs.size() > 2 ? static_cast<const T*>(args.inputs[2]) : nullptr;
      T* y = static_cast<T*>(args.outputs[0]);
      const cudaStream_t s = S(stream);
      if (g_.layer && g_.row <= kWarpRowMax) {
        const int warps = kThreads / 32;
        const unsigned wgrid = static_cast<unsigned>(std::min<int64_t>((g_.rows + warps - 1) / warps, 65535 * 16));
        constexpr int kVec = 16 / sizeof(T);
        const auto aligned = [](const void* q) { return (reinterpret_cast<uintptr_t>(q) & 15) == 0; };
        const int64_t vectors = g_.row / kVec;
        if (g_.row % kVec == 0 && vectors <= 256 && aligned(x) && aligned(y) && aligned(scale) &&
            (!bias || aligned(bias))) {
          if (vectors <= 32) NormalizeRowsWarpVec<T, 1><<<wgrid, kThreads, 0, s>>>(x, scale, bias, y, g_);
          else if (vectors <= 64) NormalizeRowsWarpVec<T, 2><<<wgrid, kThreads, 0, s>>>(x, scale, bias, y, g_);
          else if (vectors <= 128) NormalizeRowsWarpVec<T, 4><<<wgrid, kThreads, 0, s>>>(x, scale, bias, y, g_);
          else NormalizeRowsWarpVec<T, 8><<<wgrid, kThreads, 0, s>>>(x, scale, bias, y, g_);
          return;
        }
        if (g_.row <= 256) NormalizeRowsWarp<T, 8><<<wgrid, kThreads, 0, s>>>(x, scale, bias, y, g_);
        else if (g_.row <= 1024) NormalizeRowsWarp<T, 32><<<wgrid, kThreads, 0, s>>>(x, scale, bias, y, g_);
        else NormalizeRowsWarp<T, 64><<<wgrid, kThreads, 0, s>>>(x, scale, bias, y, g_);
        return;
      }
      NormalizeRows<T><<<grid, kThreads, 0, s>>>(x, scale, bias, y, g_);
    });
    CheckLaunch("normalization kernel launch");
  }

 private:
  NormalizationGeometry g_{};
};

}  // namespace

std::unique_ptr<Kernel> MakeNormalization(CudaBackend* b) { return std::make_unique<NormalizationKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
