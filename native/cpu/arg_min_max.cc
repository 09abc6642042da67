// ArgMax / ArgMin (ONNX) along one axis: x viewed as (outer, len, inner); for each of the
// outer*inner lines, the index of its largest (smallest) element as int64 in src/ir/arg_order.h's
// order (the first of equal ones, or the last with lastIndex: ONNX's select_last_index). Half
// inputs are widened by the half adapter (exactly).
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/arg_order.h"

namespace hybridrt {
namespace cpu {

namespace {

class ArgMinMaxKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    split_ = SplitAtAxis(in_[0].shape, params().Int("axis"));
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
    const int64_t len = split_.len, inner = split_.inner;
    Par(split_.lines(), std::max<int64_t>(1, 4096 / std::max<int64_t>(len, 1)), [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) {
        const T* line = x + split_.LineStart(l);
        int64_t best = 0;
        for (int64_t k = 1; k < len; ++k) {
          const T v = line[k * inner], b = line[best * inner];
          if (ArgReplaces(v, b, max_, last_)) best = k;
        }
        y[l] = best;
      }
    });
  }

  AxisSplit split_;
  bool max_ = true, last_ = false;
};

}  // namespace

std::unique_ptr<Kernel> MakeArgMinMax() { return std::make_unique<ArgMinMaxKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
