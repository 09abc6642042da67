// Deconvolution (ConvTranspose): 1 to 3 spatial dims, groups, dilations, asymmetric pads,
// output padding, bias, fused activation. For each (n, group) and each block of input
// positions, col = W_g^T x_g (one SGEMM; W_g is C/groups x (M/groups * taps)), then col2im
// scatters col into the output, in parallel over output channels (each channel's rows of
// col only touch its own plane, so no two threads write the same element).
#include <algorithm>
#include <cstring>

#include "cpu/conv_base.h"
#include "cpu/kernels.h"
#include "cpu/sgemm.h"

namespace hybridrt {
namespace cpu {

namespace {

class DeconvKernel : public GroupedWindowKernel {
 protected:
  std::vector<std::string> Tactics() const override { return {"gemm_col2im"}; }

  void Analyze() override {
    // The window maps output positions onto input ones for convolution; here the roles
    // swap: w_.in is the deconvolution's input and w_.out its output.
    AnalyzeGeometry();
  }

  void PrepareKernel() override {
    act_ = ReadActivation(params(), "activation.");
    // The column buffer holds W_g^T x_g for a block of input positions.
    SizeColumns(mg_ * w_.kernel_size(), w_.in_size());
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* wt = static_cast<const float*>(args.inputs[1]);
    const float* bias = args.inputs.size() > 2 ? static_cast<const float*>(args.inputs[2]) : nullptr;
    float* y = static_cast<float*>(args.outputs[0]);
    float* col = static_cast<float*>(args.workspace);
    const int64_t in_size = w_.in_size(), out_size = w_.out_size(), ks = w_.kernel_size();
    const int64_t rows = mg_ * ks;
    for (int64_t n = 0; n < n_; ++n) {
      for (int64_t g = 0; g < groups_; ++g) {
        const float* xg = x + (n * c_ + g * cg_) * in_size;
        const float* wg = wt + g * cg_ * rows;  // (cg, mg*ks) row-major
        float* yg = y + (n * m_ + g * mg_) * out_size;
        Par(mg_, 1, [&](int64_t m0, int64_t m1) {
          for (int64_t m = m0; m < m1; ++m) {
            float* plane = yg + m * out_size;
            const float bv = bias ? bias[g * mg_ + m] : 0.0f;
            std::fill(plane, plane + out_size, bv);
          }
        });
        for (int64_t j0 = 0; j0 < in_size; j0 += cols_) {
          const int64_t nc = std::min(cols_, in_size - j0);
          // col (rows x nc) = W_g^T (rows x cg) * x_g[:, j0:j0+nc] (cg x nc)
          Sgemm(rows, nc, cg_, 1.0f, wg, 1, rows, xg + j0, in_size, 1, 0.0f, col, nc, threads_);
          Col2im(col, j0, nc, yg);
        }
      }
    }
    if (act_.enabled) {
      Par(n_ * m_, 1, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) ApplyActivation(act_, y + p * out_size, y + p * out_size, out_size);
      });
    }
  }

 private:
  // y[m, o] += col[(m, t), j] where o = i*stride - pad + t*dilation per dim, i the input
  // position j0 + j.
  void Col2im(const float* col, int64_t j0, int64_t nc, float* yg) const {
    const int64_t ks = w_.kernel_size(), out_size = w_.out_size();
    Par(mg_, 1, [&](int64_t m0, int64_t m1) {
      for (int64_t m = m0; m < m1; ++m) {
        float* plane = yg + m * out_size;
        for (int64_t t = 0; t < ks; ++t) {
          int64_t kd, kh, kw;
          w_.Tap(t, &kd, &kh, &kw);
          const float* src = col + (m * ks + t) * nc;
          int64_t j = j0;
          const int64_t jend = j0 + nc;
          while (j < jend) {
            const int64_t line = j / w_.in[2];
            const int64_t iw_a = j % w_.in[2];
            const int64_t iw_b = std::min(w_.in[2], iw_a + (jend - j));
            const int64_t id = line / w_.in[1], ih = line % w_.in[1];
            const int64_t od = id * w_.stride[0] - w_.pad[0] + kd * w_.dilation[0];
            const int64_t oh = ih * w_.stride[1] - w_.pad[1] + kh * w_.dilation[1];
            if (od >= 0 && od < w_.out[0] && oh >= 0 && oh < w_.out[1]) {
              float* dst = plane + (od * w_.out[1] + oh) * w_.out[2];
              const float* s = src + (j - j0) - iw_a;
              // ow = iw*stride - pad + kw*dilation must be inside [0, out).
              int64_t lo, hi;
              ValidRange(w_.out[2], w_.in[2], w_.stride[2], w_.pad[2], kw * w_.dilation[2], &lo, &hi);
              lo = std::max(lo, iw_a);
              hi = std::min(hi, iw_b);
              const int64_t base = -w_.pad[2] + kw * w_.dilation[2];
              for (int64_t iw = lo; iw < hi; ++iw) dst[iw * w_.stride[2] + base] += s[iw];
            }
            j += iw_b - iw_a;
          }
        }
      }
    });
  }
};

}  // namespace

std::unique_ptr<Kernel> MakeDeconvolution() { return std::make_unique<DeconvKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
