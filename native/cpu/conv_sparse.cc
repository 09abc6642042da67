// Convolutions as one product per tap over the outputs where it reads the input (conv_sparse.h).
#include "cpu/conv_sparse.h"

#include <algorithm>
#include <cstring>

namespace hybridrt {
namespace cpu {

SparseTaps MakeSparseTaps(const Window& w, int64_t groups, int64_t c, int64_t m, const float* weights) {
  SparseTaps p;
  if (!weights || groups != 1 || w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad[0] != 0) return p;
  if (w.stride[1] != 1 || w.stride[2] != 1 || w.kernel_size() < 2) return p;
  if (w.dilation[1] == 1 && w.dilation[2] == 1) return p;
  int64_t products = 0, largest = 0;
  const int64_t taps = w.kernel_size();
  for (int64_t t = 0; t < taps; ++t) {
    const int64_t kh = t / w.kernel[2], kw = t % w.kernel[2];
    SparseTaps::Tap tap;
    tap.dh = kh * w.dilation[1] - w.pad[1];
    tap.dw = kw * w.dilation[2] - w.pad[2];
    ValidRange(w.in[1], w.out[1], 1, w.pad[1], kh * w.dilation[1], &tap.oh0, &tap.oh1);
    ValidRange(w.in[2], w.out[2], 1, w.pad[2], kw * w.dilation[2], &tap.ow0, &tap.ow1);
    const int64_t n = (tap.oh1 - tap.oh0) * (tap.ow1 - tap.ow0);
    if (n == 0) continue;
    products += n;
    largest = std::max(largest, n);
    tap.w = PackedMatrix::A(m, c, 1.0f, weights + t, c * taps, taps);
    p.taps.push_back(std::move(tap));
  }
  if (2 * products > taps * w.out_size()) return SparseTaps{};
  p.c = c;
  p.m = m;
  p.h = w.in[1];
  p.w = w.in[2];
  p.oh = w.out[1];
  p.ow = w.out[2];
  p.workspace_floats = static_cast<size_t>((c + m) * largest);
  p.on = true;
  return p;
}

namespace {

void RunImage(const SparseTaps& p, const float* x, float* y, float* ws, int threads) {
  const int64_t in_size = p.h * p.w, out_size = p.oh * p.ow;
  std::memset(y, 0, static_cast<size_t>(p.m * out_size) * sizeof(float));
  for (const SparseTaps::Tap& t : p.taps) {
    const int64_t rows = t.oh1 - t.oh0, cols = t.ow1 - t.ow0, n = rows * cols;
    // Whole output rows from whole input rows: the product reads x and adds into y in place.
    if (cols == p.ow && p.ow == p.w && t.dw == 0) {
      Sgemm(t.w, n, x + (t.oh0 + t.dh) * p.w, in_size, 1, 1.0f, y + t.oh0 * p.ow, out_size, threads);
      continue;
    }
    float* b = ws;
    float* prod = ws + p.c * n;
    for (int64_t ci = 0; ci < p.c; ++ci) {
      for (int64_t r = 0; r < rows; ++r) {
        const float* from = x + ci * in_size + (t.oh0 + r + t.dh) * p.w + t.ow0 + t.dw;
        std::memcpy(b + ci * n + r * cols, from, static_cast<size_t>(cols) * sizeof(float));
      }
    }
    Sgemm(t.w, n, b, n, 1, 0.0f, prod, n, threads);
    for (int64_t mi = 0; mi < p.m; ++mi) {
      for (int64_t r = 0; r < rows; ++r) {
        float* to = y + mi * out_size + (t.oh0 + r) * p.ow + t.ow0;
        const float* from = prod + mi * n + r * cols;
        for (int64_t j = 0; j < cols; ++j) to[j] += from[j];
      }
    }
  }
}

}  // namespace

void RunSparseTaps(const SparseTaps& p, int64_t n, const float* x, float* y, float* ws, int threads) {
  for (int64_t i = 0; i < n; ++i) RunImage(p, x + i * p.c * p.h * p.w, y + i * p.m * p.oh * p.ow, ws, threads);
}

}  // namespace cpu
}  // namespace hybridrt
