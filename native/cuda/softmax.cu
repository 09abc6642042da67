// Softmax and log-softmax along one axis, over the lines layers/softmax.h cuts x into: each line
// is shifted by its max, exponentiated in fp32 and normalized by a sum accumulated in double,
// whatever the storage type. Contiguous lines (inner = 1) take a block each; strided lines a
// thread each, so that neighbouring threads read neighbouring elements.
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/softmax.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename Op>
__device__ double BlockReduce(double v, double* shared, Op op, double init) {
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, o));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < static_cast<int>(blockDim.x >> 5) ? shared[lane] : init;
    for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, o));
    if (lane == 0) shared[0] = v;
  }
  __syncthreads();
  v = shared[0];
  __syncthreads();
  return v;  // in every thread
}

template <typename T>
__global__ void SoftmaxRows(const T* x, T* y, int64_t rows, int64_t len, bool log) {
  __shared__ double shared[32];
  auto mx = [](double a, double b) { return a > b ? a : b; };
  auto add = [](double a, double b) { return a + b; };
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* p = x + r * len;
    T* q = y + r * len;
    double m = -INFINITY;
    for (int64_t j = threadIdx.x; j < len; j += blockDim.x) m = fmax(m, static_cast<double>(ToFloat(p[j])));
    const float fm = static_cast<float>(BlockReduce(m, shared, mx, -INFINITY));
    double sum = 0;
    for (int64_t j = threadIdx.x; j < len; j += blockDim.x) sum += expf(ToFloat(p[j]) - fm);
    sum = BlockReduce(sum, shared, add, 0.0);
    if (log) {
      const float ls = static_cast<float>(::log(sum));
      for (int64_t j = threadIdx.x; j < len; j += blockDim.x) q[j] = FromFloat<T>(ToFloat(p[j]) - fm - ls);
    } else {
      const float inv = static_cast<float>(1.0 / sum);
      for (int64_t j = threadIdx.x; j < len; j += blockDim.x) q[j] = FromFloat<T>(expf(ToFloat(p[j]) - fm) * inv);
    }
  }
}

template <typename T>
__global__ void SoftmaxStrided(const T* x, T* y, AxisSplit s, bool log) {
  const int64_t len = s.len, inner = s.inner;
  HYBRIDRT_GRID_LOOP(l, s.lines()) {
    const int64_t start = s.LineStart(l);
    const T* p = x + start;
    T* q = y + start;
    float m = -INFINITY;
    for (int64_t a = 0; a < len; ++a) m = fmaxf(m, ToFloat(p[a * inner]));
    double sum = 0;
    for (int64_t a = 0; a < len; ++a) sum += expf(ToFloat(p[a * inner]) - m);
    if (log) {
      const float ls = static_cast<float>(::log(sum));
      for (int64_t a = 0; a < len; ++a) q[a * inner] = FromFloat<T>(ToFloat(p[a * inner]) - m - ls);
    } else {
      const float inv = static_cast<float>(1.0 / sum);
      for (int64_t a = 0; a < len; ++a) q[a * inner] = FromFloat<T>(expf(ToFloat(p[a * inner]) - m) * inv);
    }
  }
}

class SoftmaxKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override { g_ = ReadSoftmax(params(), in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    DispatchFloat(in_[0].dtype, [&](auto tag) {
      using T = decltype(tag);
      const T* x = static_cast<const T*>(args.inputs[0]);
      T* y = static_cast<T*>(args.outputs[0]);
      const AxisSplit& a = g_.split;
      if (a.inner == 1 && a.len > 32) {
        const unsigned grid = static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(a.outer, 65535 * 16)));
        SoftmaxRows<T><<<grid, kThreads, 0, s>>>(x, y, a.outer, a.len, g_.log);
      } else {
        SoftmaxStrided<T><<<GridFor(a.lines()), kThreads, 0, s>>>(x, y, a, g_.log);
      }
    });
    CheckLaunch("softmax kernel launch");
  }

 private:
  SoftmaxGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeSoftmax(CudaBackend* b) { return std::make_unique<SoftmaxKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
