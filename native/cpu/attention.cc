// The attention layer (layers/attention.h), in blocks of kRowBlock query rows of one batch
// entry, in parallel over the blocks: the block's scores are one SGEMM (q k, the scale as its
// alpha), then each row is masked and softmaxed (SoftmaxLine, softmax_row.h, as the softmax
// kernel computes it) into probabilities in place, and the output rows are a
// second SGEMM (p v). Half tensors reach it through the half adapter.
#include <algorithm>
#include <vector>

#include "cpu/aligned_memory.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/sgemm.h"
#include "cpu/softmax_row.h"
#include "layers/attention.h"

namespace hybridrt {
namespace cpu {

namespace {

class AttentionKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    std::vector<Shape> shapes;
    for (const TensorDesc& t : in_) shapes.push_back(t.shape);
    const std::string why = ReadAttentionLayer(params(), shapes, &p_);
    if (!why.empty()) Bad(ErrorCode::kNative, why);
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const AttentionGeometry& g = p_.g;
    const float* q = static_cast<const float*>(args.inputs[0]);
    const float* k = static_cast<const float*>(args.inputs[1]);
    const float* v = static_cast<const float*>(args.inputs[2]);
    const float* mask = g.has_mask ? static_cast<const float*>(args.inputs[3]) : nullptr;
    float* y = static_cast<float*>(args.outputs[0]);
    const int64_t s = g.s, t = g.t, d = g.d, dv = g.dv;
    // Row strides (the operands may be transposed views, attention.h).
    const int64_t qr = g.row_stride[AttentionGeometry::kQ], kr = g.row_stride[AttentionGeometry::kK],
                  vr = g.row_stride[AttentionGeometry::kV], yr = g.row_stride[AttentionGeometry::kOut];
    if (t == 0) {  // no keys: 0, as the unfused product over an empty dim
      for (int64_t b = 0; b < g.batch; ++b) {
        for (int64_t si = 0; si < s; ++si) std::fill_n(y + g.OutOffset(b) + si * yr, dv, 0.0f);
      }
      return;
    }
    // k as the SGEMM's B (d x t): [T, D] with transK, else [D, T].
    const int64_t rs_k = g.trans_k ? 1 : kr, cs_k = g.trans_k ? kr : 1;
    const int64_t blocks = (s + kRowBlock - 1) / kRowBlock;
    Par(g.batch * blocks, 1, [&](int64_t u0, int64_t u1) {
      // Per thread and kept: a vector per chunk was zeroed and, freshly mapped, faulted in on
      // most runs (whisper_encoder: 27 page faults a run, at about 7 us each on this VM).
      float* p = static_cast<float*>(
          ThreadScratch(static_cast<size_t>(std::min(s, kRowBlock) * t) * sizeof(float), kAttentionScores));
      bool dead[kRowBlock];
      for (int64_t u = u0; u < u1; ++u) {
        const int64_t b = u / blocks, s0 = (u % blocks) * kRowBlock, rows = std::min(kRowBlock, s - s0);
        Sgemm(rows, t, d, p_.scale, q + g.QOffset(b) + s0 * qr, qr, 1, k + g.KOffset(b), rs_k, cs_k, 0.0f, p, t, 1);
        for (int64_t r = 0; r < rows; ++r) dead[r] = !SoftmaxRow(p + r * t, mask, b, s0 + r);
        float* out = y + g.OutOffset(b) + s0 * yr;
        Sgemm(rows, dv, t, 1.0f, p, t, 1, v + g.VOffset(b), vr, 1, 0.0f, out, yr, 1);
        // nanToZero's rows are exactly 0 (0 * v would be NaN where v is not finite), as on cuda.
        for (int64_t r = 0; r < rows; ++r) {
          if (dead[r]) std::fill_n(out + r * yr, dv, 0.0f);
        }
      }
    });
  }

 private:
  static constexpr int64_t kRowBlock = 64;

  // Query row si's scores (scaled) -> its probabilities, in place: the mask added, then
  // SoftmaxLine (softmax_row.h); a row whose sum is not positive (every score -inf, or a NaN)
  // is NaN, or 0 with nanToZero, as where(isnan(p), 0, p) makes it (false: the row gives 0).
  bool SoftmaxRow(float* row, const float* mask, int64_t b, int64_t si) const {
    const AttentionGeometry& g = p_.g;
    if (mask) {
      const float* mr = mask + g.MaskOffset(b) + si * g.mask_s_stride;
      for (int64_t ti = 0; ti < g.t; ++ti) row[ti] += mr[ti * g.mask_t_stride];
    }
    const double sum = SoftmaxLine(row, row, g.t, false, nullptr);
    if (p_.nan_to_zero && !(sum > 0)) {
      std::fill(row, row + g.t, 0.0f);
      return false;
    }
    return true;
  }

  AttentionLayerParams p_;
};

}  // namespace

std::unique_ptr<Kernel> MakeAttention() { return std::make_unique<AttentionKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
