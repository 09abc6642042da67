// The attention layer (src/ir/attention.h): per query row, the scores q k over the keys, scaled
// and masked, a softmax (as the softmax kernel computes it: shifted by the row's max, exp and
// sum in double), then the probabilities times v, in parallel over (batch, query). Half
// tensors reach it through the half adapter.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/attention.h"

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
    Par(g.batch * s, std::max<int64_t>(1, 2048 / std::max<int64_t>(t * (d + dv), 1)), [&](int64_t r0, int64_t r1) {
      std::vector<float> score(static_cast<size_t>(t));
      std::vector<double> e(static_cast<size_t>(t));
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t b = r / s, si = r % s;
        const float* qr = q + g.QOffset(b) + si * d;
        const float* kb = k + g.KOffset(b);
        const float* vb = v + g.VOffset(b);
        float* out = y + g.OutOffset(b) + si * dv;
        if (g.trans_k) {
          for (int64_t ti = 0; ti < t; ++ti) {
            const float* kr = kb + ti * d;
            float acc = 0;
            for (int64_t di = 0; di < d; ++di) acc += qr[di] * kr[di];
            score[ti] = acc;
          }
        } else {
          std::fill(score.begin(), score.end(), 0.0f);
          for (int64_t di = 0; di < d; ++di) {
            const float qv = qr[di];
            const float* __restrict kr = kb + di * t;
            float* __restrict sc = score.data();
            for (int64_t ti = 0; ti < t; ++ti) sc[ti] += qv * kr[ti];
          }
        }
        const float* mr = mask ? mask + g.MaskOffset(b) + si * g.mask_s_stride : nullptr;
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t ti = 0; ti < t; ++ti) {
          float x = score[ti] * p_.scale;
          if (mr) x += mr[ti * g.mask_t_stride];
          score[ti] = x;
          m = std::max(m, x);
        }
        double sum = 0;
        for (int64_t ti = 0; ti < t; ++ti) {
          e[ti] = std::exp(static_cast<double>(score[ti]) - m);
          sum += e[ti];
        }
        std::fill(out, out + dv, 0.0f);
        // Every probability NaN (0 / 0, or a NaN score): where(isnan(p), 0, p) zeroes them all.
        if (p_.nan_to_zero && !(sum > 0)) continue;
        for (int64_t ti = 0; ti < t; ++ti) {
          const float p = static_cast<float>(e[ti] / sum);
          const float* __restrict vr = vb + ti * dv;
          float* __restrict o = out;
          for (int64_t j = 0; j < dv; ++j) o[j] += p * vr[j];
        }
      }
    });
  }

 private:
  AttentionLayerParams p_;
};

}  // namespace

std::unique_ptr<Kernel> MakeAttention() { return std::make_unique<AttentionKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
