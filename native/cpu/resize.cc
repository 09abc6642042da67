// Resize of any rank. Per dim and output index, the output coordinate is mapped back to an
// input coordinate by the coordinate transformation (in fp32, with the scale as fp32, as
// onnxruntime computes it), then:
//   nearest  rounds it by nearestMode and clamps to the input; any dtype (an IndexMap copy),
//            with the identity map on dims whose scale is 1 (as onnxruntime);
//   linear   clamps it to [0, in-1] and weights the two neighbours;
//   cubic    weights the four neighbours with Keys' kernel (cubicCoeffA), clamping indices
//            to the edge, or with excludeOutside dropping outside taps and renormalizing.
// Linear and cubic are separable: the taps of every dim are precomputed, and each output
// element sums the product of its per-dim taps (one tap where the weight is exactly 1).
// extrapolationValue only applies to tf_crop_and_resize, which network.ts does not have.
#include <cmath>
#include <memory>

#include "cpu/index_map.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/resize_coords.h"

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
    const std::string& mode = params().String("mode");
    const std::string& coord = params().String("coordinateTransformation");
    const std::string& nearest = params().String("nearestMode");
    const float a = static_cast<float>(params().Float("cubicCoeffA"));
    const bool exclude = params().Bool("excludeOutside");
    auto scales = params().Floats("scales");
    std::vector<int64_t> st = Strides(x);
    nearest_ = mode == "nearest";
    std::vector<std::vector<int64_t>> maps(x.size());
    taps_.assign(x.size(), {});
    for (size_t d = 0; d < x.size(); ++d) {
      const float scale = static_cast<float>(scales[d]);
      taps_[d].resize(static_cast<size_t>(y[d]));
      for (int64_t o = 0; o < y[d]; ++o) {
        const float orig = ResizeInputCoordinate(coord, static_cast<float>(o), scale, y[d], x[d]);
        std::vector<Tap>& taps = taps_[d][o];
        if (nearest_) {
          int64_t i = scale == 1.0f && y[d] == x[d] ? o : ResizeNearestIndex(nearest, orig);
          i = std::max<int64_t>(0, std::min<int64_t>(i, x[d] - 1));
          maps[d].push_back(i * st[d]);
        } else if (mode == "linear") {
          const float c = std::max(0.0f, std::min(orig, static_cast<float>(x[d] - 1)));
          const int64_t i0 = std::min<int64_t>(static_cast<int64_t>(c), x[d] - 1);
          const int64_t i1 = std::min<int64_t>(i0 + 1, x[d] - 1);
          const float w1 = c - static_cast<float>(i0);
          if (i1 == i0 || w1 == 0) {
            taps.push_back({i0 * st[d], 1.0f});
          } else {
            taps.push_back({i0 * st[d], 1.0f - w1});
            taps.push_back({i1 * st[d], w1});
          }
        } else {
          const float fl = std::floor(orig);
          const int64_t i = static_cast<int64_t>(fl);
          const float s = orig - fl;
          const float c[4] = {((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a,
                              ((a + 2) * s - (a + 3)) * s * s + 1,
                              ((a + 2) * (1 - s) - (a + 3)) * (1 - s) * (1 - s) + 1,
                              ((a * (2 - s) - 5 * a) * (2 - s) + 8 * a) * (2 - s) - 4 * a};
          float sum = 0;
          for (int t = 0; t < 4; ++t) {
            const int64_t idx = i - 1 + t;
            const bool inside = idx >= 0 && idx < x[d];
            if (exclude && !inside) continue;
            sum += c[t];
          }
          for (int t = 0; t < 4; ++t) {
            const int64_t idx = i - 1 + t;
            const bool inside = idx >= 0 && idx < x[d];
            if (exclude && !inside) continue;
            const float w = exclude ? c[t] / sum : c[t];
            if (w == 0) continue;
            const int64_t clamped = std::max<int64_t>(0, std::min<int64_t>(idx, x[d] - 1));
            taps.push_back({clamped * st[d], w});
          }
          if (taps.empty()) taps.push_back({std::max<int64_t>(0, std::min<int64_t>(i, x[d] - 1)) * st[d], 0.0f});
        }
      }
    }
    if (nearest_) map_ = std::make_unique<IndexMap>(std::move(maps), DTypeSize(in_[0].dtype), std::vector<uint8_t>{});
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    if (nearest_) {
      map_->Run(args.inputs[0], args.outputs[0], threads_);
      return;
    }
    const float* x = static_cast<const float*>(args.inputs[0]);
    float* y = static_cast<float*>(args.outputs[0]);
    const int nd = static_cast<int>(taps_.size());
    if (nd == 0) {
      y[0] = x[0];
      return;
    }
    const int64_t inner = static_cast<int64_t>(taps_[nd - 1].size());
    const int64_t rows = inner ? out_[0].numel / inner : 0;
    Par(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(inner, 1)), [&](int64_t r0, int64_t r1) {
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
  std::vector<std::vector<std::vector<Tap>>> taps_;  // [dim][output index] -> taps
};

}  // namespace

std::unique_ptr<Kernel> MakeResize() { return std::make_unique<ResizeKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
