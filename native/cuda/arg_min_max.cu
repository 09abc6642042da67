// ArgMax / ArgMin (ONNX) along one axis: x viewed as (outer, len, inner), one thread per line
// keeping the index of its largest (smallest) element in src/ir/arg_order.h's order (as
// cpu/arg_min_max.cc does); half inputs compare widened to fp32 (exactly).
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "src/ir/arg_order.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
__device__ __forceinline__ auto Value(T v) {
  if constexpr (std::is_integral_v<T>) return v;
  else return ToFloat(v);
}

template <typename T>
__global__ void ArgLines(const T* x, int64_t* y, AxisSplit s, bool max, bool last) {
  const int64_t len = s.len, inner = s.inner;
  HYBRIDRT_GRID_LOOP(l, s.lines()) {
    const T* line = x + s.LineStart(l);
    int64_t best = 0;
    auto b = Value(line[0]);
    for (int64_t k = 1; k < len; ++k) {
      const auto v = Value(line[k * inner]);
      if (ArgReplaces(v, b, max, last)) {
        best = k;
        b = v;
      }
    }
    y[l] = best;
  }
}

class ArgMinMaxLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    split_ = SplitAtAxis(in_[0].shape, params().Int("axis"));
    max_ = params().String("op") == "max";
    last_ = params().Bool("lastIndex");
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (split_.lines() == 0) return;
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      ArgLines<T><<<GridFor(split_.lines()), kThreads, 0, S(stream)>>>(
          static_cast<const T*>(args.inputs[0]), static_cast<int64_t*>(args.outputs[0]), split_, max_, last_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("argmin/argmax kernel launch");
  }

 private:
  AxisSplit split_;
  bool max_ = true, last_ = false;
};

}  // namespace

std::unique_ptr<Kernel> MakeArgMinMax(CudaBackend* b) { return std::make_unique<ArgMinMaxLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
