// Matmul: out = alpha * op(a) @ op(b) + beta * c, numpy matmul semantics (rank-1 a is a
// row, rank-1 b a column, batch dims broadcast), c broadcast to the output, a residual input
// (fusion.h: the last one, of the output's shape) added, then a fused activation. c is first broadcast into the output
// (scaled by beta); the SGEMMs then accumulate onto it. Many small batches run one SGEMM per thread; few large ones
// give every SGEMM all threads.
#include <algorithm>

#include "cpu/activation.h"
#include "cpu/broadcast.h"
#include "cpu/gemv_rows.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/sgemm.h"
#include "src/ir/broadcast_dims.h"
#include "layers/matmul.h"

namespace hybridrt {
namespace cpu {

namespace {

class MatmulKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const MatmulParams p = ReadMatmul(params());
    trans_a_ = p.trans_a;
    trans_b_ = p.trans_b;
    alpha_ = static_cast<float>(p.alpha);
    beta_ = static_cast<float>(p.beta);
    act_ = ReadActivation(params(), "activation.");
    residual_ = p.residual;
    has_c_ = MatmulHasC(p, in_.size());
    Shape a = in_[0].shape, b = in_[1].shape;
    if (a.size() == 1) a.insert(a.begin(), 1);
    if (b.size() == 1) b.push_back(1);
    const size_t ra = a.size(), rb = b.size();
    // Row/column strides of the (untransposed) last two dims.
    const int64_t a_rows = a[ra - 2], a_cols = a[ra - 1], b_rows = b[rb - 2], b_cols = b[rb - 1];
    m_ = trans_a_ ? a_cols : a_rows;
    k_ = trans_a_ ? a_rows : a_cols;
    n_ = trans_b_ ? b_rows : b_cols;
    rs_a_ = trans_a_ ? 1 : a_cols;
    cs_a_ = trans_a_ ? a_cols : 1;
    rs_b_ = trans_b_ ? 1 : b_cols;
    cs_b_ = trans_b_ ? b_cols : 1;
    Shape batch_a(a.begin(), a.end() - 2), batch_b(b.begin(), b.end() - 2);
    // One b for every batch of a row-major a: the batches are rows of one taller a (a
    // [S, B, K] @ [K, N] is one [S*B, K] @ [K, N], not S small products).
    if (!trans_a_ && Numel(batch_b) == 1 && !batch_a.empty()) {
      m_ *= Numel(batch_a);
      batch_a.assign(batch_a.size(), 1);
    }
    BroadcastShapes({batch_a, batch_b}, &batch_);
    // Per batch index: element offsets of its a and b matrices.
    // Each operand's batch strides aligned to batch_ (0 where it broadcasts), in elements.
    std::vector<int64_t> sa = BroadcastStrides(batch_a, batch_.size()), sb = BroadcastStrides(batch_b, batch_.size());
    for (int64_t& v : sa) v *= a_rows * a_cols;
    for (int64_t& v : sb) v *= b_rows * b_cols;
    const int64_t nb = Numel(batch_);
    a_off_.resize(nb);
    b_off_.resize(nb);
    for (int64_t i = 0; i < nb; ++i) {
      int64_t r = i, oa = 0, ob = 0;
      for (int d = static_cast<int>(batch_.size()) - 1; d >= 0; --d) {
        int64_t idx = r % batch_[d];
        r /= batch_[d];
        oa += idx * sa[d];
        ob += idx * sb[d];
      }
      a_off_[i] = oa;
      b_off_[i] = ob;
    }
    // A constant b shared by every batch is packed once (transformer and classifier weights).
    const float* b_const = static_cast<const float*>(constants_.size() > 1 ? constants_[1] : nullptr);
    packed_b_ =
        b_const && Numel(batch_b) == 1 && m_ > 1 ? PackedMatrix::B(k_, n_, b_const, rs_b_, cs_b_) : PackedMatrix();
    // A single row against a small constant b (a recurrent step): b kept row-major for the row
    // kernel (gemv_rows.h), whatever its layout in the model.
    if (b_const && Numel(batch_b) == 1 && m_ == 1 && RowsGemvFits(k_, n_)) {
      rows_b_.resize(static_cast<size_t>(k_ * n_));
      for (int64_t kk = 0; kk < k_; ++kk) {
        for (int64_t j = 0; j < n_; ++j) rows_b_[kk * n_ + j] = b_const[kk * rs_b_ + j * cs_b_];
      }
    }
    // With b packed, a c that is one row of n (a bias) and the activation are applied to each
    // tile of the product as it is finished; otherwise c is broadcast first and the activation
    // is a pass of its own.
    row_bias_ = has_c_ && !in_[2].shape.empty() && in_[2].shape.back() == n_ && Numel(in_[2].shape) == n_;
    tile_epilogue_ = !packed_b_.empty() && (row_bias_ || !has_c_);
    if (has_c_ && !tile_epilogue_) {
      bias_ = std::make_unique<Broadcast>(out_[0].shape, std::vector<Shape>{in_[2].shape});
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* a = static_cast<const float*>(args.inputs[0]);
    const float* b = static_cast<const float*>(args.inputs[1]);
    float* y = static_cast<float*>(args.outputs[0]);
    float gemm_beta = 0.0f;
    if (bias_) {
      const float* c = static_cast<const float*>(args.inputs[2]);
      const Broadcast& bc = *bias_;
      const int64_t len = bc.row_length(), st = bc.inner_stride(0);
      const float beta = beta_;
      Par(bc.rows(), std::max<int64_t>(1, kElementGrain / std::max<int64_t>(len, 1)), [&](int64_t r0, int64_t r1) {
        bc.ForRows(r0, r1, [&](int64_t row, const int64_t* offs) {
          float* dst = y + row * len;
          const float* src = c + offs[0];
          for (int64_t i = 0; i < len; ++i) dst[i] = beta * src[i * st];
        });
      });
      gemm_beta = 1.0f;
    }
    const int64_t nb = static_cast<int64_t>(a_off_.size());
    const int64_t mn = m_ * n_;
    const float* row = tile_epilogue_ && row_bias_ ? static_cast<const float*>(args.inputs[2]) : nullptr;
    const float* z = residual_ ? static_cast<const float*>(args.inputs.back()) : nullptr;
    auto one = [&](int64_t i, int threads) {
      if (!rows_b_.empty()) {
        return RowsGemv(n_, k_, alpha_, a + a_off_[i], cs_a_, rows_b_.data(), gemm_beta, y + i * mn, threads);
      }
      if (tile_epilogue_) {
        float* yi = y + i * mn;
        const float* zi = z ? z + i * mn : nullptr;
        const TileEpilogue finish = [&](int64_t i0, int64_t j0, int64_t rows, int64_t cols) {
          for (int64_t r = i0; r < i0 + rows; ++r) {
            float* line = yi + r * n_ + j0;
            if (row) {
              for (int64_t j = 0; j < cols; ++j) line[j] += beta_ * row[j0 + j];
            }
            if (zi) {
              const float* zl = zi + r * n_ + j0;
              for (int64_t j = 0; j < cols; ++j) line[j] += zl[j];
            }
            if (act_.enabled) ApplyActivation(act_, line, line, cols);
          }
        };
        return Sgemm(m_, alpha_, a + a_off_[i], rs_a_, cs_a_, packed_b_, 0.0f, yi, n_, threads, &finish);
      }
      if (!packed_b_.empty()) {
        return Sgemm(m_, alpha_, a + a_off_[i], rs_a_, cs_a_, packed_b_, gemm_beta, y + i * mn, n_, threads);
      }
      Sgemm(m_, n_, k_, alpha_, a + a_off_[i], rs_a_, cs_a_, b + b_off_[i], rs_b_, cs_b_, gemm_beta, y + i * mn, n_,
            threads);
    };
    if (nb >= threads_ && nb > 1) {
      Par(nb, 1, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) one(i, 1);
      });
    } else {
      for (int64_t i = 0; i < nb; ++i) one(i, threads_);
    }
    if (!tile_epilogue_ && (z || act_.enabled)) {
      const int64_t total = out_[0].numel;
      Par(total, kElementGrain, [&](int64_t s, int64_t e) {
        if (z) {
          for (int64_t j = s; j < e; ++j) y[j] += z[j];
        }
        if (act_.enabled) ApplyActivation(act_, y + s, y + s, e - s);
      });
    }
  }

 private:
  bool trans_a_ = false, trans_b_ = false;
  bool residual_ = false;  // the last input is added to the product (before the activation)
  bool has_c_ = false;     // a c input scaled by a beta other than 0
  float alpha_ = 1, beta_ = 0;
  Activation act_;
  int64_t m_ = 0, n_ = 0, k_ = 0, rs_a_ = 0, cs_a_ = 0, rs_b_ = 0, cs_b_ = 0;
  Shape batch_;
  std::vector<int64_t> a_off_, b_off_;
  std::unique_ptr<Broadcast> bias_;
  PackedMatrix packed_b_;       // b, where it is one constant matrix
  std::vector<float> rows_b_;   // b row-major, for a single row against small constant weights
  bool row_bias_ = false;       // c is one row of n
  bool tile_epilogue_ = false;  // bias and activation applied tile by tile (b packed)
};

}  // namespace

std::unique_ptr<Kernel> MakeMatmul() { return std::make_unique<MatmulKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
