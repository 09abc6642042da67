// Range (ONNX Range of integers): y[i] = start + i * delta in the output's type (int32 wraps as
// the engine's integer arithmetic does: int_arith.h). The engine gives this kernel the plain
// layer, its start and delta resolved at the run's shapes (computed_layers.h).
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/int_arith.h"

namespace hybridrt {
namespace cpu {

namespace {

class RangeKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    start_ = params().Ints("start")[0];
    delta_ = params().Ints("delta")[0];
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const int64_t n = out_[0].numel;
    if (out_[0].dtype == DType::kInt32) {
      auto* y = static_cast<int32_t*>(args.outputs[0]);
      const auto start = static_cast<int32_t>(start_), delta = static_cast<int32_t>(delta_);
      for (int64_t i = 0; i < n; ++i) y[i] = WrapAdd(start, WrapMul(static_cast<int32_t>(i), delta));
    } else {
      auto* y = static_cast<int64_t*>(args.outputs[0]);
      for (int64_t i = 0; i < n; ++i) y[i] = WrapAdd(start_, WrapMul(i, delta_));
    }
  }

 private:
  int64_t start_ = 0, delta_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> MakeRange() { return std::make_unique<RangeKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
