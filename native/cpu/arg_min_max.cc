// ArgMax / ArgMin (ONNX) along one axis: x viewed as (outer, len, inner); for each of the
// outer*inner lines, the index of its largest (smallest) element as int64, the first of equal
// ones, or the last with lastIndex (ONNX's select_last_index). Half inputs are widened by the
// half adapter (exactly). NaN is not ordered: a line holding one gives what the comparisons give.
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

class ArgMinMaxKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const AxisSplit a = SplitAtAxis(in_[0].shape, params().Int("axis"));
    outer_ = a.outer;
    len_ = a.len;
    inner_ = a.inner;
    max_ = params().String("op") == "max";
    last_ = params().Bool("lastIndex");
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    DispatchNumeric(in_[0].dtype, [&](auto tag) { Run<decltype(tag)>(args); });
  }

 private:
  template <typename T>
  void Run(const KernelArgs& args) const {
    const T* x = static_cast<const T*>(args.inputs[0]);
    int64_t* y = static_cast<int64_t*>(args.outputs[0]);
    Par(outer_ * inner_, std::max<int64_t>(1, 4096 / std::max<int64_t>(len_, 1)), [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) {
        const T* line = x + (l / inner_) * len_ * inner_ + l % inner_;
        int64_t best = 0;
        for (int64_t k = 1; k < len_; ++k) {
          const T v = line[k * inner_], b = line[best * inner_];
          const bool better = max_ ? (v > b || (last_ && v == b)) : (v < b || (last_ && v == b));
          if (better) best = k;
        }
        y[l] = best;
      }
    });
  }

  int64_t outer_ = 1, len_ = 1, inner_ = 1;
  bool max_ = true, last_ = false;
};

}  // namespace

std::unique_ptr<Kernel> MakeArgMinMax() { return std::make_unique<ArgMinMaxKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
