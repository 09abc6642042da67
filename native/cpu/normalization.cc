// Layer, instance and group normalization. Each normalized group of elements is one
// contiguous row of x: layer -> rows of prod(x[axis:]); instance -> one row per (n, c) of
// the spatial size; group -> one row per (n, g) of C/groups channels times spatial.
// Statistics in double: mean, then variance = mean((x - mean)^2); y = (x - mean) /
// sqrt(var + eps) * scale + bias with scale/bias indexed per element (layer) or per channel.
#include <algorithm>
#include <cmath>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

enum class Mode { kLayer, kInstance, kGroup };

class NormalizationKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const Shape& x = in_[0].shape;
    const std::string& mode = params().String("mode");
    eps_ = params().Float("epsilon");
    if (mode == "layer") {
      mode_ = Mode::kLayer;
      const int64_t axis = params().Int("axis");
      row_ = 1;
      for (size_t d = axis; d < x.size(); ++d) row_ *= x[d];
    } else {
      channels_ = x[1];
      spatial_ = 1;
      for (size_t d = 2; d < x.size(); ++d) spatial_ *= x[d];
      if (mode == "instance") {
        mode_ = Mode::kInstance;
        groups_ = channels_;
      } else {
        mode_ = Mode::kGroup;
        groups_ = params().Int("groups");
      }
      row_ = channels_ / groups_ * spatial_;
    }
    rows_ = row_ == 0 ? 0 : in_[0].numel / row_;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* scale = static_cast<const float*>(args.inputs[1]);
    const float* bias = args.inputs.size() > 2 ? static_cast<const float*>(args.inputs[2]) : nullptr;
    float* y = static_cast<float*>(args.outputs[0]);
    Par(rows_, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(row_, 1)), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const float* src = x + r * row_;
        float* dst = y + r * row_;
        double mean = 0;
        for (int64_t i = 0; i < row_; ++i) mean += src[i];
        mean /= static_cast<double>(row_);
        double var = 0;
        for (int64_t i = 0; i < row_; ++i) {
          const double d = src[i] - mean;
          var += d * d;
        }
        var /= static_cast<double>(row_);
        const double inv = 1.0 / std::sqrt(var + eps_);
        if (mode_ == Mode::kLayer) {
          for (int64_t i = 0; i < row_; ++i) {
            dst[i] = static_cast<float>((src[i] - mean) * inv * scale[i] + (bias ? bias[i] : 0.0f));
          }
        } else {
          // Channels of this row: instance -> the row's own; group -> C/groups consecutive ones.
          const int64_t per = channels_ / groups_;
          const int64_t c0 = (r % groups_) * per;
          for (int64_t c = 0; c < per; ++c) {
            const double s = scale[c0 + c] * inv;
            const double b = bias ? bias[c0 + c] : 0.0;
            const float* sp = src + c * spatial_;
            float* dp = dst + c * spatial_;
            for (int64_t i = 0; i < spatial_; ++i) dp[i] = static_cast<float>((sp[i] - mean) * s + b);
          }
        }
      }
    });
  }

 private:
  Mode mode_ = Mode::kLayer;
  double eps_ = 1e-5;
  int64_t rows_ = 0, row_ = 1, channels_ = 1, spatial_ = 1, groups_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> MakeNormalization() { return std::make_unique<NormalizationKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
