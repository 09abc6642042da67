// Shuffle (TensorRT's): transpose by firstPerm, reshape (free: row-major order is kept),
// transpose by secondPerm; each transpose is one strided copy over the merged dims (as
// cpu/transpose.cc merges them), the first into the workspace when both are real; an
// identity shuffle is one device copy. Also the strided-copy launcher other kernels share:
// runs that stay contiguous (a permutation that keeps the last dim, as the transposes around
// attention do) move in 16-byte units, with 32-bit index arithmetic where it fits.
#include <numeric>
#include <string>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/shuffle.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename B>
__global__ void StridedCopyKernel(const B* x, B* y, int64_t n, Strided s) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[1];
    StridedOffsets<1>(s, i, off);
    y[i] = x[off[0]];
  }
}

// The same where every index fits 32 bits (Fits32): 64-bit division costs several times more.
template <typename B>
__global__ void StridedCopyKernel32(const B* x, B* y, int n, Strided s) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    int off[1];
    StridedOffsets32<1>(s, i, off);
    y[i] = x[off[0]];
  }
}

// Where the innermost dim is contiguous in the source, the copy in the widest unit (16, 8 or
// 4 bytes) that its length, every other stride and both addresses allow: one thread moves 16
// bytes instead of one 2-byte element, which is what reaches the memory bandwidth. Returns the
// unit's size; `s` and `n` are rewritten in units.
size_t WidenStridedCopy(size_t elem_size, const void* x, const void* y, Strided* s, int64_t* n) {
  const int last = s->nd - 1;
  if (s->stride[0][last] != 1) return elem_size;
  int64_t run = s->dims[last];
  for (int d = 0; d < last; ++d) run = std::gcd(run, s->stride[0][d]);
  const size_t unit = WidestUnit(elem_size, run, x, y);
  const int64_t k = static_cast<int64_t>(unit / elem_size);  // elements per unit
  s->dims[last] /= k;
  for (int d = 0; d < last; ++d) s->stride[0][d] /= k;
  *n /= k;
  return unit;
}

class ShuffleKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    ShuffleShapes shapes;
    std::string why;
    if (!ShuffleShapesOf(ReadShuffleParams(*layer_, x.size()), x, &shapes, &why)) Bad(ErrorCode::kNative, why);
    first_ = MakePermute(x, shapes.first_perm, &first_identity_);
    second_ = MakePermute(shapes.reshaped, shapes.second_perm, &second_identity_);
  }

 public:
  size_t WorkspaceBytes() const override { return !first_identity_ && !second_identity_ ? in_[0].bytes : 0; }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    const size_t es = DTypeSize(in_[0].dtype);
    const int64_t n = in_[0].numel;
    if (first_identity_ && second_identity_) {
      Check(cudaMemcpyAsync(args.outputs[0], args.inputs[0], in_[0].bytes, cudaMemcpyDeviceToDevice, s),
            "cudaMemcpyAsync");
    } else if (second_identity_) {
      Check(LaunchStridedCopy(es, args.inputs[0], args.outputs[0], first_, n, s), "shuffle kernel launch");
    } else if (first_identity_) {
      Check(LaunchStridedCopy(es, args.inputs[0], args.outputs[0], second_, n, s), "shuffle kernel launch");
    } else {
      Check(LaunchStridedCopy(es, args.inputs[0], args.workspace, first_, n, s), "shuffle kernel launch");
      Check(LaunchStridedCopy(es, args.workspace, args.outputs[0], second_, n, s), "shuffle kernel launch");
    }
  }

 private:
  Strided first_, second_;
  bool first_identity_ = true, second_identity_ = true;
};

}  // namespace

Strided MakePermute(const Shape& in, const std::vector<int64_t>& perm, bool* identity) {
  const PermutedRead read = MergePermutedDims(in, perm);
  const std::vector<int64_t>& dims = read.dims;
  const std::vector<int64_t>& strides = read.strides;
  *identity = read.identity;
  if (dims.size() > static_cast<size_t>(kMaxDims)) {
    Fail(ErrorCode::kNative,
         Cat("a transpose over ", dims.size(), " distinct dims; the cuda backend handles ", kMaxDims));
  }
  Strided s;
  s.nd = static_cast<int>(dims.size());
  for (int d = 0; d < s.nd; ++d) {
    s.dims[d] = dims[d];
    s.stride[0][d] = strides[d];
  }
  return s;
}

cudaError_t LaunchStridedCopy(size_t elem_size, const void* x, void* y, const Strided& s, int64_t n,
                              cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  Strided w = s;
  const size_t unit = WidenStridedCopy(elem_size, x, y, &w, &n);
  auto launch = [&](auto tag) {
    using B = decltype(tag);
    const B* from = static_cast<const B*>(x);
    B* to = static_cast<B*>(y);
    if (Fits32(w, n, 1)) StridedCopyKernel32<B><<<GridFor(n), kThreads, 0, stream>>>(from, to, static_cast<int>(n), w);
    else StridedCopyKernel<B><<<GridFor(n), kThreads, 0, stream>>>(from, to, n, w);
  };
  if (unit == 16) launch(uint4{});
  else DispatchBits(unit, launch);
  return cudaGetLastError();
}

std::unique_ptr<Kernel> MakeShuffle(CudaBackend* b) { return std::make_unique<ShuffleKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
