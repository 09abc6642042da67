// The recurrent layer (layers/recurrent.h): every step of one direction of an RNN, GRU or LSTM
// in one kernel, where the unrolled form ran five (lstm) to nine (gru) layers a step (each 0.5-0.9 us
// beyond its arithmetic at lstm's sizes: docs/benchmarks.md, "Recurrent layers fused"). A
// step is the state's product with R^T, added to the step's row of x (and rb), then the
// gates' activations (the vector sigmoid and tanh of the unary layer, cpu/activation.h) and
// the state update, one batch row at a time. The state lives in the h and c outputs, updated in
// place once the step's products have read it; y[t] is a copy of h (0 where lens stops a row).
// R is kept k-major (H x n, per product) so that each batch row's product runs the row kernel
// (gemv_rows.h) where it fits (H at most 256, AVX-512), one blocked SGEMM over the rows elsewhere:
// a constant R then packed once into the SGEMM's panels (several rows; one row takes Sgemm's
// one-row product, which packs nothing), not again at every step.
#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

#include "cpu/activation.h"
#include "cpu/gemv_rows.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/sgemm.h"
#include "layers/recurrent.h"

namespace hybridrt {
namespace cpu {

namespace {

// A product h R_part^T over r's rows [first, first + n): its weights k-major, H x n.
struct Product {
  int64_t first = 0, n = 0;
  bool rows = false;           // the row kernel's (RowsGemvFits), per batch row
  std::vector<float> weights;  // r constant: transposed once; else per run into the workspace
  PackedMatrix packed;         // r constant, several rows, not the row kernel's: weights packed once
};

Activation Unary(UnaryOp op) {
  Activation a;
  a.enabled = true;
  a.op = op;
  return a;
}

class RecurrentKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    p_ = ReadRecurrentParams(*layer_);
    in_at_ = RecurrentInputIndices(p_);
    g_ = ReadRecurrentGeometry(p_, in_[in_at_.x].shape, in_[in_at_.r].shape);
    const int64_t H = g_.hidden;
    // GRU's candidate product reads r * h (or is scaled by r) after z and r are known: apart.
    // (first, n) of each product.
    const std::vector<std::pair<int64_t, int64_t>> parts =
        p_.cell == RecurrentCell::kGru ? std::vector<std::pair<int64_t, int64_t>>{{0, 2 * H}, {2 * H, H}}
                                       : std::vector<std::pair<int64_t, int64_t>>{{0, g_.width()}};
    products_.assign(parts.size(), Product{});
    for (size_t i = 0; i < parts.size(); ++i) std::tie(products_[i].first, products_[i].n) = parts[i];
    const float* r = constants_.size() > 1 ? static_cast<const float*>(constants_[1]) : nullptr;
    for (Product& pr : products_) {
      pr.rows = RowsGemvFits(H, pr.n);
      if (!r) continue;
      Transpose(r, pr, &pr.weights);
      if (!pr.rows && g_.batch > 1) pr.packed = PackedMatrix::B(H, pr.n, pr.weights.data(), pr.n, 1);
    }
    // Threads for a step's products only where they are big enough to pay for the hand-off.
    step_threads_ = g_.batch * H * g_.width() >= (int64_t{1} << 18) ? threads_ : 1;
  }

 public:
  size_t WorkspaceBytes() const override {
    int64_t floats = g_.batch * (g_.width() + g_.hidden);
    if (constants_.size() < 2 || !constants_[1]) floats += g_.width() * g_.hidden;
    return static_cast<size_t>(floats) * sizeof(float);
  }

  void Enqueue(const KernelArgs& args, Stream&) const override {
    const int64_t S = g_.steps, B = g_.batch, H = g_.hidden, W = g_.width();
    auto input = [&](int i) { return i < 0 ? nullptr : static_cast<const float*>(args.inputs[i]); };
    const float* x = input(in_at_.x);
    const float* rb = input(in_at_.rb);
    const int32_t* lens = in_at_.lens < 0 ? nullptr : static_cast<const int32_t*>(args.inputs[in_at_.lens]);
    float* y = static_cast<float*>(args.outputs[0]);
    float* h = static_cast<float*>(args.outputs[1]);
    float* c = p_.cell == RecurrentCell::kLstm ? static_cast<float*>(args.outputs[2]) : nullptr;
    float* gates = static_cast<float*>(args.workspace);  // [B, W]
    float* scratch = gates + B * W;                      // [B, H]
    // Each product's weights: prepared, or R (a run-time input) transposed into the workspace.
    const float* weights[2] = {nullptr, nullptr};
    float* run_weights = scratch + B * H;
    for (size_t i = 0; i < products_.size(); ++i) {
      if (!products_[i].weights.empty()) {  // prepared (and perhaps packed)
        weights[i] = products_[i].weights.data();
        continue;
      }
      TransposeInto(input(in_at_.r), products_[i], run_weights);
      weights[i] = run_weights;
      run_weights += products_[i].n * H;
    }
    const size_t state_bytes = static_cast<size_t>(B * H) * sizeof(float);
    if (in_at_.h0 >= 0) std::memcpy(h, input(in_at_.h0), state_bytes);
    else std::memset(h, 0, state_bytes);
    if (c && in_at_.c0 >= 0) std::memcpy(c, input(in_at_.c0), state_bytes);
    else if (c) std::memset(c, 0, state_bytes);
    for (int64_t k = 0; k < S; ++k) {
      const int64_t t = RecurrentStep(p_, g_, k);
      // A zero initial state has no product (nor rb: it is added below).
      const bool zero_state = k == 0 && in_at_.h0 < 0;
      std::memcpy(gates, x + t * B * W, static_cast<size_t>(B * W) * sizeof(float));
      if (rb) {
        for (int64_t b = 0; b < B; ++b) {
          float* row = gates + b * W;
          // GRU's candidate takes rb_h with its product below (inside r's scaling: linearBeforeReset).
          const int64_t n = p_.cell == RecurrentCell::kGru ? 2 * H : W;
          for (int64_t j = 0; j < n; ++j) row[j] += rb[j];
        }
      }
      if (!zero_state) Multiply(products_[0], weights[0], h, gates, W);
      if (p_.cell == RecurrentCell::kGru) GruStep(t, rb, lens, weights[1], zero_state, gates, scratch, h);
      float* yt = y + t * B * H;
      for (int64_t b = 0; b < B; ++b) {
        const bool live = !lens || t < lens[b];
        float* hb = h + b * H;
        float* row = gates + b * W;
        if (!live) {
          std::memset(yt + b * H, 0, static_cast<size_t>(H) * sizeof(float));
          continue;
        }
        if (p_.cell == RecurrentCell::kRnn) {
          ApplyActivation(tanh_, row, hb, H);
        } else if (p_.cell == RecurrentCell::kLstm) {
          LstmRow(row, c + b * H, hb, scratch + b * H);
        }
        std::memcpy(yt + b * H, hb, static_cast<size_t>(H) * sizeof(float));
      }
    }
    // Rows of length 0 end with zero states (recurrent.h).
    for (int64_t b = 0; lens && b < B; ++b) {
      if (lens[b] > 0) continue;
      std::memset(h + b * H, 0, static_cast<size_t>(H) * sizeof(float));
      if (c) std::memset(c + b * H, 0, static_cast<size_t>(H) * sizeof(float));
    }
  }

 private:
  // Row j of r (rows [first, first + n)) into column j - first of an H x n k-major matrix.
  void TransposeInto(const float* r, const Product& pr, float* out) const {
    const int64_t H = g_.hidden;
    for (int64_t j = 0; j < pr.n; ++j) {
      for (int64_t kk = 0; kk < H; ++kk) out[kk * pr.n + j] = r[(pr.first + j) * H + kk];
    }
  }
  void Transpose(const float* r, const Product& pr, std::vector<float>* out) const {
    out->resize(static_cast<size_t>(pr.n * g_.hidden));
    TransposeInto(r, pr, out->data());
  }

  // c[b, 0:n) += a[b, :] @ w for every batch row (a [B, H], c's rows ldc apart).
  void Multiply(const Product& pr, const float* w, const float* a, float* c, int64_t ldc) const {
    const int64_t H = g_.hidden;
    if (pr.rows) {
      for (int64_t b = 0; b < g_.batch; ++b) RowsGemv(pr.n, H, 1.0f, a + b * H, 1, w, 1.0f, c + b * ldc, step_threads_);
      return;
    }
    if (!pr.packed.empty()) return Sgemm(g_.batch, 1.0f, a, H, 1, pr.packed, 1.0f, c, ldc, step_threads_);
    Sgemm(g_.batch, pr.n, H, 1.0f, a, H, 1, w, pr.n, 1, 1.0f, c, ldc, step_threads_);
  }

  // i, o, f = sigmoid, c~ = tanh (the gates row, in place); c = f c + i c~; h = o tanh(c).
  void LstmRow(float* row, float* c, float* h, float* tmp) const {
    const int64_t H = g_.hidden;
    ApplyActivation(sigmoid_, row, row, 3 * H);
    ApplyActivation(tanh_, row + 3 * H, row + 3 * H, H);
    const float *i = row, *o = row + H, *f = row + 2 * H, *cand = row + 3 * H;
    for (int64_t j = 0; j < H; ++j) c[j] = f[j] * c[j] + i[j] * cand[j];
    ApplyActivation(tanh_, c, tmp, H);
    for (int64_t j = 0; j < H; ++j) h[j] = o[j] * tmp[j];
  }

  // GRU after z and r's products: the candidate's product and the update, per live row.
  void GruStep(int64_t t, const float* rb, const int32_t* lens, const float* wh, bool zero_state, float* gates,
               float* scratch, float* h) const {
    const int64_t B = g_.batch, H = g_.hidden, W = g_.width();
    const float* rbh = rb ? rb + 2 * H : nullptr;
    for (int64_t b = 0; b < B; ++b) ApplyActivation(sigmoid_, gates + b * W, gates + b * W, 2 * H);
    // scratch: h R_h^T + rb_h (linearBeforeReset), else r * h, the product's row.
    if (p_.linear_before_reset) {
      for (int64_t b = 0; b < B; ++b) {
        float* s = scratch + b * H;
        for (int64_t j = 0; j < H; ++j) s[j] = rbh ? rbh[j] : 0.0f;
      }
      if (!zero_state) Multiply(products_[1], wh, h, scratch, H);
    } else {
      for (int64_t b = 0; b < B; ++b) {
        const float* r = gates + b * W + H;
        for (int64_t j = 0; j < H; ++j) scratch[b * H + j] = r[j] * h[b * H + j];
        float* cand = gates + b * W + 2 * H;
        if (rbh) {
          for (int64_t j = 0; j < H; ++j) cand[j] += rbh[j];
        }
      }
      if (!zero_state) Multiply(products_[1], wh, scratch, gates + 2 * H, W);
    }
    for (int64_t b = 0; b < B; ++b) {
      float* row = gates + b * W;
      const float *z = row, *r = row + H;
      float* cand = row + 2 * H;
      if (p_.linear_before_reset) {
        const float* hh = scratch + b * H;
        for (int64_t j = 0; j < H; ++j) cand[j] = cand[j] + r[j] * hh[j];
      }
      ApplyActivation(tanh_, cand, cand, H);
      // Rows that lens stops keep h (the caller writes their y).
      if (lens && t >= lens[b]) continue;
      float* hb = h + b * H;
      for (int64_t j = 0; j < H; ++j) hb[j] = (1.0f - z[j]) * cand[j] + z[j] * hb[j];
    }
  }

  RecurrentParams p_;
  RecurrentInputs in_at_;
  RecurrentGeometry g_;
  std::vector<Product> products_;
  int step_threads_ = 1;
  const Activation sigmoid_ = Unary(UnaryOp::kSigmoid), tanh_ = Unary(UnaryOp::kTanh);
};

}  // namespace

std::unique_ptr<Kernel> MakeRecurrent() { return std::make_unique<RecurrentKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
