// A per-channel affine y = x * scale[c] + shift[c] (then Relu), plane by plane, for the pointwise
// layer's program mul(x, scale); add(t0, shift)[; relu(t1)] (densenet's BatchNormalization + Relu
// after each Concat, which no convolution before it can take): one pass over x, where the
// interpreter gathered the per-channel values into block buffers and ran each step as a pass of
// its own (pointwise.cc). The product, then the sum, rounded each (no fused multiply-add), then
// Relu as the formula's v < 0 ? 0 : v: the interpreter's bits.
#pragma once

#include <cstdint>

namespace hybridrt {
namespace cpu {

// Planes [p0, p1) of `plane` floats each; plane p takes scale[p % channels], shift[p % channels].
void ChannelAffinePlanes(const float* x, const float* scale, const float* shift, float* y, int64_t plane,
                         int64_t channels, bool relu, int64_t p0, int64_t p1);

}  // namespace cpu
}  // namespace hybridrt
