// What convolution and deconvolution share: the window geometry of a grouped layer from
// (N, C, spatial...) to (N, M, spatial...), its fused activation, and a column buffer (the
// workspace) sized to a budget. Deconvolution reads the window with the same roles: w_.in is
// its input, w_.out its output.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "cpu/activation.h"
#include "cpu/kernel_base.h"
#include "layers/convolution.h"

namespace hybridrt {
namespace cpu {

class GroupedWindowKernel : public CpuKernel {
 public:
  size_t WorkspaceBytes() const override { return workspace_; }

 protected:
  // Column buffer budget, in floats.
  static constexpr int64_t kColFloats = 2 * 1024 * 1024;

  void AnalyzeGeometry() {
    const ConvolutionParams p = ReadConvolution(params());
    w_ = MakeWindow(p.window, in_[0].shape, out_[0].shape);
    n_ = in_[0].shape[0];
    c_ = in_[0].shape[1];
    m_ = out_[0].shape[1];
    groups_ = p.groups;
    cg_ = c_ / groups_;
    mg_ = m_ / groups_;
  }

  // A column buffer of `rows` rows and as many of `positions` columns as the budget holds.
  void SizeColumns(int64_t rows, int64_t positions) {
    cols_ = std::max<int64_t>(1, std::min<int64_t>(positions, kColFloats / std::max<int64_t>(rows, 1)));
    // Blocks of whole micro-kernel tiles where the buffer cannot take every position.
    if (cols_ < positions && cols_ > 64) cols_ = cols_ / 64 * 64;
    workspace_ = static_cast<size_t>(rows * cols_) * sizeof(float);
  }

  // An output line's sums finished into `out` (which may be `sums`): + *bias, + z[i], then the
  // activation, the order every tactic follows.
  void FinishLine(float* sums, float* out, int64_t len, const float* bias, const float* z) const {
    if (bias) {
      const float bv = *bias;
      for (int64_t i = 0; i < len; ++i) sums[i] += bv;
    }
    if (z) {
      for (int64_t i = 0; i < len; ++i) sums[i] += z[i];
    }
    if (act_.enabled) {
      ApplyActivation(act_, sums, out, len);
    } else if (out != sums) {
      std::memcpy(out, sums, static_cast<size_t>(len) * sizeof(float));
    }
  }

  // Bias, residual and activation over the whole output (the convolution's GEMM tactics whose
  // weights are not constant, so not packed: their GEMM does not finish tiles).
  void Epilogue(const float* bias, const float* z, float* y) const {
    if (!bias && !z && !act_.enabled) return;
    const int64_t out_size = w_.out_size();
    Par(n_ * m_, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(out_size, 1)), [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        float* plane = y + p * out_size;
        FinishLine(plane, plane, out_size, bias ? bias + p % m_ : nullptr, z ? z + p * out_size : nullptr);
      }
    });
  }

  Window w_{};
  int64_t n_ = 0, c_ = 0, m_ = 0, groups_ = 1, cg_ = 1, mg_ = 1;
  int64_t cols_ = 1;
  size_t workspace_ = 0;
  Activation act_;
};

}  // namespace cpu
}  // namespace hybridrt
