// Convolution windows cut to the taps that read the input (conv_cut.h).
#include "cpu/conv_cut.h"

namespace hybridrt {
namespace cpu {

bool CutPaddingTaps(const Window& w, int64_t rows, const float* wt, Window* cut, std::vector<float>* weights) {
  if (!wt) return false;
  Window c = w;
  int64_t first[3];
  bool drops = false;
  for (int i = 0; i < 3; ++i) {
    first[i] = -1;
    int64_t last = -1;
    for (int64_t k = 0; k < w.kernel[i]; ++k) {
      int64_t lo, hi;
      ValidRange(w.in[i], w.out[i], w.stride[i], w.pad[i], k * w.dilation[i], &lo, &hi);
      if (lo >= hi) continue;
      if (first[i] < 0) first[i] = k;
      last = k;
    }
    if (first[i] < 0) return false;
    c.kernel[i] = last - first[i] + 1;
    c.pad[i] = w.pad[i] - first[i] * w.dilation[i];
    c.pad_end[i] = w.pad_end[i] - (w.kernel[i] - 1 - last) * w.dilation[i];
    if (c.pad[i] < 0 || c.pad_end[i] < 0) return false;
    drops = drops || c.kernel[i] < w.kernel[i];
  }
  if (!drops) return false;
  weights->resize(static_cast<size_t>(rows * c.kernel_size()));
  float* out = weights->data();
  for (int64_t r = 0; r < rows; ++r) {
    const float* taps = wt + r * w.kernel_size();
    for (int64_t kd = 0; kd < c.kernel[0]; ++kd) {
      for (int64_t kh = 0; kh < c.kernel[1]; ++kh) {
        const float* line = taps + ((first[0] + kd) * w.kernel[1] + first[1] + kh) * w.kernel[2] + first[2];
        for (int64_t kw = 0; kw < c.kernel[2]; ++kw) *out++ = line[kw];
      }
    }
  }
  *cut = c;
  return true;
}

}  // namespace cpu
}  // namespace hybridrt
