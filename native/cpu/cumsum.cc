// CumSum (ONNX CumSum) along one axis: each of the lines layers/cumsum.h cuts x into summed in
// that header's order. Floats sum in fp32 (half tensors through the half adapter), as
// onnxruntime does; int32 and int64 wrap.
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/cumsum.h"

namespace hybridrt {
namespace cpu {

namespace {

class CumSumKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { g_ = ReadCumSum(*layer_, in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    DispatchNumeric(in_[0].dtype, [&](auto tag) { Run<decltype(tag)>(args); });
  }

 private:
  template <typename T>
  void Run(const KernelArgs& args) const {
    const T* x = static_cast<const T*>(args.inputs[0]);
    T* y = static_cast<T*>(args.outputs[0]);
    auto load = [x](int64_t at) { return x[at]; };
    auto store = [y](int64_t at, T sum) { y[at] = sum; };
    Par(g_.split.lines(), LinesPerChunk(g_.split.len), [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) CumSumLine<T>(g_, l, load, store);
    });
  }

  CumSumGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeCumSum() { return std::make_unique<CumSumKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
