// GridSample (ONNX, 4-D): every output point from layers/grid_sample.h's sampling, in parallel
// over (image, channel) planes, each reading its image's grid. Half tensors come through the
// half adapter (fp32 inside; the precision pass keeps the layer fp32 anyway).
#include <algorithm>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/grid_sample.h"

namespace hybridrt {
namespace cpu {

namespace {

class GridSampleKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    g_ = ReadGridSample(params(), in_[0].shape, in_[1].shape);
    batch_ = in_[0].shape[0];
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* grid = static_cast<const float*>(args.inputs[1]);
    float* y = static_cast<float*>(args.outputs[0]);
    const int64_t plane = g_.height * g_.width, points = g_.out_h * g_.out_w;
    if (points == 0) return;
    Par(batch_ * g_.channels, LinesPerChunk(points), [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const float* map = x + p * plane;
        const float* pts = grid + (p / g_.channels) * points * 2;
        float* out = y + p * points;
        auto load = [map](int64_t i) { return map[i]; };
        for (int64_t i = 0; i < points; ++i) out[i] = GridSamplePoint(g_, pts[2 * i], pts[2 * i + 1], load);
      }
    });
  }

 private:
  GridSampleGeometry g_;
  int64_t batch_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeGridSample() { return std::make_unique<GridSampleKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
