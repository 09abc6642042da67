// float16 <-> float32 buffers for the cpu kernels (the half adapter, Cast): the results of
// HalfBufferToFloat and FloatToHalfBuffer (src/ir/dtype.h: exact widening, rounding to nearest
// even, a NaN narrowed to sign | 0x7e00), float16 16 a vector on AVX-512 (vcvtph2ps,
// vcvtps2ph); bfloat16, and float16 elsewhere, by those functions. The scalar forms branch per
// element: an fp16 model's 64 x 512 x 512 tensors (imgly's ISNet) spent more in the adapter's
// widening and narrowing around each layer than onnxruntime spent in the layer.
#pragma once

#include <cstdint>

#include "src/ir/dtype.h"

namespace hybridrt {
namespace cpu {

// dst[i] = src[i] (t float16 or bfloat16) as float, i in [0, n).
void WidenHalf(DType t, const void* src, float* dst, int64_t n);

// dst[i] = src[i] rounded to t (float16 or bfloat16), i in [0, n).
void NarrowToHalf(const float* src, DType t, void* dst, int64_t n);

}  // namespace cpu
}  // namespace hybridrt
