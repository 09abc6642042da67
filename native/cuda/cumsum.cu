// CumSum (ONNX CumSum) along one axis: x viewed as (outer, len, inner), one thread per line
// summing it in order (reverse: from its end), as cpu/cumsum.cc does: floats in fp32 (half
// tensors widened and rounded once per output), int32 and int64 wrapping. Neighbouring threads
// take neighbouring inner positions, so their loads coalesce where inner > 1.
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

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
__device__ __forceinline__ Acc<T> Plus(Acc<T> a, Acc<T> b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

template <typename T>
__global__ void CumSumLines(const T* x, T* y, AxisSplit s, bool exclusive, bool reverse) {
  const int64_t len = s.len, inner = s.inner;
  HYBRIDRT_GRID_LOOP(l, s.lines()) {
    const int64_t base = s.LineStart(l);
    Acc<T> sum = 0;
    for (int64_t k = 0; k < len; ++k) {
      const int64_t at = base + (reverse ? len - 1 - k : k) * inner;
      const Acc<T> v = Widen(x[at]);
      if (exclusive) {
        y[at] = Narrow<T>(sum);
        sum = Plus<T>(sum, v);
      } else {
        sum = Plus<T>(sum, v);
        y[at] = Narrow<T>(sum);
      }
    }
  }
}

class CumSumLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    split_ = SplitAtAxis(in_[0].shape, params().Int("axis"));
    exclusive_ = params().Bool("exclusive");
    reverse_ = params().Bool("reverse");
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (split_.lines() == 0 || split_.len == 0) return;
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      CumSumLines<T><<<GridFor(split_.lines()), kThreads, 0, S(stream)>>>(
          static_cast<const T*>(args.inputs[0]), static_cast<T*>(args.outputs[0]), split_, exclusive_, reverse_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("cumsum kernel launch");
  }

 private:
  AxisSplit split_;
  bool exclusive_ = false, reverse_ = false;
};

}  // namespace

std::unique_ptr<Kernel> MakeCumSum(CudaBackend* b) { return std::make_unique<CumSumLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
