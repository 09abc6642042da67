// Softmax and log-softmax along one axis: each of the lines layers/softmax.h cuts x into by
// SoftmaxLine (softmax_row.h), a strided line (inner > 1) through a copy.
#include <algorithm>
#include <vector>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/softmax_row.h"
#include "layers/softmax.h"

namespace hybridrt {
namespace cpu {

namespace {

class SoftmaxKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { g_ = ReadSoftmax(params(), in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    float* y = static_cast<float*>(args.outputs[0]);
    const int64_t len = g_.split.len, inner = g_.split.inner;
    Par(g_.split.lines(), LinesPerChunk(len), [&](int64_t l0, int64_t l1) {
      // A strided line is gathered into `line` and scattered back; `terms` is log-softmax's.
      std::vector<float> line(static_cast<size_t>(inner > 1 ? len : 0)), terms(static_cast<size_t>(g_.log ? len : 0));
      for (int64_t l = l0; l < l1; ++l) {
        const int64_t start = g_.split.LineStart(l);
        const float* src = x + start;
        float* dst = y + start;
        if (inner == 1) {
          SoftmaxLine(src, dst, len, g_.log, terms.data());
          continue;
        }
        for (int64_t a = 0; a < len; ++a) line[a] = src[a * inner];
        SoftmaxLine(line.data(), line.data(), len, g_.log, terms.data());
        for (int64_t a = 0; a < len; ++a) dst[a * inner] = line[a];
      }
    });
  }

 private:
  SoftmaxGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeSoftmax() { return std::make_unique<SoftmaxKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
