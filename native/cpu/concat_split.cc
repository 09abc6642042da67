// Concat and split along an axis, any dtype: both views their tensors as (outer, axis *
// inner) and copy blocks of contiguous bytes, in parallel over the outer index.
#include <algorithm>
#include <cstring>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

// Outer count and the byte size of one (axis * inner) block per part.
void Blocks(const Shape& s, int64_t axis, size_t es, int64_t* outer, size_t* block) {
  *outer = 1;
  int64_t inner = 1;
  for (int64_t d = 0; d < axis; ++d) *outer *= s[d];
  for (size_t d = axis; d < s.size(); ++d) inner *= s[d];
  *block = static_cast<size_t>(inner) * es;
}

class ConcatKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const int64_t axis = params().Int("axis");
    const size_t es = DTypeSize(out_[0].dtype);
    Blocks(out_[0].shape, axis, es, &outer_, &out_block_);
    for (const TensorDesc& d : in_) {
      int64_t o;
      size_t b;
      Blocks(d.shape, axis, es, &o, &b);
      blocks_.push_back(b);
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
    Par(outer_, std::max<int64_t>(1, 256 * 1024 / std::max<int64_t>(static_cast<int64_t>(out_block_), 1)),
        [&](int64_t o0, int64_t o1) {
          for (int64_t o = o0; o < o1; ++o) {
            uint8_t* dst = y + o * out_block_;
            for (size_t i = 0; i < blocks_.size(); ++i) {
              if (blocks_[i]) std::memcpy(dst, static_cast<const uint8_t*>(args.inputs[i]) + o * blocks_[i], blocks_[i]);
              dst += blocks_[i];
            }
          }
        });
  }

 private:
  int64_t outer_ = 1;
  size_t out_block_ = 0;
  std::vector<size_t> blocks_;
};

class SplitKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const int64_t axis = params().Int("axis");
    const size_t es = DTypeSize(in_[0].dtype);
    Blocks(in_[0].shape, axis, es, &outer_, &in_block_);
    for (const TensorDesc& d : out_) {
      int64_t o;
      size_t b;
      Blocks(d.shape, axis, es, &o, &b);
      blocks_.push_back(b);
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const uint8_t* x = static_cast<const uint8_t*>(args.inputs[0]);
    Par(outer_, std::max<int64_t>(1, 256 * 1024 / std::max<int64_t>(static_cast<int64_t>(in_block_), 1)),
        [&](int64_t o0, int64_t o1) {
          for (int64_t o = o0; o < o1; ++o) {
            const uint8_t* src = x + o * in_block_;
            for (size_t i = 0; i < blocks_.size(); ++i) {
              if (blocks_[i]) std::memcpy(static_cast<uint8_t*>(args.outputs[i]) + o * blocks_[i], src, blocks_[i]);
              src += blocks_[i];
            }
          }
        });
  }

 private:
  int64_t outer_ = 1;
  size_t in_block_ = 0;
  std::vector<size_t> blocks_;
};

}  // namespace

std::unique_ptr<Kernel> MakeConcat() { return std::make_unique<ConcatKernel>(); }
std::unique_ptr<Kernel> MakeSplit() { return std::make_unique<SplitKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
