// Slice (starts/steps per dim, negative and zero steps) and pad (constant, reflect, edge,
// wrap; negative pads crop first, then the mode pads what is left, as cpu/slice_pad.cc),
// any dtype, one thread per output element. The padded-copy launcher also serves
// convolution (asymmetric padding) and deconvolution (cropping).
#include <cstring>

#include "src/ir/element_value.h"
#include "layers/slice.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename B>
__global__ void SliceKernel(const B* x, B* y, int64_t n, Strided s, int64_t base) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[1];
    StridedOffsets<1>(s, i, off);
    y[i] = x[base + off[0]];
  }
}

template <typename B>
__global__ void PadKernel(const B* x, B* y, int64_t n, PadGeometry g) {
  const B fill = static_cast<B>(g.fill);
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t r = i, off = 0;
    bool inside = true;
    for (int d = g.nd - 1; d >= 0; --d) {
      const int64_t o = d == 0 ? r : r % g.out[d];
      r = d == 0 ? 0 : r / g.out[d];
      const int64_t src = PadSource(g.mode, o - g.pad_begin[d], g.kept[d]);
      if (src < 0) inside = false;
      off += (g.crop_begin[d] + src) * g.stride[d];
    }
    y[i] = inside ? x[off] : fill;
  }
}

class SliceLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    const Shape& y = out_[0].shape;
    if (x.size() > static_cast<size_t>(kMaxDims))
      Bad(ErrorCode::kNative, Cat("rank ", x.size(), " is above the cuda backend's ", kMaxDims));
    const std::vector<SliceAxis> axes = ReadSlice(*layer_, x);
    base_ = 0;
    if (!x.empty()) {
      s_.nd = static_cast<int>(x.size());
      for (size_t d = 0; d < x.size(); ++d) {
        base_ += axes[d].begin;
        s_.dims[d] = y[d];
        s_.stride[0][d] = axes[d].step;
      }
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    DispatchBits(DTypeSize(in_[0].dtype), [&](auto tag) {
      using B = decltype(tag);
      SliceKernel<B><<<GridFor(n), kThreads, 0, S(stream)>>>(static_cast<const B*>(args.inputs[0]),
                                                             static_cast<B*>(args.outputs[0]), n, s_, base_);
    });
    CheckLaunch("slice kernel launch");
  }

 private:
  Strided s_;
  int64_t base_ = 0;
};

class PadLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const PadParams p = ReadPad(params());
    g_ = MakePadGeometry(in_[0].shape, out_[0].shape, p.pads_begin, p.pads_end, p.mode);
    std::vector<uint8_t> bytes = ElementBytes(in_[0].dtype, p.value);
    g_.fill = 0;
    std::memcpy(&g_.fill, bytes.data(), bytes.size());
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    Check(LaunchPad(DTypeSize(in_[0].dtype), args.inputs[0], args.outputs[0], g_, out_[0].numel, S(stream)),
          "pad kernel launch");
  }

 private:
  PadGeometry g_;
};

}  // namespace

PadGeometry MakePadGeometry(const Shape& x, const Shape& y, const std::vector<int64_t>& pb,
                            const std::vector<int64_t>& pe, PadMode mode) {
  if (x.size() > 8) Fail(ErrorCode::kNative, Cat("pad: rank ", x.size(), " is above the cuda backend's 8"));
  PadGeometry g;
  g.mode = mode;
  std::vector<int64_t> st = Strides(x);
  if (x.empty()) {
    g.nd = 1;
    g.out[0] = g.kept[0] = g.stride[0] = 1;
    return g;
  }
  g.nd = static_cast<int>(x.size());
  for (size_t d = 0; d < x.size(); ++d) {
    const PadAxis a = PadAxisOf(x[d], pb[d], pe[d]);
    g.crop_begin[d] = a.crop_begin;
    g.kept[d] = a.kept;
    g.pad_begin[d] = a.pad_begin;
    g.out[d] = y[d];
    g.stride[d] = st[d];
  }
  return g;
}

cudaError_t LaunchPad(size_t elem_size, const void* x, void* y, const PadGeometry& g, int64_t n, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  DispatchBits(elem_size, [&](auto tag) {
    using B = decltype(tag);
    PadKernel<B><<<GridFor(n), kThreads, 0, stream>>>(static_cast<const B*>(x), static_cast<B*>(y), n, g);
  });
  return cudaGetLastError();
}

std::unique_ptr<Kernel> MakeSlice(CudaBackend* b) { return std::make_unique<SliceLayer>(b); }
std::unique_ptr<Kernel> MakePad(CudaBackend* b) { return std::make_unique<PadLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
