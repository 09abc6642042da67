// RoiAlign (ONNX): every output bin from layers/roi_align.h's sampling, in parallel over
// (box, channel) planes. A batch index outside [0, N) is an Error (kInput) naming it and its
// position, checked before any read. Half tensors come through the half adapter (fp32 inside).
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/roi_align.h"

namespace hybridrt {
namespace cpu {

namespace {

class RoiAlignKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    g_ = ReadRoiAlign(*layer_, in_[0].shape);
    batch_ = in_[0].shape[0];
    rois_ = in_[1].shape[0];
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* rois = static_cast<const float*>(args.inputs[1]);
    const int64_t* batch = static_cast<const int64_t*>(args.inputs[2]);
    float* y = static_cast<float*>(args.outputs[0]);
    for (int64_t r = 0; r < rois_; ++r) {
      if (batch[r] < 0 || batch[r] >= batch_) Bad(ErrorCode::kInput, BatchIndexOutOfRange(batch[r], r, batch_));
    }
    const int64_t plane = g_.height * g_.width, bins = g_.out_h * g_.out_w;
    Par(rois_ * g_.channels, std::max<int64_t>(1, 256 / std::max<int64_t>(bins, 1)), [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t r = p / g_.channels, c = p % g_.channels;
        const float* map = x + (batch[r] * g_.channels + c) * plane;
        float* out = y + p * bins;
        auto load = [map](int64_t i) { return map[i]; };
        for (int64_t ph = 0; ph < g_.out_h; ++ph) {
          for (int64_t pw = 0; pw < g_.out_w; ++pw)
            out[ph * g_.out_w + pw] = RoiAlignBin(g_, rois + r * 4, ph, pw, load);
        }
      }
    });
  }

 private:
  RoiAlignGeometry g_;
  int64_t batch_ = 0, rois_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeRoiAlign() { return std::make_unique<RoiAlignKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
