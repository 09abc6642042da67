// The matmul layer's typed params, read once for its shape rule (CheckMatmulLayer), the builder's
// passes and the cpu and cuda kernels (cpu/matmul.cc, cpu/quant_matmul.cc,
// cuda/matmul_cublaslt.cc, cuda/quant_conv.cu): y = act(alpha op(a) op(b) + beta c + residual),
// op transposing the last two dims where trans_a / trans_b say.
#pragma once

#include <cstddef>

#include "layers/activation.h"
#include "src/ir/network.h"

namespace hybridrt {

struct MatmulParams {
  bool trans_a = false, trans_b = false;
  double alpha = 1, beta = 1;  // as given (the float kernels round them once)
  // Builder form (fusion.h): a residual input, last, added to the product.
  bool residual = false;
};

// The layer's params (validated by the schema: present, right types).
inline MatmulParams ReadMatmul(const Params& p) {
  return {p.Bool("transA"), p.Bool("transB"), p.Float("alpha"), p.Float("beta"),
          p.Has("residual") && p.Bool("residual")};
}

// The builder forms the fusion pass writes: c added with beta 1 (a bias), a residual input.
inline void SetMatmulBeta(Params* p, double beta) { p->Set("beta", ParamValue::Number(beta)); }
inline void SetMatmulResidual(Params* p) { p->Set("residual", ParamValue::Bool(true)); }

// Whether c takes part, of the layer's `inputs` (a, b, c?, residual?): given, and beta not 0 in
// float.
inline bool MatmulHasC(const MatmulParams& p, size_t inputs) {
  return inputs > (p.residual ? 3u : 2u) && static_cast<float>(p.beta) != 0;
}

}  // namespace hybridrt
