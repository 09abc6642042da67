// cuBLASLt's int8 GEMM (see quant_gemm_lt.h).
#include "cuda/quant_gemm_lt.h"

#include <cublasLt.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "src/util/error.h"

namespace hybridrt {
namespace cuda {

namespace {
constexpr uint64_t kMaxWorkspace = uint64_t{16} << 20;
constexpr uint32_t kAlignment = 16;  // of x, w and the sums (Run's contract)
}  // namespace

struct Int8LtGemm::Lt {
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t w = nullptr, x = nullptr, sums = nullptr;
  std::vector<cublasLtMatmulHeuristicResult_t> candidates;
  ~Lt() {
    for (cublasLtMatrixLayout_t l : {w, x, sums}) {
      if (l) cublasLtMatrixLayoutDestroy(l);
    }
    if (desc) cublasLtMatmulDescDestroy(desc);
  }
};

Int8LtGemm::Int8LtGemm() = default;
Int8LtGemm::~Int8LtGemm() = default;

std::string Int8LtGemm::Refusal(int64_t rows, int m, int k, bool x_unsigned) {
  if (x_unsigned) return "x is uint8 (cuBLASLt's int8 GEMM takes int8)";
  if (rows <= 0) return "no output rows";
  // The TN form's leading dimensions (k for x, m for the sums) are multiples of 4 bytes.
  if (k % 4 != 0 || m % 4 != 0) return Cat("k ", k, " and m ", m, " are not both multiples of 4");
  return "";
}

int Int8LtGemm::Candidate(const std::string& tactic) {
  const size_t n = std::strlen(kPrefix);
  return tactic.compare(0, n, kPrefix) == 0 ? std::atoi(tactic.c_str() + n) : -1;
}

bool Int8LtGemm::Plan(cublasLtHandle_t h, int64_t rows, int m, int k, int kp, int i) {
  selected_ = -1;
  const int64_t key[4] = {rows, m, k, kp};
  if (lt_ && std::memcmp(key, key_, sizeof(key)) != 0) lt_.reset();  // another shape of a ranged engine
  if (!lt_) {
    std::memcpy(key_, key, sizeof(key));
    auto lt = std::make_unique<Lt>();
    const cublasOperation_t t = CUBLAS_OP_T, n = CUBLAS_OP_N;
    cublasLtMatmulPreference_t pref = nullptr;
    bool ok =
        cublasLtMatmulDescCreate(&lt->desc, CUBLAS_COMPUTE_32I, CUDA_R_32I) == CUBLAS_STATUS_SUCCESS &&
        cublasLtMatmulDescSetAttribute(lt->desc, CUBLASLT_MATMUL_DESC_TRANSA, &t, sizeof(t)) == CUBLAS_STATUS_SUCCESS &&
        cublasLtMatmulDescSetAttribute(lt->desc, CUBLASLT_MATMUL_DESC_TRANSB, &n, sizeof(n)) == CUBLAS_STATUS_SUCCESS &&
        // Column-major: w is k x m (ld kp), x is k x rows (ld k), the sums m x rows (ld m).
        cublasLtMatrixLayoutCreate(&lt->w, CUDA_R_8I, k, m, kp) == CUBLAS_STATUS_SUCCESS &&
        cublasLtMatrixLayoutCreate(&lt->x, CUDA_R_8I, k, static_cast<uint64_t>(rows), k) == CUBLAS_STATUS_SUCCESS &&
        cublasLtMatrixLayoutCreate(&lt->sums, CUDA_R_32I, m, static_cast<uint64_t>(rows), m) == CUBLAS_STATUS_SUCCESS &&
        cublasLtMatmulPreferenceCreate(&pref) == CUBLAS_STATUS_SUCCESS;
    const uint64_t ws = kMaxWorkspace;
    ok = ok && cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)) ==
                   CUBLAS_STATUS_SUCCESS;
    for (auto a : {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                   CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES}) {
      ok =
          ok && cublasLtMatmulPreferenceSetAttribute(pref, a, &kAlignment, sizeof(kAlignment)) == CUBLAS_STATUS_SUCCESS;
    }
    cublasLtMatmulHeuristicResult_t results[kCandidates];
    int returned = 0;
    ok = ok && cublasLtMatmulAlgoGetHeuristic(h, lt->desc, lt->w, lt->x, lt->sums, lt->sums, pref, kCandidates, results,
                                              &returned) == CUBLAS_STATUS_SUCCESS;
    if (pref) cublasLtMatmulPreferenceDestroy(pref);
    if (!ok) {
      error_ = "cuBLASLt refused the int8 product's descriptors";
      return false;
    }
    for (int r = 0; r < returned; ++r) {
      if (results[r].state == CUBLAS_STATUS_SUCCESS) lt->candidates.push_back(results[r]);
    }
    lt_ = std::move(lt);
  }
  if (i < 0 || i >= static_cast<int>(lt_->candidates.size())) {
    error_ = Cat("the heuristic gave ", lt_->candidates.size(), " candidates");
    return false;
  }
  selected_ = i;
  return true;
}

int Int8LtGemm::ChooseFastest(cublasLtHandle_t h, int64_t rows, int m, int k, int kp,
                              const std::function<float()>& time, float* best_ms, std::string* log) {
  int chosen = -1;
  for (int i = 0; i < kCandidates && Plan(h, rows, m, k, kp, i); ++i) {
    const float ms = time();
    if (log) *log += Cat("  ", kPrefix, i, ": ", std::isfinite(ms) ? Cat(ms, " ms") : "failed or mismatch", "\n");
    if (ms < *best_ms) {
      *best_ms = ms;
      chosen = i;
    }
  }
  if (chosen < 0 || !Plan(h, rows, m, k, kp, chosen)) selected_ = -1;
  return selected_ < 0 ? -1 : chosen;
}

size_t Int8LtGemm::workspace() const { return selected_ < 0 ? 0 : lt_->candidates[selected_].workspaceSize; }

bool Int8LtGemm::Run(cublasLtHandle_t h, const void* x, const void* w, int32_t* sums, void* workspace,
                     cudaStream_t s) const {
  if (selected_ < 0) return false;
  const int32_t one = 1, zero = 0;
  const cublasLtMatmulHeuristicResult_t& c = lt_->candidates[selected_];
  return cublasLtMatmul(h, lt_->desc, &one, w, lt_->w, x, lt_->x, &zero, sums, lt_->sums, sums, lt_->sums, &c.algo,
                        workspace, c.workspaceSize, s) == CUBLAS_STATUS_SUCCESS;
}

}  // namespace cuda
}  // namespace hybridrt
