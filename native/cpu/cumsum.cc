// CumSum (ONNX CumSum) along one axis: x viewed as (outer, len, inner), each of the outer*inner
// lines summed in order (reverse: from its end), each output the sum before (exclusive) or up to
// and including its element. Floats sum in fp32 (half tensors through the half adapter), as
// onnxruntime does; int32 and int64 wrap (int_arith.h).
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/int_arith.h"

namespace hybridrt {
namespace cpu {

namespace {

template <typename T>
T Plus(T a, T b) {
  if constexpr (std::is_integral_v<T>) return WrapAdd(a, b);
  else return a + b;
}

class CumSumKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    split_ = SplitAtAxis(in_[0].shape, params().Int("axis"));
    exclusive_ = params().Bool("exclusive");
    reverse_ = params().Bool("reverse");
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    DispatchNumeric(in_[0].dtype, [&](auto tag) { Run<decltype(tag)>(args); });
  }

 private:
  template <typename T>
  void Run(const KernelArgs& args) const {
    const T* x = static_cast<const T*>(args.inputs[0]);
    T* y = static_cast<T*>(args.outputs[0]);
    const int64_t len = split_.len, inner = split_.inner;
    Par(split_.lines(), std::max<int64_t>(1, 4096 / std::max<int64_t>(len, 1)), [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) {
        const int64_t base = split_.LineStart(l);
        T sum = 0;
        for (int64_t k = 0; k < len; ++k) {
          const int64_t at = base + (reverse_ ? len - 1 - k : k) * inner;
          if (exclusive_) {
            y[at] = sum;
            sum = Plus(sum, x[at]);
          } else {
            sum = Plus(sum, x[at]);
            y[at] = sum;
          }
        }
      }
    });
  }

  AxisSplit split_;
  bool exclusive_ = false, reverse_ = false;
};

}  // namespace

std::unique_ptr<Kernel> MakeCumSum() { return std::make_unique<CumSumKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
