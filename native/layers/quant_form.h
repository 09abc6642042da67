// The int8 builder form of convolution and matmul (the builder's qdq pass, qdq_fusion.h,
// makes it from DequantizeLinear -> Conv/MatMul/Gemm -> QuantizeLinear; network.ts documents
// it): the activation input is int8 or uint8 with a per-tensor scale and zero point, the
// weights are a constant int8 tensor with symmetric scales (one, or one per output channel),
// the sums are int32, and the epilogue either dequantizes them to float32 or requantizes them
// to int8/uint8 with a per-tensor output scale and zero point. Bias, residual and activation
// are float32 and apply before the requantization, as the Q/DQ graph computes them:
//   v = float(sum_k (x_k - zx) w_k) * (sx * sw[c]) + bias[c] (+ z), act(v),
//   y = v, or y = saturate(round_half_even(v / sy) + zy).
// The residual z may itself be int8/uint8 with a per-tensor scale and zero point (a convolution
// whose residual add reads a DequantizeLinear, as TensorRT's Q/DQ placement and onnxruntime's
// QDQ Add write it; `quant.residualScale`): then z = float(zq - zz) * sz, the dequantize's value.
// The params are `quant.*` keys (a nested object in network.ts); `quant.inputScale` present
// marks the form.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/dtype.h"
#include "layers/matmul.h"
#include "src/ir/network.h"
#include "src/util/host_device.h"

namespace hybridrt {

class LayerCheck;

// Params the builder's qdq pass writes on a convolution, matmul or add (quant_add.h) that reads a
// dequantize and stays float (qdq_fusion.h): kNotInt8 says why, kNotInt8By whose rule refused it: the
// backend's int8 kernel table (Int8Kernels::Refusal) or what the pass folds. Notes only: no
// kernel reads them; engine.info() gives them as layers[i].notInt8 = { by, reason }.
constexpr const char* kNotInt8 = "notInt8";
constexpr const char* kNotInt8By = "notInt8By";
constexpr const char* kNotInt8ByBackend = "backend";
constexpr const char* kNotInt8ByPass = "pass";

// The most products an int8 layer sums per output (k, or channels per group times the kernel
// size): int8 x uint8 products are below 2^15 in magnitude, so the int32 sums of at most 2^16
// of them cannot overflow (cpu/igemm.h). At least 1: the builder folds none with no products.
constexpr int64_t kMaxInt8Products = 65536;
inline bool Int8ProductsFit(int64_t k) { return k >= 1 && k <= kMaxInt8Products; }

// round_half_even(t) + zero, saturated to [lo, hi]; NaN gives the zero point: QuantizeLinear's
// rounding, for the quantize layer and the int8 layers' requantizing epilogue alike. 1.5 x 2^23
// added and taken away rounds to even exactly for |t| <= 2^22 (larger values saturate anyway,
// so t is clamped to +-4e6 first); plain float arithmetic, which compilers vectorize. The
// cuda int8 add (quant_add.h) calls it on the device too.
HYBRIDRT_HD inline int32_t QuantizeRounded(float t, int32_t zero, int32_t lo, int32_t hi) {
  t = t != t ? 0.0f : t < -4e6f ? -4e6f : t > 4e6f ? 4e6f : t;
  t = (t + 12582912.0f) - 12582912.0f;
  const int32_t v = static_cast<int32_t>(t) + zero;
  return v < lo ? lo : v > hi ? hi : v;
}

struct QuantForm {
  bool on = false;
  float input_scale = 1;
  int32_t input_zero = 0;
  std::vector<float> weight_scales;  // 1 or one per output channel
  bool requantize = false;           // else the output is float32
  float output_scale = 1;
  int32_t output_zero = 0;
  bool residual_quantized = false;  // the residual input is int8/uint8 (else float32)
  float residual_scale = 1;
  int32_t residual_zero = 0;
};

inline bool IsQuantForm(const Params& p) { return p.Has("quant.inputScale"); }
QuantForm ReadQuantForm(const Params& p);
void WriteQuantForm(const QuantForm& q, Params* p);

// The dtype rules of the form (the convolution and matmul rules call them where IsQuantForm): input 0
// int8/uint8 with the zero point in its range, input 1 int8, inputs 2.. float32 (the residual,
// the last input, int8/uint8 where 'quant.residualScale' is given), weight
// scales 1 or `channels`, all scales finite and > 0; returns the output's dtype (float32, or
// int8/uint8 where it requantizes, as declared or given; int8 by default).
DType CheckQuantForm(const LayerCheck& c, int64_t channels);

// The rules every int8 form's params follow (CheckQuantForm's, and the int8 add's, quant_add.h):
// int8 or uint8 tensors, a zero point within its tensor's type, and a scale finite and > 0 both
// as given and as the float32 the kernels compute with.
inline bool IsInt8Type(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }
bool ZeroPointInRange(DType t, int64_t zero);
bool GoodQuantScale(double s);

// Why the int8 form cannot take a matmul of params `p`, weights of shape `b` and c of shape `c`
// (null: none), "" where it can: both backends' int8 kernels (cpu/quant_matmul.cc, and
// cuda/quant_conv.cu as a 1x1 convolution over a's rows) take a not transposed, b a matrix,
// alpha and beta 1, c a bias of N values, K within int32 sums. The qdq pass folds by it;
// CheckInt8Matmul (matmul.cc's rule, where IsQuantForm) refuses by it.
std::string Int8MatmulRefusal(const MatmulParams& p, const Shape& b, const Shape* c);
void CheckInt8Matmul(const LayerCheck& c, const MatmulParams& p, bool has_c);

}  // namespace hybridrt
