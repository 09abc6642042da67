// Resize of any rank (up to 8). The per-dim work is done once at build time on the host,
// with the geometry both backends share (layers/resize.h ResizeTapsAt): nearest keeps one
// input offset per output index and dim (any dtype, a gather copy); linear and cubic keep up
// to four (offset, weight) taps per output index and dim, and each output element sums the
// products of its taps over the dims, in fp32, in the cpu backend's order. The tables live
// on the device for the engine's lifetime.
#include <cmath>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/resize.h"

namespace hybridrt {
namespace cuda {

namespace {

struct Taps {
  int64_t offset[4];
  float weight[4];
  int count;
};

struct ResizeGeometry {
  int nd;
  int64_t out[kMaxDims];
  int64_t base[kMaxDims];  // first table entry of each dim
};

template <typename B>
__global__ void ResizeNearest(const B* x, B* y, int64_t n, ResizeGeometry g, const int64_t* maps) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t r = i, off = 0;
    for (int d = g.nd - 1; d >= 0; --d) {
      const int64_t o = d == 0 ? r : r % g.out[d];
      r = d == 0 ? 0 : r / g.out[d];
      off += maps[g.base[d] + o];
    }
    y[i] = x[off];
  }
}

template <typename T>
__global__ void ResizeInterpolate(const T* x, T* y, int64_t n, ResizeGeometry g, const Taps* taps) {
  HYBRIDRT_GRID_LOOP(i, n) {
    const Taps* t[kMaxDims];
    int64_t r = i;
    int64_t combos = 1;
    for (int d = g.nd - 1; d >= 0; --d) {
      const int64_t o = d == 0 ? r : r % g.out[d];
      r = d == 0 ? 0 : r / g.out[d];
      t[d] = taps + g.base[d] + o;
      combos *= t[d]->count;
    }
    float acc = 0.0f;
    for (int64_t c = 0; c < combos; ++c) {
      int64_t rem = c, off = 0;
      int k[kMaxDims];
      for (int d = g.nd - 1; d >= 0; --d) {
        k[d] = static_cast<int>(rem % t[d]->count);
        rem /= t[d]->count;
        off += t[d]->offset[k[d]];
      }
      float w = 1.0f;
      for (int d = 0; d < g.nd - 1; ++d) w *= t[d]->weight[k[d]];
      acc += w * t[g.nd - 1]->weight[k[g.nd - 1]] * ToFloat(x[off]);
    }
    y[i] = FromFloat<T>(acc);
  }
}

class ResizeLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    const Shape& y = out_[0].shape;
    if (x.size() > static_cast<size_t>(kMaxDims))
      Bad(ErrorCode::kNative, Cat("rank ", x.size(), " is above the cuda backend's ", kMaxDims));
    const ResizeParams rp = ReadResize(params());
    const std::vector<ResizeAxis> axes = ResizeAxesOf(rp, x, y);
    std::vector<int64_t> st = Strides(x);
    nearest_ = rp.rule.mode == ResizeMode::kNearest;
    std::vector<int64_t> maps;
    std::vector<Taps> taps;
    g_.nd = std::max<int>(1, static_cast<int>(x.size()));
    g_.out[0] = 1;
    g_.base[0] = 0;
    if (x.empty()) {
      maps.push_back(0);
      taps.push_back(Taps{{0, 0, 0, 0}, {1.0f, 0, 0, 0}, 1});
    }
    for (size_t d = 0; d < x.size(); ++d) {
      g_.out[d] = y[d];
      g_.base[d] = nearest_ ? static_cast<int64_t>(maps.size()) : static_cast<int64_t>(taps.size());
      for (int64_t o = 0; o < y[d]; ++o) {
        const ResizeTaps r = ResizeTapsAt(axes[d], o);
        if (nearest_) {
          maps.push_back(r.index[0] * st[d]);
          continue;
        }
        Taps t{{0, 0, 0, 0}, {0, 0, 0, 0}, r.count};
        for (int k = 0; k < r.count; ++k) {
          t.offset[k] = r.index[k] * st[d];
          t.weight[k] = r.weight[k];
        }
        taps.push_back(t);
      }
    }
    if (nearest_) {
      table_ = Upload(maps.data(), maps.size() * sizeof(int64_t));
    } else {
      table_ = Upload(taps.data(), taps.size() * sizeof(Taps));
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    const cudaStream_t s = S(stream);
    if (nearest_) {
      DispatchBits(DTypeSize(in_[0].dtype), [&](auto tag) {
        using B = decltype(tag);
        ResizeNearest<B><<<GridFor(n), kThreads, 0, s>>>(static_cast<const B*>(args.inputs[0]),
                                                         static_cast<B*>(args.outputs[0]), n, g_,
                                                         static_cast<const int64_t*>(table_.get()));
      });
    } else {
      DispatchFloat(in_[0].dtype, [&](auto tag) {
        using T = decltype(tag);
        ResizeInterpolate<T><<<GridFor(n), kThreads, 0, s>>>(static_cast<const T*>(args.inputs[0]),
                                                             static_cast<T*>(args.outputs[0]), n, g_,
                                                             static_cast<const Taps*>(table_.get()));
      });
    }
    CheckLaunch("resize kernel launch");
  }

 private:
  bool nearest_ = true;
  ResizeGeometry g_{};
  std::shared_ptr<void> table_;
};

}  // namespace

std::unique_ptr<Kernel> MakeResize(CudaBackend* b) { return std::make_unique<ResizeLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
