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
__global__ void CumSumLines(const T* x, T* y, int64_t lines, int64_t len, int64_t inner, bool exclusive, bool reverse) {
  HYBRIDRT_GRID_LOOP(l, lines) {
    const int64_t base = (l / inner) * len * inner + l % inner;
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
    const AxisSplit a = SplitAtAxis(in_[0].shape, params().Int("axis"));
    lines_ = a.outer * a.inner;
    len_ = a.len;
    inner_ = a.inner;
    exclusive_ = params().Bool("exclusive");
    reverse_ = params().Bool("reverse");
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (lines_ == 0 || len_ == 0) return;
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      CumSumLines<T><<<GridFor(lines_), kThreads, 0, S(stream)>>>(static_cast<const T*>(args.inputs[0]),
                                                                  static_cast<T*>(args.outputs[0]), lines_, len_,
                                                                  inner_, exclusive_, reverse_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("cumsum kernel launch");
  }

 private:
  int64_t lines_ = 0, len_ = 0, inner_ = 1;
  bool exclusive_ = false, reverse_ = false;
};

}  // namespace

std::unique_ptr<Kernel> MakeCumSum(CudaBackend* b) { return std::make_unique<CumSumLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
