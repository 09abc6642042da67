// The int8 form of the elementwise add (a builder form: the builder's qdq pass, qdq_add.cc, makes
// it from DequantizeLinear(a), DequantizeLinear(b) -> Add (-> Relu) -> QuantizeLinear, each per
// tensor; network.ts documents it): a and b int8 or uint8 (either, each its own), broadcasting
// as the add does, each with a per-tensor scale and zero point; the output int8 or uint8 with
// its own. Its arithmetic, QuantAddRounded below, is the one rule every kernel computes (cpu
// quant_add.cc, cuda quant_add.cu) and the one the kernels are tested against:
//   v = float(a - za) * sa + float(b - zb) * sb   (each product, and the sum, one float32 rounding),
//   v = max(v, 0)                                 (with a fused relu),
//   y = saturate(round_half_even(v / sy) + zy)    (QuantizeRounded: the quantize layer's rounding).
// These are the steps, rounding for rounding, of the Q/DQ graph as written (DequantizeLinear's
// float(x - zp) * scale, Add, QuantizeLinear's round_half_even(x / scale) + zp), so a layer
// agrees bit for bit with onnxruntime running that graph unoptimized; onnxruntime's optimized
// run (its QLinearAdd, which computes with the ratios sa / sy and sb / sy) rounds otherwise and
// agrees within one step. The params: `quant.inputScale` and `quant.inputZeroPoint` (a, input
// 0), `quant.input1Scale` and `quant.input1ZeroPoint` (b, input 1), `quant.outputScale` and
// `quant.outputZeroPoint` (y); the op is `add`, the activation none or relu.
#pragma once

#include <cstdint>

#include "layers/quant_form.h"
#include "src/ir/network.h"
#include "src/util/host_device.h"

namespace hybridrt {

class LayerCheck;

struct QuantAdd {
  float a_scale = 1, b_scale = 1, y_scale = 1;
  int32_t a_zero = 0, b_zero = 0, y_zero = 0;
  bool relu = false;
};

// Whether an elementwise layer's params are the int8 add's (quant_form.h's IsQuantForm: the same
// marking key, which the engine's and the precision pass's int8 checks read).
inline bool IsQuantAdd(const Params& p) { return IsQuantForm(p); }
QuantAdd ReadQuantAdd(const Params& p);
// The quant params and, with relu, the activation.
void WriteQuantAdd(const QuantAdd& q, Params* p);

// The shape and dtype rule of the form (CheckElementwiseLayer calls it where IsQuantAdd): op
// add, a and b int8/uint8 broadcasting, zero points in their types' ranges, finite float32
// scales > 0, the activation none or relu; the output int8/uint8 (int8 by default).
void CheckQuantAdd(const LayerCheck& c);

// The sum before the quantization, v above. On cuda the products and the sum are the
// explicitly rounded intrinsics (nvcc would contract a * b + c into an FMA); host code is built
// for baseline x86-64, where nothing is contracted (CMakeLists.txt).
HYBRIDRT_HD inline float QuantAddSum(const QuantAdd& q, int32_t a, int32_t b) {
#ifdef __CUDA_ARCH__
  float v = __fadd_rn(__fmul_rn(static_cast<float>(a - q.a_zero), q.a_scale),
                      __fmul_rn(static_cast<float>(b - q.b_zero), q.b_scale));
#else
  const float pa = static_cast<float>(a - q.a_zero) * q.a_scale;
  const float pb = static_cast<float>(b - q.b_zero) * q.b_scale;
  float v = pa + pb;
#endif
  return q.relu && v < 0 ? 0.0f : v;
}

// y for the inputs' values a and b (as integers), saturated to [lo, hi] (the output type's).
HYBRIDRT_HD inline int32_t QuantAddRounded(const QuantAdd& q, int32_t a, int32_t b, int32_t lo, int32_t hi) {
#ifdef __CUDA_ARCH__
  return QuantizeRounded(__fdiv_rn(QuantAddSum(q, a, b), q.y_scale), q.y_zero, lo, hi);
#else
  return QuantizeRounded(QuantAddSum(q, a, b) / q.y_scale, q.y_zero, lo, hi);
#endif
}

}  // namespace hybridrt
