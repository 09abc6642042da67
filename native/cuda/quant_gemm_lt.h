// cuBLASLt's int8 GEMM as a tactic of the int8 matmul and of the int8 1x1 convolution that is a
// GEMM (channels-last, stride 1, no padding): quant_conv.cu's layers. cuBLASLt computes only the
// int32 sums, sums[rows, m] = x[rows, k] * w[m, k]^T; the tiles' split epilogue (one share) then
// finishes them with the layer's epilogue, so that the output is the tiles' bit for bit (integer
// sums are exact in any order) and there is one epilogue for every int8 tactic.
//
// Layout: cuBLASLt is column-major, so the row-major product is handed over as its transpose,
// sums^T (m x rows, ld m) = w (m x k, stored as k x m with ld kp: transposed, "T") times
// x^T (k x rows, ld k: as it is, "N"): the TN form cuBLASLt's int8 kernels (IMMA) require, with
// int32 scales and sums (CUBLAS_COMPUTE_32I). The weights are the tiles' own padded rows.
// Tactics are "cublaslt_int8:<i>", the i-th of the heuristic's candidates (a plan names it; a
// device that offers fewer is a kPlan error, as for cuDNN's configurations).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

typedef struct cublasLtContext* cublasLtHandle_t;

namespace hybridrt {
namespace cuda {

class Int8LtGemm {
 public:
  static constexpr const char* kPrefix = "cublaslt_int8:";
  static constexpr int kCandidates = 4;  // of the heuristic's list, timed at build time

  Int8LtGemm();
  ~Int8LtGemm();
  Int8LtGemm(const Int8LtGemm&) = delete;
  Int8LtGemm& operator=(const Int8LtGemm&) = delete;

  // Why cuBLASLt cannot take a product of rows x m outputs over k (x int8 or uint8): "" where
  // it can.
  static std::string Refusal(int64_t rows, int m, int k, bool x_unsigned);
  // The candidate a tactic names, or -1 for another tactic.
  static int Candidate(const std::string& tactic);

  // Descriptors and the heuristic's candidates for the product (w's rows kp bytes apart), made
  // once per shape; then candidate i selected. False where cuBLASLt offers no i-th candidate (error() says).
  bool Plan(cublasLtHandle_t h, int64_t rows, int m, int k, int kp, int i);
  int selected() const { return selected_; }  // -1: none
  void Reset() { selected_ = -1; }
  size_t workspace() const;  // the selected candidate's
  const std::string& error() const { return error_; }

  // Each candidate in turn: selected, then `time`d (checked and timed by the caller: +infinity
  // where it failed or its output differs). The fastest below *best_ms stays selected (*best_ms
  // its time) and its index is returned; else -1, none selected. A line a candidate into `log`
  // where it is not null.
  int ChooseFastest(cublasLtHandle_t h, int64_t rows, int m, int k, int kp, const std::function<float()>& time,
                    float* best_ms, std::string* log);

  // sums (int32, rows x m, row-major) = x w^T, queued on s; x, w and sums 16-byte aligned.
  bool Run(cublasLtHandle_t h, const void* x, const void* w, int32_t* sums, void* workspace, cudaStream_t s) const;

 private:
  struct Lt;
  std::unique_ptr<Lt> lt_;
  int64_t key_[4] = {};  // rows, m, k, kp of lt_'s descriptors
  int selected_ = -1;
  std::string error_;
};

}  // namespace cuda
}  // namespace hybridrt
