// The int8 add (the builder's int8 form of the elementwise add, layers/quant_add.h): one thread
// per output, QuantAddRounded (the rule every backend computes; its products, sum and quotient
// explicitly rounded on the device, so nvcc contracts nothing) over a and b broadcast as the
// float add broadcasts them (MakeBroadcast).
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/quant_add.h"

namespace hybridrt {
namespace cuda {

namespace {

// The operands' and the output's types as flags: whether each is int8 (else uint8).
struct AddTypes {
  bool a, b, y;
};

__device__ __forceinline__ int32_t LoadQ(const uint8_t* p, int64_t i, bool is_signed) {
  return is_signed ? static_cast<int32_t>(static_cast<int8_t>(p[i])) : static_cast<int32_t>(p[i]);
}

__global__ void QuantAddKernel(const uint8_t* a, const uint8_t* b, uint8_t* y, int64_t n, Strided s, QuantAdd q,
                               AddTypes t) {
  const int32_t lo = t.y ? -128 : 0, hi = t.y ? 127 : 255;
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[2];
    StridedOffsets<2>(s, i, off);
    y[i] = static_cast<uint8_t>(QuantAddRounded(q, LoadQ(a, off[0], t.a), LoadQ(b, off[1], t.b), lo, hi));
  }
}

class QuantAddLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;
  std::vector<std::string> Tactics() const override { return {"int8_add"}; }

 protected:
  void PrepareKernel() override {
    q_ = ReadQuantAdd(params());
    t_ = {in_[0].dtype == DType::kInt8, in_[1].dtype == DType::kInt8, out_[0].dtype == DType::kInt8};
    strided_ = MakeBroadcast(out_[0].shape, {in_[0].shape, in_[1].shape});
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    if (n == 0) return;
    QuantAddKernel<<<GridFor(n), kThreads, 0, S(stream)>>>(static_cast<const uint8_t*>(args.inputs[0]),
                                                           static_cast<const uint8_t*>(args.inputs[1]),
                                                           static_cast<uint8_t*>(args.outputs[0]), n, strided_, q_, t_);
    CheckLaunch("int8 add kernel launch");
  }

 private:
  QuantAdd q_;
  AddTypes t_{};
  Strided strided_;
};

}  // namespace

std::unique_ptr<Kernel> MakeQuantAdd(CudaBackend* b) { return std::make_unique<QuantAddLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
