// Concat and split along an axis, any dtype: tensors viewed as (outer, axis * inner)
// (AxisParts, layers/concat_split.h), each part one 2-d device copy (cudaMemcpy2DAsync: `outer` rows of its block,
// pitched by the whole row), so the copy engine or the driver's copy kernel moves them at full bandwidth.
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/concat_split.h"

namespace hybridrt {
namespace cuda {

namespace {

class PartsKernel : public CudaKernel {
 public:
  PartsKernel(CudaBackend* b, bool concat) : CudaKernel(b), concat_(concat) {}

 protected:
  void PrepareKernel() override {
    const TensorDesc& whole = concat_ ? out_[0] : in_[0];
    std::vector<Shape> parts;
    for (const TensorDesc& d : concat_ ? in_ : out_) parts.push_back(d.shape);
    const AxisParts a = MakeAxisParts(ReadConcatSplit(params()).axis, whole.shape, parts, DTypeSize(whole.dtype));
    outer_ = a.outer;
    row_ = a.whole_block;
    blocks_ = a.blocks;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    size_t offset = 0;
    for (size_t i = 0; i < blocks_.size(); ++i) {
      const size_t b = blocks_[i];
      if (b && outer_) {
        cudaError_t e;
        if (concat_) {
          e = cudaMemcpy2DAsync(static_cast<uint8_t*>(args.outputs[0]) + offset, row_, args.inputs[i], b, b, outer_,
                                cudaMemcpyDeviceToDevice, s);
        } else {
          e = cudaMemcpy2DAsync(args.outputs[i], b, static_cast<const uint8_t*>(args.inputs[0]) + offset, row_, b,
                                outer_, cudaMemcpyDeviceToDevice, s);
        }
        Check(e, "cudaMemcpy2DAsync");
      }
      offset += b;
    }
  }

 private:
  bool concat_;
  int64_t outer_ = 1;
  size_t row_ = 0;
  std::vector<size_t> blocks_;
};

}  // namespace

std::unique_ptr<Kernel> MakeConcat(CudaBackend* b) { return std::make_unique<PartsKernel>(b, true); }
std::unique_ptr<Kernel> MakeSplit(CudaBackend* b) { return std::make_unique<PartsKernel>(b, false); }

}  // namespace cuda
}  // namespace hybridrt
