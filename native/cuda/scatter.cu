// ScatterND and ScatterElements (layers/scatter.h): data copied to the output, then the updates
// applied in their order, so that a repeated index ends as onnxruntime (and the cpu backend)
// leaves it: 'nd' gives a thread to each element of a slice, walking every tuple in order;
// 'elements' gives a thread to each line along the axis (no two lines touch one output
// element). Reductions compute floats in fp32 (halves widened, rounded once per write) and
// integers wrapping. An index outside [-n, n) is never followed: it is recorded in the stream's
// status record, and the run fails at Synchronize naming the layer, the index and its position.
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/index_check.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "src/ir/int_arith.h"
#include "layers/scatter.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
__device__ __forceinline__ T Combine(ScatterReduction r, T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    switch (r) {
      case ScatterReduction::kAdd: return WrapAdd(a, b);
      case ScatterReduction::kMul: return WrapMul(a, b);
      case ScatterReduction::kMax: return a > b ? a : b;
      case ScatterReduction::kMin: return a < b ? a : b;
      default: return b;
    }
  } else {
    const float x = ToFloat(a), u = ToFloat(b);
    switch (r) {
      case ScatterReduction::kAdd: return FromFloat<T>(x + u);
      case ScatterReduction::kMul: return FromFloat<T>(x * u);
      case ScatterReduction::kMax: return FromFloat<T>(fmaxf(x, u));
      case ScatterReduction::kMin: return FromFloat<T>(fminf(x, u));
      default: return b;
    }
  }
}

template <typename T>
__global__ void ScatterNd(const int64_t* idx, const T* upd, T* y, GatherNdGeometry g, ScatterReduction r,
                          StatusRecord* st, unsigned long long kernel) {
  const int64_t tuples = g.batch * g.tuples;
  HYBRIDRT_GRID_LOOP(s, g.slice) {
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t off = 0;
      bool ok = true;
      for (int j = 0; j < g.k; ++j) {
        const int64_t v = CheckedIndex(idx[t * g.k + j], g.dims[j], t * g.k + j, st, kernel);
        ok = ok && v >= 0;
        off += v * g.strides[j];
      }
      if (ok) y[off + s] = Combine(r, y[off + s], upd[t * g.slice + s]);
    }
  }
}

template <typename T>
__global__ void ScatterElements(const int64_t* idx, const T* upd, T* y, ScatterElementsGeometry g, ScatterReduction r,
                                StatusRecord* st, unsigned long long kernel) {
  const int64_t along = g.dims[g.axis], stride = g.data_strides[g.axis];
  HYBRIDRT_GRID_LOOP(l, g.lines) {
    int64_t data_base, upd_base;
    g.Line(l, &data_base, &upd_base);
    for (int64_t j = 0; j < along; ++j) {
      const int64_t p = upd_base + j * g.step;
      const int64_t v = CheckedIndex(idx[p], g.axis_len, p, st, kernel);
      if (v >= 0) y[data_base + v * stride] = Combine(r, y[data_base + v * stride], upd[p]);
    }
  }
}

class ScatterLayer : public IndexCheckingKernel {
 public:
  using IndexCheckingKernel::IndexCheckingKernel;

 protected:
  void PrepareKernel() override {
    const std::string why = ReadScatterLayer(ReadScatterParams(*layer_), in_[0].shape, in_[1].shape, in_[2].shape, &p_);
    if (!why.empty()) Bad(ErrorCode::kNative, why);
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    if (args.outputs[0] != args.inputs[0] && in_[0].bytes) {
      Check(cudaMemcpyAsync(args.outputs[0], args.inputs[0], in_[0].bytes, cudaMemcpyDeviceToDevice, s),
            "cudaMemcpyAsync");
    }
    StatusRecord* st = static_cast<CudaStream&>(stream).status();
    const auto kernel = reinterpret_cast<unsigned long long>(static_cast<const CudaKernel*>(this));
    const int64_t* idx = static_cast<const int64_t*>(args.inputs[1]);
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      const T* upd = static_cast<const T*>(args.inputs[2]);
      T* y = static_cast<T*>(args.outputs[0]);
      if (p_.nd) {
        if (p_.nd_geometry.slice)
          ScatterNd<T><<<GridFor(p_.nd_geometry.slice), kThreads, 0, s>>>(idx, upd, y, p_.nd_geometry, p_.reduction, st,
                                                                          kernel);
      } else if (p_.elements.lines) {
        ScatterElements<T>
            <<<GridFor(p_.elements.lines), kThreads, 0, s>>>(idx, upd, y, p_.elements, p_.reduction, st, kernel);
      }
    };
    if (p_.reduction == ScatterReduction::kNone) {
      // Bits are written as they are: one kernel per element size.
      DispatchBits(DTypeSize(in_[0].dtype), launch);
    } else {
      DispatchNumeric(in_[0].dtype, launch);
    }
    CheckLaunch("scatter kernel launch");
  }

 private:
  ScatterLayerParams p_;
};

}  // namespace

std::unique_ptr<Kernel> MakeScatter(CudaBackend* b) { return std::make_unique<ScatterLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
