// Range (ONNX Range of integers), its params and values in layers/range.h.
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/range.h"

namespace hybridrt {
namespace cpu {

namespace {

class RangeKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { r_ = ReadRange(params()); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const int64_t n = out_[0].numel;
    if (out_[0].dtype == DType::kInt32) {
      auto* y = static_cast<int32_t*>(args.outputs[0]);
      const auto start = static_cast<int32_t>(r_.start), delta = static_cast<int32_t>(r_.delta);
      for (int64_t i = 0; i < n; ++i) y[i] = RangeValue(start, delta, i);
    } else {
      auto* y = static_cast<int64_t*>(args.outputs[0]);
      for (int64_t i = 0; i < n; ++i) y[i] = RangeValue(r_.start, r_.delta, i);
    }
  }

 private:
  RangeParams r_;
};

}  // namespace

std::unique_ptr<Kernel> MakeRange() { return std::make_unique<RangeKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
