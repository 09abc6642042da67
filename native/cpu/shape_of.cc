// Shape (ONNX Shape): the input's dims as int64, written at run time, so that a dynamic engine's
// shape arithmetic (Gather, Concat, Mul of dims) sees each run's shape. The input's bytes are
// never read.
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

class ShapeOfKernel : public CpuKernel {
 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const Shape& dims = in_[0].shape;
    std::copy(dims.begin(), dims.end(), static_cast<int64_t*>(args.outputs[0]));
  }
};

}  // namespace

std::unique_ptr<Kernel> MakeShapeOf() { return std::make_unique<ShapeOfKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
