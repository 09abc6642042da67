// RoiAlign (ONNX): one thread per output bin, each from layers/roi_align.h's sampling (the cpu
// kernel's), reading the features in their float dtype widened to fp32. A batch index outside
// [0, N) is recorded in the stream's status record (the first one; the run fails at Synchronize
// with the cpu backend's message) and its box's bins are 0, never a read outside x.
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/roi_align.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
__global__ void RoiAlignBins(const T* x, const T* rois, const int64_t* batch, T* y, int64_t n, int64_t n_batch,
                             RoiAlignGeometry g, StatusRecord* st, unsigned long long kernel) {
  const int64_t bins = g.out_h * g.out_w, plane = g.height * g.width;
  HYBRIDRT_GRID_LOOP(i, n) {
    const int64_t bin = i % bins, rc = i / bins;
    const int64_t r = rc / g.channels, c = rc % g.channels;
    const int64_t b = batch[r];
    if (b < 0 || b >= n_batch) {
      if (atomicCAS(&st->flag, 0ull, 1ull) == 0ull) {
        st->kernel = kernel;
        st->value = b;
        st->position = r;
        st->extent = n_batch;
      }
      y[i] = FromFloat<T>(0.0f);
      continue;
    }
    const float box[4] = {ToFloat(rois[r * 4]), ToFloat(rois[r * 4 + 1]), ToFloat(rois[r * 4 + 2]),
                          ToFloat(rois[r * 4 + 3])};
    const T* map = x + (b * g.channels + c) * plane;
    y[i] =
        FromFloat<T>(RoiAlignBin(g, box, bin / g.out_w, bin % g.out_w, [map](int64_t p) { return ToFloat(map[p]); }));
  }
}

class RoiAlignLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;
  std::string StatusMessage(const StatusRecord& r) const override {
    return BatchIndexOutOfRange(r.value, r.position, r.extent);
  }

 protected:
  void PrepareKernel() override {
    g_ = ReadRoiAlign(*layer_, in_[0].shape);
    batch_ = in_[0].shape[0];
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    if (n == 0) return;
    StatusRecord* st = static_cast<CudaStream&>(stream).status();
    const auto kernel = reinterpret_cast<unsigned long long>(static_cast<const CudaKernel*>(this));
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      RoiAlignBins<T><<<GridFor(n), kThreads, 0, S(stream)>>>(
          static_cast<const T*>(args.inputs[0]), static_cast<const T*>(args.inputs[1]),
          static_cast<const int64_t*>(args.inputs[2]), static_cast<T*>(args.outputs[0]), n, batch_, g_, st, kernel);
    };
    DispatchFloat(in_[0].dtype, launch);
    CheckLaunch("roialign kernel launch");
  }

 private:
  RoiAlignGeometry g_;
  int64_t batch_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeRoiAlign(CudaBackend* b) { return std::make_unique<RoiAlignLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
