// ArgMax / ArgMin (ONNX) along one axis: for each of the lines layers/arg_min_max.h cuts x into,
// the index of its largest (smallest) element as int64 in that header's order (the first of
// equal ones, or the last with lastIndex: ONNX's select_last_index). Half inputs are widened by
// the half adapter (exactly).
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/arg_min_max.h"

namespace hybridrt {
namespace cpu {

namespace {

class ArgMinMaxKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { g_ = ReadArgMinMax(*layer_, in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    DispatchNumeric(in_[0].dtype, [&](auto tag) { Run<decltype(tag)>(args); });
  }

 private:
  template <typename T>
  void Run(const KernelArgs& args) const {
    const T* x = static_cast<const T*>(args.inputs[0]);
    int64_t* y = static_cast<int64_t*>(args.outputs[0]);
    Par(g_.split.lines(), LinesPerChunk(g_.split.len), [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) y[l] = ArgOfLine<T>(g_, l, [x](int64_t at) { return x[at]; });
    });
  }

  ArgMinMaxGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeArgMinMax() { return std::make_unique<ArgMinMaxKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
