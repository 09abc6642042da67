// Min and max of a float row with the reduce kernel's sequential rule (reduce.cc): acc = x[i]
// where x[i] < acc (min; > for max) or x[i] is NaN, from +inf (-inf for max), i in order. So the
// result is the last NaN if the row holds one, else the first element equal to the extreme
// (which only tells -0 from +0 apart). The AVX-512 form finds the extreme 32 lanes at a time and
// then, where the row holds a NaN or the extreme is a zero, the element the rule keeps: the same
// bits as the scalar loop, which compared and branched per element (U^2-Net's dynamically
// quantized layers reduce their activations' range this way, 20 ms a layer).
#pragma once

#include <cstdint>

namespace hybridrt {
namespace cpu {

float RowMin(const float* x, int64_t n);
float RowMax(const float* x, int64_t n);

}  // namespace cpu
}  // namespace hybridrt
