// Gather along an axis ('default': ONNX Gather; 'elements': GatherElements; 'nd': GatherND, its
// geometry in layers/gather_nd.h), any data dtype,
// int32/int64 indices, negative indices counting from the end. An index outside [-n, n) is
// never followed (its element reads index 0): the kernel records it in the stream's status
// record, and the run fails at Synchronize with an Error(kInput) naming the layer, the index
// and its position, as the cpu backend's check does before copying.
#include "cuda/device_common.cuh"
#include "cuda/index_check.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/gather.h"

namespace hybridrt {
namespace cuda {

namespace {

struct GatherGeometry {
  int64_t len, inner, num_idx;  // default mode
  int nd, axis;                 // elements mode: index shape and data strides
  int64_t idx_dims[kMaxDims], data_stride[kMaxDims];
  unsigned long long kernel;
};

// The checked index, or 0 (a valid element to read) where it is out of range.
template <typename I>
__device__ __forceinline__ int64_t Fix(I v, int64_t len, int64_t pos, StatusRecord* st, const GatherGeometry& g) {
  const int64_t x = CheckedIndex(static_cast<int64_t>(v), len, pos, st, g.kernel);
  return x < 0 ? 0 : x;
}

template <typename B, typename I>
__global__ void GatherDefault(const B* x, const I* idx, B* y, int64_t n, GatherGeometry g, StatusRecord* st) {
  HYBRIDRT_GRID_LOOP(i, n) {
    const int64_t k = i % g.inner;
    const int64_t r = i / g.inner;
    const int64_t j = r % g.num_idx, o = r / g.num_idx;
    const int64_t v = Fix(idx[j], g.len, j, st, g);
    y[i] = x[(o * g.len + v) * g.inner + k];
  }
}

template <typename B, typename I>
__global__ void GatherElements(const B* x, const I* idx, B* y, int64_t n, GatherGeometry g, StatusRecord* st) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t r = i, off = 0;
    for (int d = g.nd - 1; d >= 0; --d) {
      const int64_t c = d == 0 ? r : r % g.idx_dims[d];
      r = d == 0 ? 0 : r / g.idx_dims[d];
      if (d != g.axis) off += c * g.data_stride[d];
    }
    off += Fix(idx[i], g.len, i, st, g) * g.data_stride[g.axis];
    y[i] = x[off];
  }
}

// One thread per output element: its tuple's indices (checked as Fix does), then the element.
template <typename B, typename I>
__global__ void GatherNd(const B* x, const I* idx, B* y, GatherNdGeometry g, GatherGeometry gg, StatusRecord* st) {
  HYBRIDRT_GRID_LOOP(i, g.numel()) {
    const int64_t t = i / g.slice, s = i % g.slice;
    int64_t off = (t / g.tuples) * g.batch_stride + s;
    for (int j = 0; j < g.k; ++j) off += Fix(idx[t * g.k + j], g.dims[j], t * g.k + j, st, gg) * g.strides[j];
    y[i] = x[off];
  }
}

class GatherLayer : public IndexCheckingKernel {
 public:
  using IndexCheckingKernel::IndexCheckingKernel;

 protected:
  void PrepareKernel() override {
    const Shape& data = in_[0].shape;
    g_.kernel = reinterpret_cast<unsigned long long>(static_cast<const CudaKernel*>(this));
    const GatherParams p = ReadGather(params());
    nd_ = p.mode == GatherMode::kNd;
    if (nd_) {
      Shape out;
      const std::string why = ReadGatherNdGeometry(data, in_[1].shape, p.axis, &nd_geometry_, &out);
      if (!why.empty()) Bad(ErrorCode::kNative, why);
      return;
    }
    const int64_t axis = p.axis;
    elements_ = p.mode == GatherMode::kElements;
    const AxisSplit split = SplitAtAxis(data, axis);
    g_.len = split.len;
    g_.inner = split.inner;
    g_.num_idx = std::max<int64_t>(in_[1].numel, 1);
    g_.axis = static_cast<int>(axis);
    const Shape& is = in_[1].shape;
    if (elements_) {
      if (is.size() > static_cast<size_t>(kMaxDims))
        Bad(ErrorCode::kNative, Cat("rank ", is.size(), " is above the cuda backend's ", kMaxDims));
      std::vector<int64_t> st = Strides(data);
      g_.nd = static_cast<int>(is.size());
      for (size_t d = 0; d < is.size(); ++d) {
        g_.idx_dims[d] = is[d];
        g_.data_stride[d] = st[d];
      }
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    StatusRecord* st = static_cast<CudaStream&>(stream).status();
    const cudaStream_t s = S(stream);
    // 'default': rows of `inner` elements move in the widest unit (16, 8 or 4 bytes) that their
    // length and both addresses allow, as the strided copy does (shuffle.cu): a gather that
    // picks q, k or v out of a packed projection copies 16 bytes a thread, not 2.
    const size_t es = DTypeSize(in_[0].dtype);
    const size_t unit = nd_ || elements_ ? es : WidestUnit(es, g_.inner, args.inputs[0], args.outputs[0]);
    GatherGeometry g = g_;
    g.inner = g_.inner * static_cast<int64_t>(es) / static_cast<int64_t>(unit);
    const int64_t count = n * static_cast<int64_t>(es) / static_cast<int64_t>(unit);
    auto launch = [&](auto tag) {
      using B = decltype(tag);
      auto run = [&](auto itag) {
        using I = decltype(itag);
        const B* x = static_cast<const B*>(args.inputs[0]);
        const I* idx = static_cast<const I*>(args.inputs[1]);
        B* y = static_cast<B*>(args.outputs[0]);
        if (nd_) GatherNd<B, I><<<GridFor(n), kThreads, 0, s>>>(x, idx, y, nd_geometry_, g_, st);
        else if (elements_) GatherElements<B, I><<<GridFor(n), kThreads, 0, s>>>(x, idx, y, n, g_, st);
        else GatherDefault<B, I><<<GridFor(count), kThreads, 0, s>>>(x, idx, y, count, g, st);
      };
      if (in_[1].dtype == DType::kInt64) run(int64_t{});
      else run(int32_t{});
    };
    if (unit == 16) launch(uint4{});
    else DispatchBits(unit, launch);
    CheckLaunch("gather kernel launch");
  }

 private:
  bool elements_ = false, nd_ = false;
  GatherGeometry g_{};
  GatherNdGeometry nd_geometry_;
};

}  // namespace

std::unique_ptr<Kernel> MakeGather(CudaBackend* b) { return std::make_unique<GatherLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
