// The GEMM view of a cuda int8 layer (quant_conv.cu's file comment): a convolution's window, or
// a matmul as the 1x1 convolution over one channels-last image of rows x 1 positions, read from
// the layer's params and shapes. Each returns "" or why the cuda int8 kernels cannot take the
// layer (the kernel names the layer). k, kp, rows, vec and zero4 are the caller's. Then the
// weights' rows and the epilogue's tables, uploaded once at build time.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "cuda/quant_conv_kernel.cuh"
#include "layers/convolution.h"
#include "layers/matmul.h"
#include "layers/quant_form.h"

namespace hybridrt {
namespace cuda {

// A dim as the kernels' int (1 to 2^30), or false.
inline bool Int8Dim(int64_t v, int* out) {
  if (v <= 0 || v > std::numeric_limits<int32_t>::max() / 2) return false;
  *out = static_cast<int>(v);
  return true;
}

// A convolution over x (xs) with weights ws into ys; *depthwise where groups == channels.
inline std::string Int8ConvolutionGeometry(const ConvolutionParams& p, const Shape& xs, const Shape& ws,
                                           const Shape& ys, qconv::QConvGeometry* g, bool* depthwise) {
  g->nhwc = p.nhwc;
  if (xs.size() != 4) return "the cuda int8 convolution is 2-d (4-d tensors)";
  *depthwise = IsDepthwise(p, ws);
  if (p.groups != 1 && !*depthwise)
    return "the cuda int8 convolution takes one group, or one channel a group (depthwise)";
  if (p.has_input_clip) return "int8: no input clip";
  const WindowParams& win = p.window;
  // Only the leading pads place the window; the trailing ones only size the output (ys), and
  // taps past the input read the zero point: asymmetric pads (SAME_UPPER) need nothing more.
  g->ph = static_cast<int>(win.pads_begin[0]);
  g->pw = static_cast<int>(win.pads_begin[1]);
  const bool ok = Int8Dim(g->nhwc ? xs[3] : xs[1], &g->c) && Int8Dim(g->nhwc ? xs[1] : xs[2], &g->h) &&
                  Int8Dim(g->nhwc ? xs[2] : xs[3], &g->w) && Int8Dim(ws[0], &g->m) &&
                  Int8Dim(g->nhwc ? ws[1] : ws[2], &g->kh) && Int8Dim(g->nhwc ? ws[2] : ws[3], &g->kw) &&
                  Int8Dim(g->nhwc ? ys[1] : ys[2], &g->oh) && Int8Dim(g->nhwc ? ys[2] : ys[3], &g->ow) &&
                  Int8Dim(win.strides[0], &g->sh) && Int8Dim(win.strides[1], &g->sw) &&
                  Int8Dim(win.dilations[0], &g->dh) && Int8Dim(win.dilations[1], &g->dw);
  return ok ? "" : "int8: a dim beyond 2^30";
}

// A matmul (a of rank >= 1 with a_numel elements, b a constant [K, N], or [N, K] with transB):
// a's rows are the positions, b's columns the output channels, y [rows, N] the output as it is.
// The form's preconditions (a not transposed, b a matrix, alpha and beta 1, c a bias of N) are
// the shape rule's (quant_form.h CheckInt8Matmul).
inline std::string Int8MatmulGeometry(const MatmulParams& p, const Shape& a, const Shape& b, int64_t a_numel,
                                      qconv::QConvGeometry* g) {
  g->nhwc = true;
  g->w = g->ow = 1;
  g->kh = g->kw = g->sh = g->sw = g->dh = g->dw = 1;
  g->ph = g->pw = 0;
  if (!Int8Dim(a.back(), &g->c) || !Int8Dim(p.trans_b ? b[0] : b[1], &g->m)) return "int8: a dim beyond 2^30";
  // No rows at an empty shape of a dynamic engine: prepared, never launched (nothing to write).
  g->h = 0;
  if (a_numel && !Int8Dim(a_numel / g->c, &g->h)) return "int8: a dim beyond 2^30";
  g->oh = g->h;
  return "";
}

// The weights (wt: [m, k] rows where trans_b, else [k, m]) as rows of kp bytes, zeros past k, and
// the epilogue's per-channel tables: m int32 corrections zx * sum of the row, then m float scales
// sx * sw[n] (QConvEpilogue's corr and scale).
inline void Int8GemmTables(const int8_t* wt, bool trans_b, const qconv::QConvGeometry& g, const QuantForm& q,
                           std::vector<int8_t>* padded, std::vector<uint8_t>* tables) {
  padded->assign(static_cast<size_t>(g.m) * g.kp, 0);
  tables->assign(static_cast<size_t>(g.m) * 8, 0);
  for (int n = 0; n < g.m; ++n) {
    int32_t sum = 0;
    for (int k = 0; k < g.k; ++k) {
      const int8_t v = trans_b ? wt[static_cast<int64_t>(n) * g.k + k] : wt[static_cast<int64_t>(k) * g.m + n];
      (*padded)[static_cast<size_t>(n) * g.kp + k] = v;
      sum += v;
    }
    const int32_t corr = q.input_zero * sum;
    const float scale = q.input_scale * q.weight_scales[q.weight_scales.size() == 1 ? 0 : n];
    std::memcpy(tables->data() + 4 * n, &corr, 4);
    std::memcpy(tables->data() + 4 * (g.m + n), &scale, 4);
  }
}

}  // namespace cuda
}  // namespace hybridrt
