// Shuffle (TensorRT's): transpose by firstPerm, reshape (free: row-major order is kept),
// transpose by secondPerm. With both permutations the first goes to the workspace.
#include <memory>
#include <numeric>
#include <string>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/transpose.h"
#include "layers/shuffle.h"

namespace hybridrt {
namespace cpu {

namespace {

class ShuffleKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    const size_t es = DTypeSize(in_[0].dtype);
    ShuffleShapes shapes;
    std::string why;
    if (!ShuffleShapesOf(ReadShuffleParams(*layer_, x.size()), x, &shapes, &why)) Bad(ErrorCode::kNative, why);
    first_ = std::make_unique<Transpose>(x, shapes.first_perm, es);
    second_ = std::make_unique<Transpose>(shapes.reshaped, shapes.second_perm, es);
    if (!first_->identity() && !second_->identity()) workspace_ = in_[0].bytes;
  }

 public:
  size_t WorkspaceBytes() const override { return workspace_; }

  void Enqueue(const KernelArgs& args, Stream&) const override {
    if (second_->identity()) {
      first_->Run(args.inputs[0], args.outputs[0], threads_);
    } else if (first_->identity()) {
      second_->Run(args.inputs[0], args.outputs[0], threads_);
    } else {
      first_->Run(args.inputs[0], args.workspace, threads_);
      second_->Run(args.workspace, args.outputs[0], threads_);
    }
  }

 private:
  std::unique_ptr<Transpose> first_, second_;
  size_t workspace_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeShuffle() { return std::make_unique<ShuffleKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
