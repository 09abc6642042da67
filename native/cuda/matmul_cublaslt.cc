// Matmul through cuBLASLt: out = alpha * op(a) @ op(b) + beta * c with numpy matmul
// semantics (rank-1 a is a row, rank-1 b a column, batch dims broadcast), then a fused
// activation. Row-major tensors are handed to cuBLASLt (column-major) as the transposed
// product: out^T = op(b)^T op(a)^T, so no data is transposed. Batches are one strided-batch
// call: an operand whose batch dims are all 1 has stride 0; one that broadcasts only some of
// them is expanded into the workspace first. c is broadcast into the output (scaled by beta)
// by a kernel, and cuBLASLt accumulates onto it (beta 1), except where c is a bias (one row
// of n, beta 1, one matrix product): then cuBLASLt adds it in its epilogue
// (CUBLASLT_EPILOGUE_BIAS, or RELU_BIAS with a fused relu), and no kernel runs before it. A
// residual input (fusion.h) is cuBLASLt's C with beta 1 where c is not (else it is added with
// the activation pass).
//
// Precision: compute CUBLAS_COMPUTE_32F with fp32 scales for every data type, so fp32 never
// uses TF32 (matches onnxruntime within 1e-4) and fp16/bf16 accumulate in fp32.
// Tactics: the heuristic's candidates (up to kCandidates) are timed on the real shapes at
// build time; the plan records "lt:<index in the heuristic's list>". A product of one row
// (m = 1, one batch: a decoder's token) also times `gemv` (gemv.cu: a warp per output, every
// weight read once), which reads b as N rows of K: as it is where transB, else from a
// transposed copy of a constant b that the kernel uploads (its own, beside the engine's; not
// in a ranged engine, whose instances would each hold one).
// HYBRIDRT_MATMUL_TACTIC=gemv|lt forces one (env_switches.h).
#include <cublasLt.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "layers/activation.h"
#include "layers/matmul.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "cuda/tactic_timer.h"
#include "src/builder/memory_planner.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr int kCandidates = 8;
constexpr size_t kLtWorkspace = size_t{32} << 20;

cudaDataType_t LtType(DType t) {
  switch (t) {
    case DType::kFloat16: return CUDA_R_16F;
    case DType::kBFloat16: return CUDA_R_16BF;
    default: return CUDA_R_32F;
  }
}

// Largest power of two (<= 256) dividing v; 256 for 0.
uint32_t Alignment(uint64_t v) {
  uint32_t a = 256;
  while (a > 1 && v % a != 0) a /= 2;
  return a;
}

class MatmulKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;
  ~MatmulKernel() override {
    for (cublasLtMatrixLayout_t l : {a_layout_, b_layout_, d_layout_}) {
      if (l) cublasLtMatrixLayoutDestroy(l);
    }
    if (desc_) cublasLtMatmulDescDestroy(desc_);
  }

  size_t WorkspaceBytes() const override { return lt_workspace_ + expand_a_bytes_ + expand_b_bytes_; }

 protected:
  void CheckLt(cublasStatus_t s, const char* what) const {
    if (s != CUBLAS_STATUS_SUCCESS) Bad(ErrorCode::kNative, Cat(what, ": cuBLAS status ", static_cast<int>(s)));
  }

  // One operand's batch handling: its stride between matrices, or an expansion.
  struct Operand {
    Shape shape;  // with the rank-1 promotion, batch dims padded to the output's
    int64_t rows = 0, cols = 0;
    int64_t stride = 0;  // elements between consecutive batch matrices
    bool expand = false;
    Strided expansion;  // when expand: the broadcast copy into the workspace
  };

  Operand Plan(Shape s, bool is_a) const {
    if (s.size() == 1) {
      if (is_a) s.insert(s.begin(), 1);
      else s.push_back(1);
    }
    Operand o;
    o.rows = s[s.size() - 2];
    o.cols = s[s.size() - 1];
    Shape batch(s.begin(), s.end() - 2);
    while (batch.size() < batch_.size()) batch.insert(batch.begin(), 1);
    const int64_t count = Numel(batch);
    if (count == 1) {
      o.stride = 0;
    } else if (batch == batch_) {
      o.stride = o.rows * o.cols;
    } else {
      o.expand = true;
      o.stride = o.rows * o.cols;
      Shape full = batch_;
      full.push_back(o.rows);
      full.push_back(o.cols);
      Shape padded = batch;
      padded.push_back(o.rows);
      padded.push_back(o.cols);
      o.expansion = MakeBroadcast(full, {padded});
    }
    o.shape = s;
    return o;
  }

  void Analyze() override {
    dtype_ = out_[0].dtype;
    const MatmulParams p = ReadMatmul(params());
    trans_a_ = p.trans_a;
    trans_b_ = p.trans_b;
    alpha_ = static_cast<float>(p.alpha);
    beta_ = static_cast<float>(p.beta);
    Shape a = in_[0].shape, b = in_[1].shape;
    if (a.size() == 1) a.insert(a.begin(), 1);
    if (b.size() == 1) b.push_back(1);
    Shape ba(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
    if (!BroadcastShapes({ba, bb}, &batch_)) Bad(ErrorCode::kNative, "batch dims do not broadcast");
    batch_count_ = Numel(batch_);
    a_ = Plan(in_[0].shape, true);
    b_ = Plan(in_[1].shape, false);
    if (batch_count_ > 1 && b_.stride == 0 && !b_.expand && !a_.expand && !trans_a_) {
      // A batch of a against one b (a Linear layer on [B, S, H]): one product of B*S rows.
      a_.rows *= batch_count_;
      a_.stride = 0;
      batch_count_ = 1;
    }
    m_ = trans_a_ ? a_.cols : a_.rows;
    k_ = trans_a_ ? a_.rows : a_.cols;
    n_ = trans_b_ ? b_.rows : b_.cols;
    const size_t es = DTypeSize(dtype_);
    expand_a_bytes_ = a_.expand ? AlignUp(batch_count_ * a_.rows * a_.cols * es, kArenaAlignment) : 0;
    expand_b_bytes_ = b_.expand ? AlignUp(batch_count_ * b_.rows * b_.cols * es, kArenaAlignment) : 0;
    residual_ = p.residual;
    has_c_ = MatmulHasC(p, in_.size());
    if (has_c_) c_ = MakeBroadcast(out_[0].shape, {in_[2].shape});
    act_ = MakeAct(ReadActivation(params(), "activation."));
    gemv_act_ = act_;
    if (k_ == 0 || batch_count_ == 0) return;  // no product to compute (see Enqueue)
    const Shape& cs = has_c_ ? in_[2].shape : Shape{};
    bias_epilogue_ = has_c_ && beta_ == 1 && batch_count_ == 1 && !cs.empty() && cs.back() == n_ && Numel(cs) == n_;
    // The one-row kernel: b as N rows of K (transB, or a constant to transpose: not in a ranged
    // engine, whose every instance would hold a copy of its own), c one value or one per output.
    const int64_t c_numel = has_c_ ? Numel(cs) : 0;
    const bool b_rows = trans_b_ || (!ranged_ && constants_.size() > 1 && constants_[1]);
    gemv_ok_ = m_ == 1 && batch_count_ == 1 && !trans_a_ && !a_.expand && !b_.expand && b_rows &&
               (!has_c_ || c_numel == 1 || c_numel == n_);
    c_step_ = c_numel == n_ ? 1 : 0;
    if (gemv_ok_ && switches_.matmul_tactic == "gemv") return;  // forced: no cuBLASLt descriptors needed
    if (batch_count_ > INT32_MAX)
      Bad(ErrorCode::kNative, Cat("batch count ", batch_count_, " is beyond cuBLASLt's int32"));
    // cuBLASLt's A is our b, its B our a (see the file comment).
    const cudaDataType_t t = LtType(dtype_);
    CheckLt(cublasLtMatmulDescCreate(&desc_, CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
    const int32_t op_a = trans_b_ ? CUBLAS_OP_T : CUBLAS_OP_N, op_b = trans_a_ ? CUBLAS_OP_T : CUBLAS_OP_N;
    CheckLt(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSA, &op_a, sizeof(op_a)), "set TRANSA");
    CheckLt(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSB, &op_b, sizeof(op_b)), "set TRANSB");
    auto layout = [&](cublasLtMatrixLayout_t* l, int64_t rows, int64_t cols, int64_t stride) {
      // Row-major rows x cols is column-major cols x rows with ld = cols.
      CheckLt(cublasLtMatrixLayoutCreate(l, t, static_cast<uint64_t>(cols), static_cast<uint64_t>(rows), cols),
              "cublasLtMatrixLayoutCreate");
      const int32_t count = static_cast<int32_t>(batch_count_);
      CheckLt(cublasLtMatrixLayoutSetAttribute(*l, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof(count)),
              "set batch count");
      CheckLt(
          cublasLtMatrixLayoutSetAttribute(*l, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)),
          "set batch stride");
    };
    layout(&a_layout_, b_.rows, b_.cols, b_.stride);
    layout(&b_layout_, a_.rows, a_.cols, a_.stride);
    layout(&d_layout_, m_, n_, m_ * n_);
    CheckLt(cublasLtMatmulPreferenceCreate(&pref_), "cublasLtMatmulPreferenceCreate");
    const uint64_t ws = kLtWorkspace;
    CheckLt(cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)),
            "set workspace");
    const uint32_t al_a = Alignment(batch_count_ > 1 ? b_.stride * es : 0);
    const uint32_t al_b = Alignment(batch_count_ > 1 ? a_.stride * es : 0);
    const uint32_t al_d = Alignment(batch_count_ > 1 ? m_ * n_ * es : 0);
    CheckLt(
        cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, &al_a, sizeof(al_a)),
        "set alignment");
    CheckLt(
        cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, &al_b, sizeof(al_b)),
        "set alignment");
    CheckLt(
        cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &al_d, sizeof(al_d)),
        "set alignment");
    CheckLt(
        cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, &al_d, sizeof(al_d)),
        "set alignment");
    auto query = [&] {
      cublasLtMatmulHeuristicResult_t results[kCandidates];
      int returned = 0;
      CheckLt(cublasLtMatmulAlgoGetHeuristic(backend_->build_cublaslt(), desc_, a_layout_, b_layout_, d_layout_,
                                             d_layout_, pref_, kCandidates, results, &returned),
              "cublasLtMatmulAlgoGetHeuristic");
      for (int i = 0; i < returned; ++i) {
        if (results[i].state == CUBLAS_STATUS_SUCCESS) candidates_.push_back(results[i]);
      }
    };
    if (bias_epilogue_) {
      relu_epilogue_ = act_.op == static_cast<int>(UnaryOp::kRelu);
      SetEpilogue(relu_epilogue_ ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS);
      query();
      if (candidates_.empty()) {  // no algorithm with that epilogue: c the general way
        bias_epilogue_ = relu_epilogue_ = false;
        SetEpilogue(CUBLASLT_EPILOGUE_DEFAULT);
      }
    }
    if (candidates_.empty()) query();
    cublasLtMatmulPreferenceDestroy(pref_);
    pref_ = nullptr;
    if (candidates_.empty()) Bad(ErrorCode::kNative, "cuBLASLt has no algorithm for this matrix product");
    if (relu_epilogue_) act_ = Act{};
  }

  void SetEpilogue(cublasLtEpilogue_t e) {
    CheckLt(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_EPILOGUE, &e, sizeof(e)), "set EPILOGUE");
  }

  void SetBias(const void* bias) const {
    CheckLt(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)),
            "set BIAS_POINTER");
  }

  std::string Choose() override {
    if (gemv_ok_ && switches_.matmul_tactic == "gemv") return Accept("gemv");
    if (switches_.matmul_tactic == "lt") gemv_ok_ = false;
    if (candidates_.size() <= 1 && !gemv_ok_) return Accept("lt:0");
    const size_t es = DTypeSize(dtype_);
    cudaStream_t s = backend_->build_stream();
    void *a = nullptr, *b = nullptr, *d = nullptr, *ws = nullptr, *bias = nullptr;
    int best = 0;  // -1: gemv
    float best_ms = INFINITY;
    auto release = [&] {
      cudaFree(a);
      cudaFree(b);
      cudaFree(d);
      cudaFree(ws);
      cudaFree(bias);
    };
    try {
      const int64_t na = std::max<int64_t>(1, (a_.stride ? batch_count_ : 1) * a_.rows * a_.cols);
      const int64_t nb = std::max<int64_t>(1, (b_.stride ? batch_count_ : 1) * b_.rows * b_.cols);
      const int64_t nd = std::max<int64_t>(1, batch_count_ * m_ * n_);
      Check(cudaMalloc(&a, na * es), "cudaMalloc (tactic timing)");
      Check(cudaMalloc(&b, nb * es), "cudaMalloc (tactic timing)");
      Check(cudaMalloc(&d, nd * es), "cudaMalloc (tactic timing)");
      Check(cudaMalloc(&ws, kLtWorkspace), "cudaMalloc (tactic timing)");
      Check(LaunchFillPattern(dtype_, a, na, s), "fill launch");
      Check(LaunchFillPattern(dtype_, b, nb, s), "fill launch");
      if (bias_epilogue_) {
        Check(cudaMalloc(&bias, n_ * es + 256), "cudaMalloc (tactic timing)");
        Check(LaunchFillPattern(dtype_, bias, n_, s), "fill launch");
        SetBias(bias);
      }
      const float one = 1.0f, zero = 0.0f;
      cublasLtHandle_t h = backend_->build_cublaslt();
      TacticTimer timer(s);  // a candidate that fails is +infinity: skipped
      auto consider = [&](int tactic, float ms) {
        if (ms < best_ms) {
          best = tactic;
          best_ms = ms;
          tactic_ms_ = ms;
        }
      };
      for (size_t i = 0; i < candidates_.size(); ++i) {
        consider(static_cast<int>(i), timer.Time([&] {
          return cublasLtMatmul(h, desc_, &one, b, a_layout_, a, b_layout_, &zero, d, d_layout_, d, d_layout_,
                                &candidates_[i].algo, ws, kLtWorkspace, s) == CUBLAS_STATUS_SUCCESS;
        }));
      }
      // gemv reads the same bytes as N rows of K: what the tactic reads, whichever way b is stored.
      if (gemv_ok_) {
        consider(-1, timer.Time([&] {
          return LaunchGemv(dtype_, {a, b, nullptr, nullptr, d, k_, n_, alpha_, 0.0f, 0, gemv_act_}, s) == cudaSuccess;
        }));
      }
    } catch (...) {
      release();
      throw;
    }
    release();
    return Accept(best < 0 ? std::string("gemv") : Cat("lt:", best));
  }

  // The heuristic's first algorithm for these shapes, untimed (cuBLASLt ranks them itself), or
  // gemv where it is forced (Analyze then made no cuBLASLt candidates).
  std::string Untimed() override {
    return Accept(gemv_ok_ && switches_.matmul_tactic == "gemv" ? std::string("gemv") : std::string("lt:0"));
  }

  std::string Accept(const std::string& requested) override {
    if (requested == "gemv") {
      if (!gemv_ok_)
        Bad(ErrorCode::kPlan, "plan: tactic 'gemv' needs a product of one row whose b is transposed or constant");
      gemv_ = true;
      lt_workspace_ = 0;
      return requested;
    }
    if (k_ == 0 || batch_count_ == 0) {
      if (requested != "lt:0") Bad(ErrorCode::kPlan, Cat("plan: tactic '", requested, "' for an empty product"));
      return requested;
    }
    int index = -1;
    if (requested.rfind("lt:", 0) == 0) {
      try {
        index = std::stoi(requested.substr(3));
      } catch (...) {
        index = -1;
      }
    }
    if (index < 0 || index >= static_cast<int>(candidates_.size())) {
      Bad(ErrorCode::kPlan, Cat("plan: tactic '", requested, "' is not one of the ", candidates_.size(),
                                " cuBLASLt algorithms this device offers for this layer"));
    }
    algo_ = candidates_[index].algo;
    lt_workspace_ = AlignUp(candidates_[index].workspaceSize, kArenaAlignment);
    return requested;
  }

  // gemv over a constant [K, N] b: its transpose, N rows of K, uploaded once for this kernel.
  void PrepareKernel() override {
    if (!gemv_ || trans_b_) return;
    const size_t es = DTypeSize(dtype_);
    const auto* src = static_cast<const uint8_t*>(constants_[1]);
    std::vector<uint8_t> t(static_cast<size_t>(k_ * n_) * es);
    constexpr int64_t kBlock = 64;  // tiles of 64 x 64 elements, so that both sides stay in cache
    for (int64_t k0 = 0; k0 < k_; k0 += kBlock) {
      for (int64_t n0 = 0; n0 < n_; n0 += kBlock) {
        for (int64_t k = k0; k < std::min(k_, k0 + kBlock); ++k) {
          for (int64_t n = n0; n < std::min(n_, n0 + kBlock); ++n) {
            std::memcpy(&t[static_cast<size_t>(n * k_ + k) * es], src + static_cast<size_t>(k * n_ + n) * es, es);
          }
        }
      }
    }
    gemv_w_ = Upload(t.data(), t.size());
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    CudaStream& cs = static_cast<CudaStream&>(stream);
    const cudaStream_t s = cs.get();
    const size_t es = DTypeSize(dtype_);
    void* y = args.outputs[0];
    if (gemv_) {
      const void* w = gemv_w_ ? gemv_w_.get() : args.inputs[1];
      const void* c = has_c_ ? args.inputs[2] : nullptr;
      const void* z = residual_ ? args.inputs.back() : nullptr;
      Check(LaunchGemv(dtype_, {args.inputs[0], w, c, z, y, k_, n_, alpha_, beta_, c_step_, gemv_act_}, s),
            "gemv launch");
      return;
    }
    const int64_t total = out_[0].numel;
    if (has_c_ && !bias_epilogue_) {
      Check(LaunchBroadcastScale(dtype_, args.inputs[2], y, c_, total, beta_, s), "bias broadcast launch");
    }
    if (k_ == 0 || batch_count_ == 0) {
      if (!has_c_) Check(cudaMemsetAsync(y, 0, out_[0].bytes, s), "cudaMemsetAsync");
    } else {
      uint8_t* ws = static_cast<uint8_t*>(args.workspace);
      const void* a = args.inputs[0];
      const void* b = args.inputs[1];
      if (a_.expand) {
        void* dst = ws + lt_workspace_;
        Check(LaunchStridedCopy(es, a, dst, a_.expansion, batch_count_ * a_.rows * a_.cols, s),
              "batch expansion launch");
        a = dst;
      }
      if (b_.expand) {
        void* dst = ws + lt_workspace_ + expand_a_bytes_;
        Check(LaunchStridedCopy(es, b, dst, b_.expansion, batch_count_ * b_.rows * b_.cols, s),
              "batch expansion launch");
        b = dst;
      }
      float beta = has_c_ && !bias_epilogue_ ? 1.0f : 0.0f;
      // A residual is cuBLASLt's C (beta 1) where c is not already there; else it is added
      // with the activation below.
      const void* c = y;
      if (ResidualInProduct()) {
        c = args.inputs.back();
        beta = 1.0f;
      }
      // NOTE: the bias pointer lives in the descriptor, which the contexts share: set and use
      // it under a lock (cuBLASLt reads it when the call is queued, or captured).
      std::unique_lock<std::mutex> lock(mu_, std::defer_lock);
      if (bias_epilogue_) {
        lock.lock();
        SetBias(args.inputs[2]);
      }
      CheckLt(cublasLtMatmul(cs.cublaslt(), desc_, &alpha_, b, a_layout_, a, b_layout_, &beta, c, d_layout_, y,
                             d_layout_, &algo_, ws, lt_workspace_, s),
              "cublasLtMatmul");
    }
    const void* z = residual_ && !ResidualInProduct() ? args.inputs.back() : nullptr;
    Check(LaunchBiasActivation(dtype_, y, nullptr, z, total, 1, 1, act_, s), "activation launch");
  }

 private:
  // Whether the residual input goes in as cuBLASLt's C: a product runs and c does not use C.
  bool ResidualInProduct() const { return residual_ && k_ > 0 && batch_count_ > 0 && !(has_c_ && !bias_epilogue_); }

  DType dtype_ = DType::kFloat32;
  bool trans_a_ = false, trans_b_ = false, has_c_ = false, bias_epilogue_ = false, relu_epilogue_ = false;
  bool residual_ = false;                // the last input is added to the product (before the activation)
  bool gemv_ok_ = false, gemv_ = false;  // the one-row kernel applies; it is the tactic
  int64_t c_step_ = 0;                   // gemv: c's step per output (0: one value)
  Act gemv_act_;                         // the layer's activation (act_ drops one cuBLASLt's epilogue applies)
  std::shared_ptr<void> gemv_w_;         // gemv over a constant [K, N] b: its transpose
  mutable std::mutex mu_;
  float alpha_ = 1, beta_ = 0;
  Shape batch_;
  int64_t batch_count_ = 1, m_ = 0, n_ = 0, k_ = 0;
  Operand a_, b_;
  Strided c_;
  size_t expand_a_bytes_ = 0, expand_b_bytes_ = 0, lt_workspace_ = 0;
  cublasLtMatmulDesc_t desc_ = nullptr;
  cublasLtMatrixLayout_t a_layout_ = nullptr, b_layout_ = nullptr, d_layout_ = nullptr;
  cublasLtMatmulPreference_t pref_ = nullptr;
  std::vector<cublasLtMatmulHeuristicResult_t> candidates_;
  cublasLtMatmulAlgo_t algo_{};
  Act act_;
};

}  // namespace

std::unique_ptr<Kernel> MakeMatmul(CudaBackend* b) { return std::make_unique<MatmulKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
