// Concat and split along an axis, any dtype: both copy their tensors' blocks of contiguous
// bytes (AxisParts, layers/concat_split.h), in parallel over the outer index.
#include <algorithm>
#include <cstring>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/concat_split.h"

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
    const TensorDesc& whole = gather_ ? out_[0] : in_[0];
    std::vector<Shape> parts;
    for (const TensorDesc& d : gather_ ? in_ : out_) parts.push_back(d.shape);
    const AxisParts a = MakeAxisParts(ReadConcatSplit(params()).axis, whole.shape, parts, DTypeSize(whole.dtype));
    outer_ = a.outer;
    whole_block_ = a.whole_block;
    blocks_ = a.blocks;
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
