// Softmax and log-softmax along one axis: x viewed as (outer, axis, inner); each of the
// outer*inner lines by SoftmaxLine (softmax_row.h), a strided line (inner > 1) through a copy.
#include <algorithm>
#include <vector>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/softmax_row.h"

namespace hybridrt {
namespace cpu {

namespace {

class SoftmaxKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    const int64_t axis = params().Int("axis");
    log_ = params().Bool("log");
    const AxisSplit a = SplitAtAxis(x, axis);
    outer_ = a.outer;
    inner_ = a.inner;
    len_ = a.len;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    float* y = static_cast<float*>(args.outputs[0]);
    const int64_t lines = outer_ * inner_;
    Par(lines, std::max<int64_t>(1, 4096 / std::max<int64_t>(len_, 1)), [&](int64_t l0, int64_t l1) {
      // A strided line is gathered into `line` and scattered back; `terms` is log-softmax's.
      std::vector<float> line(static_cast<size_t>(inner_ > 1 ? len_ : 0)), terms(static_cast<size_t>(log_ ? len_ : 0));
      for (int64_t l = l0; l < l1; ++l) {
        const int64_t o = l / inner_, i = l % inner_;
        const float* src = x + o * len_ * inner_ + i;
        float* dst = y + o * len_ * inner_ + i;
        if (inner_ == 1) {
          SoftmaxLine(src, dst, len_, log_, terms.data());
          continue;
        }
        for (int64_t a = 0; a < len_; ++a) line[a] = src[a * inner_];
        SoftmaxLine(line.data(), line.data(), len_, log_, terms.data());
        for (int64_t a = 0; a < len_; ++a) dst[a * inner_] = line[a];
      }
    });
  }

 private:
  bool log_ = false;
  int64_t outer_ = 1, inner_ = 1, len_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> MakeSoftmax() { return std::make_unique<SoftmaxKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
