// Range (ONNX Range of integers): y[i] = start + i * delta in the output's type, wrapping in two's
// complement as the engine's integer arithmetic does (RangeValue, layers/range.h), one thread per
// element. The engine gives this kernel the plain layer, its start and delta resolved at the
// run's shapes (computed_layers.h), so each shape instance (and its CUDA graph) holds its own.
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/range.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
__global__ void RangeKernel(T* y, int64_t n, T start, T delta) {
  HYBRIDRT_GRID_LOOP(i, n) { y[i] = RangeValue(start, delta, i); }
}

class RangeLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override { r_ = ReadRange(params()); }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    if (n == 0) return;
    if (out_[0].dtype == DType::kInt32) {
      RangeKernel<int32_t><<<GridFor(n), kThreads, 0, S(stream)>>>(
          static_cast<int32_t*>(args.outputs[0]), n, static_cast<int32_t>(r_.start), static_cast<int32_t>(r_.delta));
    } else {
      RangeKernel<int64_t>
          <<<GridFor(n), kThreads, 0, S(stream)>>>(static_cast<int64_t*>(args.outputs[0]), n, r_.start, r_.delta);
    }
    CheckLaunch("range kernel launch");
  }

 private:
  RangeParams r_;
};

}  // namespace

std::unique_ptr<Kernel> MakeRange(CudaBackend* b) { return std::make_unique<RangeLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
