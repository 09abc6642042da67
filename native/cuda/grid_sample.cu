// GridSample (ONNX, 4-D): one thread per output point, each from layers/grid_sample.h's sampling
// (the cpu kernel's), reading the map and the grid in their float dtype widened to fp32.
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/grid_sample.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
__global__ void GridSamplePoints(const T* x, const T* grid, T* y, int64_t n, GridSampleGeometry g) {
  const int64_t points = g.out_h * g.out_w, plane = g.height * g.width;
  HYBRIDRT_GRID_LOOP(i, n) {
    const int64_t pt = i % points, nc = i / points;
    const T* map = x + nc * plane;
    const T* at = grid + ((nc / g.channels) * points + pt) * 2;
    y[i] =
        FromFloat<T>(GridSamplePoint(g, ToFloat(at[0]), ToFloat(at[1]), [map](int64_t p) { return ToFloat(map[p]); }));
  }
}

class GridSampleLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override { g_ = ReadGridSample(params(), in_[0].shape, in_[1].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    if (n == 0) return;
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      GridSamplePoints<T><<<GridFor(n), kThreads, 0, S(stream)>>>(static_cast<const T*>(args.inputs[0]),
                                                                  static_cast<const T*>(args.inputs[1]),
                                                                  static_cast<T*>(args.outputs[0]), n, g_);
    };
    DispatchFloat(in_[0].dtype, launch);
    CheckLaunch("gridsample kernel launch");
  }

 private:
  GridSampleGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeGridSample(CudaBackend* b) { return std::make_unique<GridSampleLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
