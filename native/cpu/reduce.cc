// Reduce over any set of axes (sum, mean, max, min, prod, sum_square, l1, l2, log_sum_exp)
// on float32 (half via HalfAdapter), and sum/max/min/prod on int32/int64. The reduced axes
// are brought last by a transpose into the workspace (skipped when they already are), so
// every output element reduces one contiguous row. Float sums accumulate in double.
//
// The builder's excite form (fusion.h) then runs a squeeze-excitation gate over each sample's
// means m [C]: g = act2(w2 act1(w1 m + b1) + b2), with w1 [Cr, C] and w2 [C, Cr], in place
// in the output (whose N x C elements are the means in either layout); with exciteScale the
// means and the gate go to the workspace and the output is x scaled by the gate.
#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu/activation.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/reduce_minmax.h"
#include "cpu/sgemm.h"
#include "cpu/transpose.h"
#include "layers/reduce.h"

namespace hybridrt {
namespace cpu {

namespace {

using Op = reduce::Op;

// Sums in double over eight independent lanes: as exact as one running double sum, and the
// compiler vectorizes it (one chain of dependent adds ran at one add per four cycles).
template <typename F>
double LaneSum(const float* x, int64_t n, F term) {
  double lane[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) lane[j] += term(x[i + j]);
  }
  double s = 0;
  for (; i < n; ++i) s += term(x[i]);
  for (int j = 0; j < 8; ++j) s += lane[j];
  return s;
}

float ReduceFloat(Op op, const float* x, int64_t n) {
  switch (op) {
    case Op::kSum:
    case Op::kMean: {
      const double s = LaneSum(x, n, [](float v) { return static_cast<double>(v); });
      if (op == Op::kMean) return n ? static_cast<float>(s / static_cast<double>(n)) : 0.0f;  // empty: 0 (reduce.h)
      return static_cast<float>(s);
    }
    case Op::kMax: return RowMax(x, n);  // acc = x[i] where x[i] > acc or NaN (reduce_minmax.h)
    case Op::kMin: return RowMin(x, n);
    case Op::kProd: {
      double p = 1;
      for (int64_t i = 0; i < n; ++i) p *= x[i];
      return static_cast<float>(p);
    }
    case Op::kSumSquare:
    case Op::kL2: {
      const double s = LaneSum(x, n, [](float v) { return static_cast<double>(v) * v; });
      return static_cast<float>(op == Op::kL2 ? std::sqrt(s) : s);
    }
    case Op::kL1: {
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += std::fabs(x[i]);
      return static_cast<float>(s);
    }
    case Op::kLogSumExp: {
      float m = -std::numeric_limits<float>::infinity();
      for (int64_t i = 0; i < n; ++i) m = std::max(m, x[i]);
      if (std::isinf(m)) return m;
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += std::exp(static_cast<double>(x[i]) - m);
      return static_cast<float>(m + std::log(s));
    }
  }
  return 0;
}

template <typename T>
T ReduceInt(Op op, const T* x, int64_t n) {
  using U = std::make_unsigned_t<T>;
  switch (op) {
    case Op::kSum: {
      U s = 0;
      for (int64_t i = 0; i < n; ++i) s += static_cast<U>(x[i]);
      return static_cast<T>(s);
    }
    case Op::kProd: {
      U p = 1;
      for (int64_t i = 0; i < n; ++i) p *= static_cast<U>(x[i]);
      return static_cast<T>(p);
    }
    case Op::kMax: {
      T m = std::numeric_limits<T>::lowest();
      for (int64_t i = 0; i < n; ++i) m = std::max(m, x[i]);
      return m;
    }
    case Op::kMin: {
      T m = std::numeric_limits<T>::max();
      for (int64_t i = 0; i < n; ++i) m = std::min(m, x[i]);
      return m;
    }
    default: Fail(ErrorCode::kNative, "reduce op does not take integer tensors");
  }
}

class ReduceKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const ReduceGeometry g = ReduceGeometryOf(params(), in_[0].shape, out_[0].numel);
    const ReduceParams& p = g.params;
    op_ = p.op;
    row_ = g.rows.length;
    rows_ = g.out_rows;
    scale_ = p.excite_scale;
    transpose_ = std::make_unique<Transpose>(in_[0].shape, g.rows.perm, DTypeSize(in_[0].dtype));
    if (!transpose_->identity()) workspace_ = in_[0].bytes;
    if (scale_) {
      gate_offset_ = (workspace_ + 63) / 64 * 64;
      workspace_ = gate_offset_ + static_cast<size_t>(rows_) * sizeof(float);
      nhwc_ = p.nhwc();
    }
    excite_ = p.excite;
    if (excite_) {
      act1_ = p.excite1;
      act2_ = p.excite2;
      hidden_ = in_[1].shape[0];
      channels_ = in_[1].shape[1];
    }
  }

  // out [N, C] (the means) becomes the gate, sample by sample. Each product is a single-row
  // Sgemm against the weights' rows (a GEMV that streams them on every thread; the weights,
  // hundreds of KB per block, come from memory on each run): on one thread, with double
  // sums, mobilenet_v3_large's last squeeze-excite blocks (960 x 240) took 0.18 ms each.
  void Excite(const KernelArgs& args, float* y) const {
    const float* w1 = static_cast<const float*>(args.inputs[1]);
    const float* b1 = static_cast<const float*>(args.inputs[2]);
    const float* w2 = static_cast<const float*>(args.inputs[3]);
    const float* b2 = static_cast<const float*>(args.inputs[4]);
    std::vector<float> h(static_cast<size_t>(hidden_));
    for (int64_t n = 0; n < rows_ / channels_; ++n) {
      float* g = y + n * channels_;
      // h = w1 g + b1, then g = w2 act1(h) + b2 (B(k, j) = w[j][k]: columns of B are rows of w).
      Sgemm(1, hidden_, channels_, 1.0f, g, channels_, 1, w1, 1, channels_, 0.0f, h.data(), hidden_, threads_);
      for (int64_t r = 0; r < hidden_; ++r) h[r] += b1[r];
      ApplyActivation(act1_, h.data(), h.data(), hidden_);
      Sgemm(1, channels_, hidden_, 1.0f, h.data(), hidden_, 1, w2, 1, hidden_, 0.0f, g, channels_, threads_);
      for (int64_t c = 0; c < channels_; ++c) g[c] += b2[c];
      ApplyActivation(act2_, g, g, channels_);
    }
  }

 public:
  size_t WorkspaceBytes() const override { return workspace_; }

  void Enqueue(const KernelArgs& args, Stream&) const override {
    const void* x = args.inputs[0];
    if (!transpose_->identity()) {
      transpose_->Run(x, args.workspace, threads_);
      x = args.workspace;
    }
    const int64_t grain = std::max<int64_t>(1, kElementGrain / std::max<int64_t>(row_, 1));
    float* gate = scale_ ? reinterpret_cast<float*>(static_cast<uint8_t*>(args.workspace) + gate_offset_) : nullptr;
    Par(rows_, grain, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        switch (in_[0].dtype) {
          case DType::kFloat32:
            (scale_ ? gate : static_cast<float*>(args.outputs[0]))[r] =
                ReduceFloat(op_, static_cast<const float*>(x) + r * row_, row_);
            break;
          case DType::kInt32:
            static_cast<int32_t*>(args.outputs[0])[r] = ReduceInt(op_, static_cast<const int32_t*>(x) + r * row_, row_);
            break;
          case DType::kInt64:
            static_cast<int64_t*>(args.outputs[0])[r] = ReduceInt(op_, static_cast<const int64_t*>(x) + r * row_, row_);
            break;
          default: Bad(ErrorCode::kNative, Cat("dtype ", DTypeName(in_[0].dtype), " is not supported"));
        }
      }
    });
    if (excite_) Excite(args, scale_ ? gate : static_cast<float*>(args.outputs[0]));
    if (scale_) Scale(static_cast<const float*>(args.inputs[0]), gate, static_cast<float*>(args.outputs[0]));
  }

  // y = x * g, g [N, C] broadcast over the spatial dims of x (NCHW or NHWC).
  void Scale(const float* x, const float* g, float* y) const {
    // By rows of one gate value (NCHW: a channel's plane) or of the whole gate vector (NHWC: a
    // pixel's channels), so that the inner loop is a plain vector multiply.
    const int64_t n = in_[0].numel, c = channels_, spatial = row_;
    const int64_t len = nhwc_ ? c : spatial, rows = n / std::max<int64_t>(len, 1);
    Par(rows, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(len, 1)), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const float* xr = x + r * len;
        float* yr = y + r * len;
        if (nhwc_) {
          const float* gr = g + (r / spatial) * c;
          for (int64_t i = 0; i < len; ++i) yr[i] = xr[i] * gr[i];
        } else {
          const float gv = g[r];
          for (int64_t i = 0; i < len; ++i) yr[i] = xr[i] * gv;
        }
      }
    });
  }

 private:
  bool excite_ = false, scale_ = false, nhwc_ = false;
  size_t gate_offset_ = 0;  // the means, then the gate, in the workspace (exciteScale)
  Activation act1_, act2_;
  int64_t hidden_ = 0, channels_ = 1;
  Op op_ = Op::kSum;
  int64_t rows_ = 0, row_ = 1;
  std::unique_ptr<Transpose> transpose_;
  size_t workspace_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeReduce() { return std::make_unique<ReduceKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
