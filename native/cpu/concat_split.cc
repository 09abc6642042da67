// Concat and split along an axis, any dtype: both views their tensors as (outer, axis *
// inner) and copy blocks of contiguous bytes, in parallel over the outer index.
#include <algorithm>
#include <cstring>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

// Concat gathers its parts (the inputs) into the whole (the output); split scatters the whole
// (the input) into its parts (the outputs). Same blocks, copied in the other direction.
class AxisPartsKernel : public CpuKernel {
 public:
  explicit AxisPartsKernel(bool gather) : gather_(gather) {}

 protected:
  void PrepareKernel() override {
    const int64_t axis = params().Int("axis");
    const TensorDesc& whole = gather_ ? out_[0] : in_[0];
    const size_t es = DTypeSize(whole.dtype);
    const AxisSplit a = SplitAtAxis(whole.shape, axis);
    outer_ = a.outer;
    whole_block_ = a.BlockBytes(es);
    for (const TensorDesc& d : gather_ ? in_ : out_) blocks_.push_back(SplitAtAxis(d.shape, axis).BlockBytes(es));
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    Par(outer_, std::max<int64_t>(1, 256 * 1024 / std::max<int64_t>(static_cast<int64_t>(whole_block_), 1)),
        [&](int64_t o0, int64_t o1) {
          for (int64_t o = o0; o < o1; ++o) {
            size_t at = o * whole_block_;
            for (size_t i = 0; i < blocks_.size(); ++i) {
              const size_t b = blocks_[i];
              if (b && gather_) {
                std::memcpy(static_cast<uint8_t*>(args.outputs[0]) + at,
                            static_cast<const uint8_t*>(args.inputs[i]) + o * b, b);
              } else if (b) {
                std::memcpy(static_cast<uint8_t*>(args.outputs[i]) + o * b,
                            static_cast<const uint8_t*>(args.inputs[0]) + at, b);
              }
              at += b;
            }
          }
        });
  }

 private:
  bool gather_;
  int64_t outer_ = 1;
  size_t whole_block_ = 0;
  std::vector<size_t> blocks_;
};

}  // namespace

std::unique_ptr<Kernel> MakeConcat() { return std::make_unique<AxisPartsKernel>(true); }
std::unique_ptr<Kernel> MakeSplit() { return std::make_unique<AxisPartsKernel>(false); }

}  // namespace cpu
}  // namespace hybridrt
