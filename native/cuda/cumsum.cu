// CumSum (ONNX CumSum) along one axis: one thread per line of layers/cumsum.h's geometry, summing
// it in that header's order, as cpu/cumsum.cc does: floats in fp32 (half tensors widened and
// rounded once per output), int32 and int64 wrapping. Neighbouring threads take neighbouring
// inner positions, so their loads coalesce where inner > 1.
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/cumsum.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
using Acc = std::conditional_t<std::is_integral_v<T>, T, float>;

template <typename T>
__device__ __forceinline__ Acc<T> Widen(T v) {
  if constexpr (std::is_integral_v<T>) return v;
  else return ToFloat(v);
}

template <typename T>
__device__ __forceinline__ T Narrow(Acc<T> v) {
  if constexpr (std::is_integral_v<T>) return v;
  else return FromFloat<T>(v);
}

template <typename T>
__global__ void CumSumLines(const T* x, T* y, CumSumGeometry g) {
  auto load = [x](int64_t at) { return Widen(x[at]); };
  auto store = [y](int64_t at, Acc<T> sum) { y[at] = Narrow<T>(sum); };
  HYBRIDRT_GRID_LOOP(l, g.split.lines()) CumSumLine<Acc<T>>(g, l, load, store);
}

class CumSumLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override { g_ = ReadCumSum(*layer_, in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (g_.split.lines() == 0 || g_.split.len == 0) return;
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      CumSumLines<T><<<GridFor(g_.split.lines()), kThreads, 0, S(stream)>>>(static_cast<const T*>(args.inputs[0]),
                                                                            static_cast<T*>(args.outputs[0]), g_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("cumsum kernel launch");
  }

 private:
  CumSumGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeCumSum(CudaBackend* b) { return std::make_unique<CumSumLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
