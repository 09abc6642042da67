// Shape (ONNX Shape): the input's dims as int64, written by a one-thread kernel whose argument
// holds them, so that each shape instance of a dynamic engine (and the CUDA graph it captures)
// writes its own dims without a host copy. The input's bytes are never read.
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr int kMaxRank = 16;

struct Dims {
  int64_t d[kMaxRank];
};

__global__ void WriteDims(Dims dims, int rank, int64_t* y) {
  for (int i = 0; i < rank; ++i) y[i] = dims.d[i];
}

class ShapeOfKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const Shape& s = in_[0].shape;
    if (s.size() > static_cast<size_t>(kMaxRank))
      Bad(ErrorCode::kNative, Cat("rank ", s.size(), " is above ", kMaxRank));
    rank_ = static_cast<int>(s.size());
    for (int i = 0; i < rank_; ++i) dims_.d[i] = s[i];
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (rank_ == 0) return;
    WriteDims<<<1, 1, 0, S(stream)>>>(dims_, rank_, static_cast<int64_t*>(args.outputs[0]));
    CheckLaunch("shape");
  }

 private:
  Dims dims_{};
  int rank_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeShapeOf(CudaBackend* b) { return std::make_unique<ShapeOfKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
