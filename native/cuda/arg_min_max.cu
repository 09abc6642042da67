// ArgMax / ArgMin (ONNX) along one axis: one thread per line of layers/arg_min_max.h's geometry
// keeping the index of its largest (smallest) element in that header's order (as
// cpu/arg_min_max.cc does); half inputs compare widened to fp32 (exactly).
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/arg_min_max.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
__device__ __forceinline__ auto Value(T v) {
  if constexpr (std::is_integral_v<T>) return v;
  else return ToFloat(v);
}

template <typename T>
__global__ void ArgLines(const T* x, int64_t* y, ArgMinMaxGeometry g) {
  using V = decltype(Value(x[0]));
  HYBRIDRT_GRID_LOOP(l, g.split.lines()) y[l] = ArgOfLine<V>(g, l, [x](int64_t at) { return Value(x[at]); });
}

class ArgMinMaxLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override { g_ = ReadArgMinMax(*layer_, in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (g_.split.lines() == 0) return;
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      ArgLines<T><<<GridFor(g_.split.lines()), kThreads, 0, S(stream)>>>(static_cast<const T*>(args.inputs[0]),
                                                                         static_cast<int64_t*>(args.outputs[0]), g_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("argmin/argmax kernel launch");
  }

 private:
  ArgMinMaxGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeArgMinMax(CudaBackend* b) { return std::make_unique<ArgMinMaxLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
