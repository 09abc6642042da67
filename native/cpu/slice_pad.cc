// Slice (starts/steps per dim, negative and zero steps) and pad (constant, reflect, edge,
// wrap; negative pads crop), both as IndexMap copies of any dtype. Pad crops first (the
// negative pads), then pads the cropped input by the mode, as the ONNX reference does:
// reflect mirrors without repeating the edge element (period 2*(n-1); n = 1 repeats it),
// wrap is periodic with period n, edge clamps; pads longer than the input keep going.
#include <algorithm>
#include <memory>

#include "src/ir/element_value.h"
#include "layers/pad.h"
#include "layers/slice.h"
#include "cpu/index_map.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

class SliceKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const Shape& y = out_[0].shape;
    const std::vector<SliceAxis> axes = ReadSlice(*layer_, in_[0].shape);
    std::vector<std::vector<int64_t>> maps(axes.size());
    for (size_t d = 0; d < axes.size(); ++d) {
      for (int64_t o = 0; o < y[d]; ++o) maps[d].push_back(axes[d].begin + o * axes[d].step);
    }
    map_ = std::make_unique<IndexMap>(std::move(maps), DTypeSize(in_[0].dtype), std::vector<uint8_t>{});
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override { map_->Run(args.inputs[0], args.outputs[0], threads_); }

 private:
  std::unique_ptr<IndexMap> map_;
};

class PadKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    const Shape& y = out_[0].shape;
    const PadParams p = ReadPad(params());
    std::vector<int64_t> st = Strides(x);
    std::vector<std::vector<int64_t>> maps(x.size());
    for (size_t d = 0; d < x.size(); ++d) {
      const PadAxis a = PadAxisOf(x[d], p.pads_begin[d], p.pads_end[d]);
      for (int64_t o = 0; o < y[d]; ++o) {
        int64_t s = PadSource(p.mode, o - a.pad_begin, a.kept);
        maps[d].push_back(s < 0 ? -1 : (a.crop_begin + s) * st[d]);
      }
    }
    map_ = std::make_unique<IndexMap>(std::move(maps), DTypeSize(in_[0].dtype), ElementBytes(in_[0].dtype, p.value));
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override { map_->Run(args.inputs[0], args.outputs[0], threads_); }

 private:
  std::unique_ptr<IndexMap> map_;
};

}  // namespace

std::unique_ptr<Kernel> MakeSlice() { return std::make_unique<SliceKernel>(); }
std::unique_ptr<Kernel> MakePad() { return std::make_unique<PadKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
