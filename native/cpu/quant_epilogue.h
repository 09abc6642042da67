// What the int8 convolution and matmul (quant_conv.cc, quant_matmul.cc) do with a finished
// run of int32 sums of one output channel (layers/quant_form.h): subtract the zero-point
// correction, scale to float, add bias and residual, apply the activation, and store float32
// or requantize. One plain loop for every micro-kernel: the same sums give the same bits
// whatever kernel made them (no FMA contraction here: the file is compiled for baseline x86-64);
// where the vector kernels are AVX-512 or AVX2, contiguous rows take Row512 or Row256
// (quant_epilogue.cc), the same steps with the same roundings 16 or 8 lanes at a time.
//
// Requantized outputs whose values cannot be NaN (no activation, relu or clip; finite scales,
// bias and residual) take a shorter form on AVX-512 with the same bits: v / sy clamped once to
// [clamp_lo, clamp_hi], then rounded and offset by the zero point. Division by sy > 0 rounds
// monotonically, so the activation's bounds commute with it (max(v, a) / sy = max(v / sy, a /
// sy), each quotient rounded once); rounding commutes with a clamp to integers, so the
// saturation to [lo - zy, hi - zy] moves before it; and the two clamps compose into one,
// [clamp(a / sy), clamp(b / sy)] (PrepareClamped). NaN, which the plain steps send to the zero
// point past the activation, is what this order would get wrong, hence the conditions.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "cpu/activation.h"
#include "cpu/igemm.h"
#include "cpu/quant_requant.h"
#include "cpu/tap_sum.h"
#include "src/ir/dtype.h"
#include "layers/quant_form.h"

namespace hybridrt {
namespace cpu {

// y[i] = QuantizeRounded(x[i] / scale, zero) saturated to t (int8 or uint8), i in [0, n): the
// quantize layer's loop (quantize.cc), 16 lanes at a time where the vector kernels are
// AVX-512, with the same roundings.
void QuantizeFloats(const float* x, int64_t n, float scale, int32_t zero, DType t, void* y);
// Its AVX2 form with the type's bounds [lo, hi] (quant_epilogue_avx2.cc; x86-64 only).
void Quantize256(const float* x, int64_t n, float scale, int32_t zero, int32_t lo, int32_t hi, void* y);

struct QuantEpilogue {
  std::vector<int32_t> correction;  // per channel: the uint8 zero point times the weights' sum
  std::vector<float> scale;         // per channel: input scale times weight scale
  Activation act;
  bool requantize = false;
  float out_scale = 1;
  int32_t out_zero = 0, lo = 0, hi = 0;
  DType out = DType::kFloat32;

  // For the channels [first, first + w.m) of a layer whose input is `x` (int8: read as uint8
  // + 128) and output `y`.
  void Prepare(const QuantForm& q, DType x, DType y, const Activation& a) {
    act = a;
    requantize = q.requantize;
    out_scale = q.output_scale;
    out_zero = q.output_zero;
    out = y;
    lo = y == DType::kInt8 ? -128 : 0;
    hi = y == DType::kInt8 ? 127 : 255;
    x_zero = q.input_zero + (x == DType::kInt8 ? 128 : 0);
    q_ = q;
    vector_ = VectorKernel();
    PrepareClamped();
  }
  void AddChannels(const PackedInt8& w, int64_t first) {
    for (int64_t i = 0; i < w.m; ++i) AddChannel(x_zero * w.row_sums[i], first + i);
  }
  // Channels [0, m), whose sums come centred (sum (x - zx) w, the padding adding nothing: the
  // int8 depthwise form, quant_conv.cc): no zero-point correction.
  void AddCentredChannels(int64_t m) {
    for (int64_t i = 0; i < m; ++i) AddChannel(0, i);
  }

  // Planes [0, planes) of len sums each, as floats (exact integers: the int8 depthwise form,
  // quant_conv.cc), of channels c0 + r, with bias[r] (nullptr: none) and the residual z (planes
  // x len; nullptr: none), into the outputs from y on: Row's results for each plane, with the
  // work of small planes batched. tmp holds planes x len floats.
  void Planes(const float* sums, int64_t planes, int64_t len, int64_t c0, const float* bias, const float* z, float* tmp,
              void* y) const;

  // Rows [0, rows) of a tile: row r, channel c0 + r, its len sums at acc + r * ldc, bias[r]
  // (bias nullptr: none), the residual from z + r * stride (nullptr: none), into y + r * stride
  // values on: Row's result for each row (stride 1 within it), the constants that no row
  // changes set once (a 4 x 4 plane's row is one vector: the calls cost more than the values),
  // an activation that ApplyActivation runs called once for all rows. tmp holds rows x len
  // floats.
  void Rows(const int32_t* acc, int64_t ldc, int64_t rows, int64_t len, int64_t c0, const float* bias, const float* z,
            int64_t stride, float* tmp, void* y) const;
  // Whether Rows can take the int8/uint8 residual (of type t) itself, dequantized per lane as
  // quant_conv.cc's DequantizedResidual computes it (float(r - zr) * sr, one rounding), instead
  // of its floats: AVX-512, requantized outputs in the short form. Then RowsQ does.
  bool TakesQuantizedResidual(DType t) const {
    return vector_ == SimdKernel::kAvx512 && clamped_ && q_.residual_quantized &&
           (t == DType::kInt8 || t == DType::kUInt8);
  }
  void RowsQ(const int32_t* acc, int64_t ldc, int64_t rows, int64_t len, int64_t c0, const float* bias, const void* zq,
             bool zq_signed, int64_t stride, float* tmp, void* y) const;

  // Channels [c0, c0 + len) of one sum each, acc[r] that of channel c0 + r, with bias[r] (nullptr:
  // none) and no residual, into y[r] (contiguous): Row's result for each (the one column of
  // igemm.h's GEMV: a classifier at batch 1, a squeeze-excite convolution), the channels' scales
  // as vectors instead of one Row call per value. tmp holds len floats.
  void Column(const int32_t* acc, int64_t len, int64_t c0, const float* bias, float* tmp, void* y) const;

  // Where channels [c0, c0 + rows), with bias (per channel, nullptr: none) and a residual or
  // none, all take the short form on AVX-512: q gets their constants (corr, scale and bias from
  // c0 on; Fill's), and the kernel that made their sums may requantize them itself
  // (quant_requant.h) instead of handing them to Rows or Planes; q's outputs and residual are
  // the caller's to set. false: they go through Rows or Planes.
  bool Fused(int64_t c0, int64_t rows, const float* bias, bool residual, Int8Requant* q) const {
    if (vector_ != SimdKernel::kAvx512 || !clamped_ || (residual && !q_.residual_quantized)) return false;
    for (int64_t r = 0; r < rows; ++r) {
      if (!Clamped(c0 + r, bias ? bias + r : nullptr, nullptr)) return false;
    }
    Fill(q);
    q->corr = correction.data() + c0;
    q->scale = scale.data() + c0;
    q->bias = bias;
    return true;
  }
  // The short form's constants that no channel changes: the output's scale, bounds and zero
  // point, the quantized residual's zero point and scale.
  void Fill(Int8Requant* q) const {
    q->out_scale = out_scale;
    q->lo = clamp_lo_;
    q->hi = clamp_hi_;
    q->zero = out_zero;
    q->zq_zero = q_.residual_zero;
    q->zq_scale = q_.residual_scale;
  }

  // An activation ApplyActivation runs (not relu or clip, which the vector forms inline).
  bool OtherActivation() const {
    return act.enabled && act.op != UnaryOp::kRelu && act.op != UnaryOp::kClip && act.op != UnaryOp::kIdentity;
  }

  // Channel c's sums acc[0, len) into y[j * stride] (y: the first output's address), with
  // bias (nullptr: none) and the residual z[j] (nullptr: none); tmp holds len floats.
  void Row(const int32_t* acc, int64_t len, int64_t c, const float* bias, const float* z, float* tmp, void* y,
           int64_t stride) const {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (vector_ == SimdKernel::kAvx512 && stride == 1) return Row512(acc, len, c, bias, z, tmp, y);
    if (vector_ == SimdKernel::kAvx2 && stride == 1) return Row256(acc, nullptr, 1, len, c, bias, z, tmp, y);
#endif
    const int32_t corr = correction[c];
    const float s = scale[c];
    for (int64_t j = 0; j < len; ++j) tmp[j] = static_cast<float>(acc[j] - corr) * s;
    if (bias) {
      const float b = *bias;
      for (int64_t j = 0; j < len; ++j) tmp[j] += b;
    }
    if (z) {
      for (int64_t j = 0; j < len; ++j) tmp[j] += z[j];
    }
    if (act.enabled) ApplyActivation(act, tmp, tmp, len);
    if (!requantize) {
      float* f = static_cast<float*>(y);
      for (int64_t j = 0; j < len; ++j) f[j * stride] = tmp[j];
      return;
    }
    // v / scale rounded as the quantize layer rounds it (QuantizeRounded, quant_form.h).
    for (int64_t j = 0; j < len; ++j)
      tmp[j] = static_cast<float>(QuantizeRounded(tmp[j] / out_scale, out_zero, lo, hi));
    if (out == DType::kInt8) {
      int8_t* q = static_cast<int8_t*>(y);
      for (int64_t j = 0; j < len; ++j) q[j * stride] = static_cast<int8_t>(tmp[j]);
    } else {
      uint8_t* q = static_cast<uint8_t*>(y);
      for (int64_t j = 0; j < len; ++j) q[j * stride] = static_cast<uint8_t>(tmp[j]);
    }
  }

 private:
  void AddChannel(int32_t corr, int64_t c) {
    correction.push_back(corr);
    scale.push_back(q_.input_scale * q_.weight_scales[q_.weight_scales.size() == 1 ? 0 : c]);
  }

  // The short requantizing form's bounds (clamped_: whether it applies to this layer at all).
  void PrepareClamped();
  // Whether channel c's values with this bias and residual take the short form (a residual is
  // finite where it is dequantized from int8: quant_conv.cc's DequantizedResidual). Inline: it
  // runs per row of every tile.
  bool Clamped(int64_t c, const float* bias, const float* z) const {
    return clamped_ && std::isfinite(scale[c]) && (!bias || std::isfinite(*bias)) && (!z || q_.residual_quantized);
  }

  // Row for stride 1 and Planes, on AVX-512 (quant_epilogue.cc).
  void Row512(const int32_t* acc, int64_t len, int64_t c, const float* bias, const float* z, float* tmp, void* y) const;
  void Planes512(const float* sums, int64_t planes, int64_t len, int64_t c0, const float* bias, const float* z,
                 float* tmp, void* y) const;
  void Column512(const int32_t* acc, int64_t len, int64_t c0, const float* bias, float* tmp, void* y) const;
  void Rows512(const int32_t* acc, int64_t ldc, int64_t rows, int64_t len, int64_t c0, const float* bias,
               const float* z, const void* zq, bool zq_signed, int64_t stride, float* tmp, void* y) const;
  // AVX2 (no FMA, so none is contracted; quant_epilogue_avx2.cc): Row of acc (planes 1) or
  // Planes of sums, in passes over tmp.
  void Row256(const int32_t* acc, const float* sums, int64_t planes, int64_t len, int64_t c0, const float* bias,
              const float* z, float* tmp, void* y) const;

  int32_t x_zero = 0;
  bool clamped_ = false;
  float clamp_lo_ = 0, clamp_hi_ = 0;  // the short form's bounds of v / sy
  QuantForm q_;
  SimdKernel vector_ = SimdKernel::kPortable;
};

}  // namespace cpu
}  // namespace hybridrt
