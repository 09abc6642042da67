// Resize of any rank. Per dim and output index, the input taps (indices and weights) come
// from the geometry both backends share (layers/resize.h ResizeTapsAt): nearest is an
// IndexMap copy of any dtype; linear and cubic are separable, each output element summing
// the product of its per-dim taps (one tap where the weight is exactly 1); where only the last
// two dims interpolate, by planes (resize_planes.h).
// extrapolationValue only applies to tf_crop_and_resize, which network.ts does not have.
#include <cmath>
#include <memory>

#include "cpu/index_map.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/resize_planes.h"
#include "layers/resize.h"

namespace hybridrt {
namespace cpu {

namespace {

struct Tap {
  int64_t offset;  // input element offset (index * stride)
  float weight;
};

class ResizeKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    const Shape& y = out_[0].shape;
    const ResizeParams rp = ReadResize(params());
    const std::vector<ResizeAxis> axes = ResizeAxesOf(rp, x, y);
    std::vector<int64_t> st = Strides(x);
    nearest_ = rp.rule.mode == ResizeMode::kNearest;
    std::vector<std::vector<int64_t>> maps(x.size());
    taps_.assign(x.size(), {});
    for (size_t d = 0; d < x.size(); ++d) {
      taps_[d].resize(static_cast<size_t>(y[d]));
      for (int64_t o = 0; o < y[d]; ++o) {
        const ResizeTaps t = ResizeTapsAt(axes[d], o);
        if (nearest_) {
          maps[d].push_back(t.index[0] * st[d]);
          continue;
        }
        for (int k = 0; k < t.count; ++k) taps_[d][o].push_back({t.index[k] * st[d], t.weight[k]});
      }
    }
    if (nearest_) map_ = std::make_unique<IndexMap>(std::move(maps), DTypeSize(in_[0].dtype), std::vector<uint8_t>{});
    if (!nearest_) planes_ = MakeResizePlanes(axes, x, y);
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    if (nearest_) {
      map_->Run(args.inputs[0], args.outputs[0], threads_);
      return;
    }
    const float* x = static_cast<const float*>(args.inputs[0]);
    float* y = static_cast<float*>(args.outputs[0]);
    if (planes_.on) {
      RunResizePlanes(planes_, x, y,
                      [&](int64_t n, const std::function<void(int64_t, int64_t)>& fn) { Par(n, 1, fn); });
      return;
    }
    const int nd = static_cast<int>(taps_.size());
    if (nd == 0) {
      y[0] = x[0];
      return;
    }
    const int64_t inner = static_cast<int64_t>(taps_[nd - 1].size());
    const int64_t rows = inner ? out_[0].numel / inner : 0;
    Par(rows, LinesPerChunk(inner), [&](int64_t r0, int64_t r1) {
      std::vector<int64_t> idx(nd, 0);
      std::vector<Tap> outer, next;
      for (int64_t r = r0; r < r1; ++r) {
        int64_t rem = r;
        for (int d = nd - 2; d >= 0; --d) {
          idx[d] = rem % static_cast<int64_t>(taps_[d].size());
          rem /= static_cast<int64_t>(taps_[d].size());
        }
        // The outer dims' taps for this row, multiplied out.
        outer.assign(1, Tap{0, 1.0f});
        for (int d = 0; d < nd - 1; ++d) {
          const std::vector<Tap>& td = taps_[d][idx[d]];
          next.clear();
          for (const Tap& o : outer) {
            for (const Tap& t : td) next.push_back({o.offset + t.offset, o.weight * t.weight});
          }
          outer.swap(next);
        }
        float* out = y + r * inner;
        for (int64_t j = 0; j < inner; ++j) {
          const std::vector<Tap>& tw = taps_[nd - 1][j];
          float acc = 0;
          for (const Tap& o : outer) {
            for (const Tap& t : tw) acc += o.weight * t.weight * x[o.offset + t.offset];
          }
          out[j] = acc;
        }
      }
    });
  }

 private:
  bool nearest_ = true;
  std::unique_ptr<IndexMap> map_;
  ResizePlanes planes_;
  std::vector<std::vector<std::vector<Tap>>> taps_;  // [dim][output index] -> taps
};

}  // namespace

std::unique_ptr<Kernel> MakeResize() { return std::make_unique<ResizeKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
