// ScatterND and ScatterElements (layers/scatter.h): data copied to the output, every index
// checked (one outside [-n, n) is an Error (kInput) naming the layer, the index and its
// position), then the updates applied in order, so that a repeated index ends as onnxruntime
// leaves it. 'nd' runs each tuple's slice in parallel over the slice; 'elements' runs lines
// along the axis in parallel (no two lines touch one output element). Any data dtype for
// 'none'; int32, int64 and floats (halves through the half adapter) for the reductions.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/int_arith.h"
#include "layers/scatter.h"

namespace hybridrt {
namespace cpu {

namespace {

template <typename T>
inline T Combine(ScatterReduction r, T a, T b) {
  switch (r) {
    case ScatterReduction::kAdd:
      if constexpr (std::is_integral_v<T>) return WrapAdd(a, b);
      else return a + b;
    case ScatterReduction::kMul:
      if constexpr (std::is_integral_v<T>) return WrapMul(a, b);
      else return a * b;
    case ScatterReduction::kMax:
      if constexpr (std::is_integral_v<T>) return std::max(a, b);
      else return std::fmax(a, b);  // as the cuda kernel's fmaxf: a NaN operand gives the other
    case ScatterReduction::kMin:
      if constexpr (std::is_integral_v<T>) return std::min(a, b);
      else return std::fmin(a, b);
    default: return b;
  }
}

class ScatterKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const std::string why = ReadScatterLayer(ReadScatterParams(*layer_), in_[0].shape, in_[1].shape, in_[2].shape, &p_);
    if (!why.empty()) Bad(ErrorCode::kNative, why);
    es_ = DTypeSize(in_[0].dtype);
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const int64_t* idx = static_cast<const int64_t*>(args.inputs[1]);
    if (args.outputs[0] != args.inputs[0])
      std::memcpy(args.outputs[0], args.inputs[0], static_cast<size_t>(out_[0].numel) * es_);
    const int64_t n = in_[1].numel;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t len = p_.nd ? p_.nd_geometry.dims[i % p_.nd_geometry.k] : p_.elements.axis_len;
      if (idx[i] < -len || idx[i] >= len) {
        Bad(ErrorCode::kInput, IndexOutOfRange(idx[i], i, len));
      }
    }
    if (p_.reduction == ScatterReduction::kNone) {
      Apply<uint8_t>(args, idx, true);
      return;
    }
    DispatchNumeric(in_[0].dtype, [&](auto tag) { Apply<decltype(tag)>(args, idx, false); });
  }

 private:
  // T: the element type (uint8_t with `bytes`: copy es_ bytes per element).
  template <typename T>
  void Apply(const KernelArgs& args, const int64_t* idx, bool bytes) const {
    uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
    const uint8_t* u = static_cast<const uint8_t*>(args.inputs[2]);
    auto put = [&](int64_t dst, int64_t src) {
      if (bytes) {
        std::memcpy(y + dst * es_, u + src * es_, es_);
      } else {
        T* yt = reinterpret_cast<T*>(y);
        yt[dst] = Combine(p_.reduction, yt[dst], reinterpret_cast<const T*>(u)[src]);
      }
    };
    if (p_.nd) {
      const GatherNdGeometry& g = p_.nd_geometry;
      const int64_t tuples = g.batch * g.tuples;
      for (int64_t t = 0; t < tuples; ++t) {
        int64_t off = 0;
        for (int j = 0; j < g.k; ++j) {
          const int64_t v = idx[t * g.k + j];
          off += (v < 0 ? v + g.dims[j] : v) * g.strides[j];
        }
        Par(g.slice, 16 * 1024, [&](int64_t s0, int64_t s1) {
          for (int64_t s = s0; s < s1; ++s) put(off + s, t * g.slice + s);
        });
      }
      return;
    }
    const ScatterElementsGeometry& g = p_.elements;
    const int64_t along = g.dims[g.axis], stride = g.data_strides[g.axis];
    Par(g.lines, LinesPerChunk(along), [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) {
        int64_t data_base, upd_base;
        g.Line(l, &data_base, &upd_base);
        for (int64_t j = 0; j < along; ++j) {
          const int64_t p = upd_base + j * g.step;
          const int64_t v = idx[p];
          put(data_base + (v < 0 ? v + g.axis_len : v) * stride, p);
        }
      }
    });
  }

  ScatterLayerParams p_;
  size_t es_ = 4;
};

}  // namespace

std::unique_ptr<Kernel> MakeScatter() { return std::make_unique<ScatterKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
