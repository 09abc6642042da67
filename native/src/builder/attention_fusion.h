// The attention fusion, the first pattern of the fusion pass (fusion.h): the chain exporters
// write for scaled dot-product attention,
//
//   s = matmul(q, k)            (k as [..., D, T]; or matmul(q, k, transB) with k [..., T, D];
//                                q and k each optionally times a constant scalar, as PyTorch's
//                                exporter writes SDPA, into `scale`; k optionally a transpose of
//                                its last two dims, into transK; shuffles that change nothing)
//   s = s * c  |  s / c         (optional: a constant scalar; with the matmul's alpha, `scale`)
//   s = s + mask                (optional: a float tensor that broadcasts onto s)
//   p = softmax(s, last axis)
//   p = where(isnan(p), 0, p)   (optional, as PyTorch exports it: rows whose softmax is NaN,
//                                every score -inf or one NaN, give 0; `nanToZero`)
//   y = matmul(p, v)
//
// becomes one attention layer (src/ir/attention.h) in the second matmul's place, so that the
// scores and probabilities never go through memory. Only where each intermediate has that one
// reader and is no network output, the matmuls have no bias, activation or transposed first
// operand, q, k and v share their leading dims (no broadcasting between them; over a shape
// range, at the range's ends too) and every tensor is of one float dtype.
#pragma once

#include "src/builder/net_rewrite.h"

namespace hybridrt {

// Fuses one chain; false when none is left.
bool FuseAttention(RewriteWork& w);

}  // namespace hybridrt
