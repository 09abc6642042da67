// The inner loop of the direct convolution (conv.cc): a line of outputs summed over its taps,
// y[i] = sum over t of w[t] * src[t][i * stride], the taps in order, with the sums held in registers
// across all taps (one load of each source vector, one store of each output vector). AVX-512F
// and AVX2+FMA forms are compiled through target attributes and chosen at run time as the
// SGEMM micro-kernel is (VectorKernel()); the portable form is plain C++.
#pragma once

#include <cstdint>

#include "cpu/activation_simd.h"

namespace hybridrt {
namespace cpu {

// The vector kernels' instruction set (activation.cc): the SGEMM micro-kernel's choice.
SimdKernel VectorKernel();

// y[i] = sum_t w[t] * src[t][i * stride] for i in [0, n), taps t in [0, taps) in order. Reads
// src[t][0 .. (n - 1) * stride] only. Strides 1 and 2 are vectorized.
void TapSum(const float* const* src, const float* w, int64_t taps, int64_t stride, float* y, int64_t n);

}  // namespace cpu
}  // namespace hybridrt
