// The int8 matmul (the builder's int8 form, layers/quant_form.h), tactic `int8_gemm`:
// y[i, n] = epilogue(sum_k a[i, k] b[k, n]) over every row i of a (batch dims flattened), b a
// constant int8 [K, N] ([N, K] with transB), c a float32 bias of N values. The int8 GEMM
// (igemm.h) takes the weights as its rows (A = b^T, packed once: vpdpbusd's broadcast side)
// and a's rows as its columns: a column's four k are four consecutive bytes of a row of a, so
// packing is a copy of 32-bit words; each tile's sums are stored transposed into y.
#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu/igemm.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/quant_epilogue.h"
#include "layers/matmul.h"

namespace hybridrt {
namespace cpu {

namespace {

class QuantMatmulKernel : public CpuKernel {
 protected:
  std::vector<std::string> Tactics() const override { return {"int8_gemm"}; }

  void Analyze() override {
    const Shape& a = in_[0].shape;
    const Shape& b = in_[1].shape;
    // The form's preconditions (a not transposed, b [K, N] or [N, K], alpha and beta 1, c a bias
    // of N, K within int32 sums) are the shape rule's (quant_form.h CheckInt8Matmul).
    trans_b_ = ReadMatmul(params()).trans_b;
    k_ = a.back();
    n_ = trans_b_ ? b[0] : b[1];
    rows_ = k_ ? in_[0].numel / k_ : 0;
    q_ = ReadQuantForm(params());
  }

  void PrepareKernel() override {
    const int8_t* b = static_cast<const int8_t*>(constants_.size() > 1 ? constants_[1] : nullptr);
    if (!b) Bad(ErrorCode::kNative, "an int8 matmul needs constant weights (b)");
    packed_ = trans_b_ ? PackedInt8::Pack(n_, k_, b, k_, 1) : PackedInt8::Pack(n_, k_, b, 1, n_);
    epi_ = QuantEpilogue();
    epi_.Prepare(q_, in_[0].dtype, out_[0].dtype, ReadActivation(params(), "activation."));
    epi_.AddChannels(packed_, 0);
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const uint8_t* a = static_cast<const uint8_t*>(args.inputs[0]);
    const float* c = in_.size() > 2 ? static_cast<const float*>(args.inputs[2]) : nullptr;
    const size_t out_bytes = DTypeSize(out_[0].dtype);
    const uint32_t flip = in_[0].dtype == DType::kInt8 ? 0x80808080u : 0u;
    const int64_t k = k_, groups = (k_ + 3) / 4, whole = k_ / 4;
    const Int8PanelPacker pack = [&](int64_t j0, int64_t nc, int nr, uint8_t* out) {
      const int64_t panel_bytes = groups * nr * 4;
      for (int64_t j = 0; j < nc; ++j) {
        const uint8_t* row = a + (j0 + j) * k;
        uint8_t* dst = out + (j / nr) * panel_bytes + (j % nr) * 4;
        for (int64_t gi = 0; gi < whole; ++gi) {
          uint32_t word;
          std::memcpy(&word, row + gi * 4, 4);
          word ^= flip;
          std::memcpy(dst + gi * nr * 4, &word, 4);
        }
        if (whole < groups) {
          uint8_t* last = dst + whole * nr * 4;
          for (int t = 0; t < 4; ++t) last[t] = whole * 4 + t < k ? static_cast<uint8_t>(row[whole * 4 + t] ^ flip) : 0;
        }
      }
    };
    const Int8TileEpilogue finish = [&](int64_t i0, int64_t j0, int64_t rows, int64_t cols, const int32_t* acc,
                                        int64_t ldc) {
      thread_local std::vector<float> tmp;
      if (tmp.size() < static_cast<size_t>(std::max(cols, rows))) tmp.resize(std::max(cols, rows));
      if (cols == 1 && ldc == 1) {  // the GEMV's column (a's one row): the channels side by side in y
        return epi_.Column(acc, rows, i0, c ? c + i0 : nullptr, tmp.data(),
                           static_cast<char*>(args.outputs[0]) + (j0 * n_ + i0) * out_bytes);
      }
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t ch = i0 + r;
        epi_.Row(acc + r * ldc, cols, ch, c ? c + ch : nullptr, nullptr, tmp.data(),
                 static_cast<char*>(args.outputs[0]) + (j0 * n_ + ch) * out_bytes, n_);
      }
    };
    Igemm(packed_, rows_, pack, finish, threads_);
  }

 private:
  QuantForm q_;
  QuantEpilogue epi_;
  PackedInt8 packed_;
  bool trans_b_ = false;
  int64_t k_ = 0, n_ = 0, rows_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeQuantMatmul() { return std::make_unique<QuantMatmulKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
