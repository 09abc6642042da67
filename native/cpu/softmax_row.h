// One softmax (or log-softmax) line of contiguous floats, the form the softmax and attention
// kernels share: shifted by the line's largest value (NaN ignored, as std::max(m, x) leaves m),
// its terms e^(x - max) by the vector exp (activation_simd.h, terms below 1.2e-38 of the
// largest are 0) and their sum in double; softmax = term * (1 / sum), log-softmax =
// (x - max) - log(sum). A NaN anywhere makes the sum NaN, and so every output; a line of -inf
// only is NaN (-inf - -inf).
#pragma once

#include <cstdint>

namespace hybridrt {
namespace cpu {

// y = softmax(x) (log: log-softmax) over n floats; x and y may be the same memory. `scratch`
// (n floats, not aliasing x or y) holds the terms for log-softmax; softmax does not read it
// (nullptr is fine). Returns the terms' sum: not positive (NaN) where the line has no finite
// probabilities.
double SoftmaxLine(const float* x, float* y, int64_t n, bool log, float* scratch);

}  // namespace cpu
}  // namespace hybridrt
