// The attention fusion, the first pattern of the fusion pass (fusion.h): the chain exporters
// write for scaled dot-product attention,
//
//   s = matmul(q, k)            (k as [..., D, T]; or matmul(q, k, transB) with k [..., T, D])
//   s = s * c  |  s / c         (optional: a constant scalar; with the matmul's alpha, `scale`)
//   s = s + mask                (optional: a float tensor that broadcasts onto s)
//   p = softmax(s, last axis)
//   p = where(isnan(p), 0, p)   (optional, as PyTorch exports it: rows whose softmax is NaN,
//                                every score -inf or one NaN, give 0; `nanToZero`)
//   y = matmul(p, v)
//
// becomes one attention layer (layers/attention.h) in the second matmul's place, so that the
// scores and probabilities never go through memory. It also takes in what exporters write
// around that chain, each layer only where its one reader is in the chain: multiplications of
// q and of k by a constant scalar (PyTorch's exporter scales each by the root of the scale:
// into `scale`); transposes of q, k and v (splitting heads: [B, S, H, D] -> [B, H, S, D]; for
// k also to [B, H, D, S] at once) and of the output (back to [B, S, H, Dv]) that keep the last
// dim last, or for k put it second to last (flipping transK): into qPerm, kPerm, vPerm and
// outPerm, through which the kernels read and write, so that no transpose runs (shuffles with
// a reshape only where it keeps the shape, and not over a shape range); and, last in an
// operand's chain, a gather of one entry by a constant scalar index along a dim other than the
// last (q, k and v taken from a packed projection, [S, B, 3, H, D]): into qSelect, kSelect,
// vSelect, read in place (static shapes only). Only where each
// intermediate has that one reader and is no network output, the matmuls have no bias, activation or transposed first
// operand, q, k and v share their leading dims (no broadcasting between them; over a shape
// range, at the range's ends too) and every tensor is of one float dtype.
#pragma once

#include "src/builder/net_rewrite.h"

namespace hybridrt {

// Fuses one chain; false when none is left.
bool FuseAttention(RewriteWork& w);

}  // namespace hybridrt
