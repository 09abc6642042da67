// The int8 convolution (the builder's int8 form, layers/quant_form.h), tactic `int8_gemm`:
// per (image, group) y_g = W_g P_g as an int8 GEMM (igemm.h), W_g the int8 weights packed
// once, P_g the patch matrix of the int8/uint8 input, written a block of output positions at a
// time straight into the GEMM's B panels: four patch rows (four k of a column side by side) at
// a time, each row by the im2col walk of the shared window geometry (conv_base.h, window.h),
// padding with the input's zero point. A group of a multiple of 4 channels (not a plain 1x1)
// takes k tap-major instead, its panels copied as words from planes of four interleaved
// channels (quant_patch.h). Each finished tile goes through QuantEpilogue (zero-point
// correction, scales, bias, residual, activation, requantization) while it is in cache, or,
// where the group's outputs take the epilogue's short requantizing form on AVX-512, is
// requantized in the VNNI kernel's registers (IgemmRequant, quant_requant.h: the same steps).
//
// Tactic `int8_depthwise`, for one input and one output channel per group on the flat
// depthwise geometry (depthwise.h, conv.cc's `depthwise`): a GEMM of one row per group is all
// packing and no arithmetic (mobilenet_v2 int8 ran 7x slower than fp32 on it). Instead the
// input planes are centred (x - zx, zero in the padding) into float and summed by the fp32
// depthwise kernel: |w (x - zx)| <= 128 * 255 < 2^15, so with at most kMaxDepthwiseTaps taps
// every product and partial sum is an integer below 2^24, exact in float32 whatever the order
// or FMA contraction. The sums, converted back to int32, are the GEMM's sums less the
// zero-point correction, and go through the same QuantEpilogue: the same bits as `int8_gemm`.
// Windows without dilation of at most 8 taps along w (the 3x3 and 5x5 layers of MobileNet and
// EfficientNet) sum in integers instead (quant_depthwise.h: vpdpbusd over four taps a lane),
// the same sums, exact either way, so the same bits; on VNNI their short-form requantization is
// done in the sum kernel's registers (quant_requant.h), as the GEMM's.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "cpu/x86.h"

#include "cpu/conv_base.h"
#include "cpu/depthwise.h"
#include "cpu/igemm.h"
#include "cpu/kernels.h"
#include "cpu/quant_depthwise.h"
#include "cpu/quant_epilogue.h"
#include "cpu/quant_patch.h"

namespace hybridrt {
namespace cpu {

namespace {

// Taps whose centred sums stay exact in float32 (2^24 / 2^15 = 512).
constexpr int64_t kMaxDepthwiseTaps = 512;

// y[i] = float(x[i] ^ flip) - zx, i in [0, n): small integers, exact in any order; 16 at a
// time on AVX-512 (the compiler's baseline loop took as long as the depthwise sums).
#ifdef HR_X86
__attribute__((target("avx512f"))) void Centre512(const uint8_t* x, int64_t n, uint8_t flip, float zx, float* y) {
  const __m512i f = _mm512_set1_epi32(flip);
  const __m512 z = _mm512_set1_ps(zx);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i v =
        _mm512_xor_si512(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))), f);
    _mm512_storeu_ps(y + i, _mm512_sub_ps(_mm512_cvtepi32_ps(v), z));
  }
  for (; i < n; ++i) y[i] = static_cast<float>(x[i] ^ flip) - zx;
}
#endif

void Centre(const uint8_t* x, int64_t n, uint8_t flip, float zx, float* y) {
#ifdef HR_X86
  if (VectorKernel() == SimdKernel::kAvx512) return Centre512(x, n, flip, zx, y);
#endif
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(x[i] ^ flip) - zx;
}

class QuantConvKernel : public GroupedWindowKernel {
 protected:
  std::vector<std::string> Tactics() const override { return {"int8_gemm", "int8_depthwise"}; }

  bool IsDepthwise() const {
    return cg_ == 1 && mg_ == 1 && w_.kernel_size() <= kMaxDepthwiseTaps && DepthwiseFits(w_);
  }
  std::string Choose() override { return IsDepthwise() ? "int8_depthwise" : "int8_gemm"; }

  void Analyze() override {
    const ConvolutionParams p = ReadConvolution(params());
    if (p.nhwc) Bad(ErrorCode::kNative, "int8: NCHW only");
    if (p.has_input_clip) Bad(ErrorCode::kNative, "int8: no input clip");
    residual_ = p.residual;
    has_bias_ = ConvHasBias(p, in_.size());
    AnalyzeGeometry();
    q_ = ReadQuantForm(params());
    if (!Int8ProductsFit(cg_ * w_.kernel_size())) {
      Bad(ErrorCode::kNative, Cat("an int8 convolution sums 1 to ", kMaxInt8Products,
                                  " products per output (int32 range); this one ", cg_ * w_.kernel_size()));
    }
    if (residual_ && q_.residual_quantized) {  // DequantizedResidual's floats
      residual_at_ = (workspace_ + 63) / 64 * 64;
      workspace_ = residual_at_ + static_cast<size_t>(out_[0].numel) * sizeof(float);
    }
  }

  // The int8 residual as its dequantize layer computed it, float(r - zr) * sr (quantize.cc's
  // formula), into the workspace: the epilogue then adds it as a float residual.
  const float* DequantizedResidual(const KernelArgs& args) const {
    float* zf = reinterpret_cast<float*>(static_cast<char*>(args.workspace) + residual_at_);
    const void* r = args.inputs.back();
    const bool s8 = in_.back().dtype == DType::kInt8;
    const float sr = q_.residual_scale;
    const int32_t zr = q_.residual_zero;
    Par(out_[0].numel, kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int32_t v = s8 ? static_cast<const int8_t*>(r)[i] : static_cast<const uint8_t*>(r)[i];
        zf[i] = static_cast<float>(v - zr) * sr;
      }
    });
    return zf;
  }

  void PrepareKernel() override {
    const int8_t* wt = static_cast<const int8_t*>(constants_.size() > 1 ? constants_[1] : nullptr);
    if (!wt) Bad(ErrorCode::kNative, "an int8 convolution needs constant weights");
    act_ = ReadActivation(params(), "activation.");
    epi_ = QuantEpilogue();
    epi_.Prepare(q_, in_[0].dtype, out_[0].dtype, act_);
    packed_.clear();
    if (tactic() == "int8_depthwise") {
      if (!IsDepthwise()) Bad(ErrorCode::kPlan, "plan: tactic 'int8_depthwise' does not fit this layer's geometry");
      integer_ = Int8DepthwiseFits(w_);
      if (integer_) {
        int8_depthwise_ = PlanInt8Depthwise(w_, wt, m_);
        epi_.AddCentredChannels(m_);
        return;
      }
      depthwise_ = MakeDepthwisePlan(w_);
      PlanDepthwiseRows(w_, &depthwise_);
      const int64_t ks = w_.kernel_size();
      weights_.assign(m_ * ks, 0.0f);
      for (int64_t i = 0; i < m_ * ks; ++i) weights_[i] = static_cast<float>(wt[i]);
      epi_.AddCentredChannels(m_);
      return;
    }
    // The padded plane: what the window reads of the input, zero point around it (PadGroup).
    for (int i = 0; i < 3; ++i) ext_[i] = std::max<int64_t>(1, w_.Reach(i));
    plain_ = true;  // 1x1, stride 1, no padding: the patch rows are the input's channel planes
    for (int i = 0; i < 3; ++i) plain_ = plain_ && w_.kernel[i] == 1 && w_.stride[i] == 1 && w_.pad[i] == 0;
    for (int i = 0; i < 3; ++i) plain_ = plain_ && w_.out[i] == w_.in[i];
    // Quads of channels (quant_patch.h): k tap-major, the weights packed in that order.
    quad_ = !plain_ && QuadPatchFits(cg_);
    if (quad_) quads_ = PlanQuadPatch(w_, ext_, cg_);
    const int64_t ks = w_.kernel_size(), kg = cg_ * ks;
    std::vector<int8_t> order(quad_ ? mg_ * kg : 0);
    for (int64_t g = 0; g < groups_; ++g) {
      const int8_t* wg = wt + g * mg_ * kg;
      if (quad_) {
        for (int64_t i = 0; i < mg_; ++i) {
          for (int64_t c = 0; c < cg_; ++c) {
            for (int64_t t = 0; t < ks; ++t) order[i * kg + t * cg_ + c] = wg[i * kg + c * ks + t];
          }
        }
        wg = order.data();
      }
      packed_.push_back(PackedInt8::Pack(mg_, kg, wg, kg, 1));
      epi_.AddChannels(packed_.back(), g * mg_);
    }
    taps_.clear();
    for (int64_t t = 0; t < w_.kernel_size(); ++t) taps_.push_back(w_.TapOffset(t, ext_));
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const uint8_t* x = static_cast<const uint8_t*>(args.inputs[0]);
    const float* bias = has_bias_ ? static_cast<const float*>(args.inputs[2]) : nullptr;
    // An int8 residual goes to the epilogue as it is where the epilogue takes it (no pass of
    // DequantizedResidual over the output's size).
    const bool fuse_z =
        residual_ && q_.residual_quantized && tactic() == "int8_gemm" && epi_.TakesQuantizedResidual(in_.back().dtype);
    const uint8_t* zq = fuse_z ? static_cast<const uint8_t*>(args.inputs.back()) : nullptr;
    const float* z = !residual_ || fuse_z    ? nullptr
                     : q_.residual_quantized ? DequantizedResidual(args)
                                             : static_cast<const float*>(args.inputs.back());
    if (tactic() == "int8_depthwise" && integer_) return IntegerDepthwise(x, bias, z, args.outputs[0]);
    if (tactic() == "int8_depthwise") return Depthwise(x, bias, z, args.outputs[0]);
    const int64_t in_size = w_.in_size(), out_size = w_.out_size(), ks = w_.kernel_size(), kg = cg_ * ks;
    const size_t out_bytes = DTypeSize(out_[0].dtype);
    const uint8_t flip = in_[0].dtype == DType::kInt8 ? 0x80 : 0;
    const uint8_t pad = static_cast<uint8_t>(q_.input_zero);  // the zero point's byte, flipped with the rest
    for (int64_t n = 0; n < n_; ++n) {
      for (int64_t g = 0; g < groups_; ++g) {
        const uint8_t* xg = x + (n * c_ + g * cg_) * in_size;
        const int64_t plane0 = n * m_ + g * mg_;   // the group's first output plane
        thread_local std::vector<uint8_t> padded;  // this thread's; the packers read it through pg
        if (quad_) {
          PadQuads(xg, pad ^ flip, flip, &padded);
        } else if (!plain_) {
          PadGroup(xg, pad, &padded);
        }
        const uint8_t* pg = padded.data();
        const int64_t ext_size = ext_[0] * ext_[1] * ext_[2];
        const Int8PanelPacker pack = [&](int64_t j0, int64_t nc, int nr, uint8_t* out) {
          if (quad_) return QuadPanels(quads_, pg, j0, nc, nr, out);
          thread_local std::vector<uint8_t> rows_buf;
          // 4 rows and the slack a row's last line writes past its end (CopyLine).
          if (!plain_ && rows_buf.size() < static_cast<size_t>(4 * nc + 64)) rows_buf.resize(4 * nc + 64);
          const int64_t groups = (kg + 3) / 4;
          const BlockStart at = Start(j0);
          int64_t ch = 0, tap = 0;  // row r's channel and tap, r = ch * ks + tap
          for (int64_t gi = 0; gi < groups; ++gi) {
            const uint8_t* rows[4] = {};
            for (int t = 0; t < 4 && gi * 4 + t < kg; ++t) {
              const int64_t r = gi * 4 + t;
              if (plain_) {
                rows[t] = xg + r * in_size + j0;
              } else {
                PatchRow(pg + ch * ext_size + taps_[tap], at, nc, rows_buf.data() + t * nc);
                rows[t] = rows_buf.data() + t * nc;
                if (++tap == ks) tap = 0, ++ch;
              }
            }
            InterleaveGroup(rows, nc, nr, groups, gi, flip, out);
          }
        };
        const Int8TileEpilogue finish = [&](int64_t i0, int64_t j0, int64_t rows, int64_t cols, const int32_t* c,
                                            int64_t ldc) {
          thread_local std::vector<float> tmp;
          if (tmp.size() < static_cast<size_t>(rows * cols)) tmp.resize(rows * cols);
          if (cols == 1 && ldc == 1 && out_size == 1 && !z && !zq) {  // the GEMV's column: channels side by side
            const int64_t m0 = g * mg_ + i0;
            return epi_.Column(c, rows, m0, bias ? bias + m0 : nullptr, tmp.data(),
                               static_cast<char*>(args.outputs[0]) + (plane0 + i0) * out_bytes);
          }
          const int64_t m0 = g * mg_ + i0, at = (plane0 + i0) * out_size + j0;
          char* y = static_cast<char*>(args.outputs[0]) + at * out_bytes;
          if (zq) {
            return epi_.RowsQ(c, ldc, rows, cols, m0, bias ? bias + m0 : nullptr, zq + at,
                              in_.back().dtype == DType::kInt8, out_size, tmp.data(), y);
          }
          epi_.Rows(c, ldc, rows, cols, m0, bias ? bias + m0 : nullptr, z ? z + at : nullptr, out_size, tmp.data(), y);
        };
        // Requantized in the VNNI kernel's registers where every channel of the group takes the
        // short form (quant_requant.h), else through the epilogue.
        Int8Requant rq;
        if (epi_.Fused(g * mg_, mg_, bias ? bias + g * mg_ : nullptr, residual_, &rq)) {
          rq.y = static_cast<char*>(args.outputs[0]) + plane0 * out_size;  // one byte an output
          rq.stride = out_size;
          rq.z = z ? z + plane0 * out_size : nullptr;
          rq.zq = zq ? zq + plane0 * out_size : nullptr;
          rq.zq_signed = residual_ && in_.back().dtype == DType::kInt8;
          if (IgemmRequant(packed_[g], out_size, pack, rq, threads_)) continue;
        }
        Igemm(packed_[g], out_size, pack, finish, threads_);
      }
    }
  }

 private:
  // Planes (n, m) in chunks, as conv.cc's Depthwise: each run of planes of one image centred
  // into float, summed (depthwise.h; stride 2 by DepthwiseRows where it takes the window, else
  // from the phases), then through the epilogue together while in cache.
  void Depthwise(const uint8_t* x, const float* bias, const float* z, void* y) const {
    const DepthwisePlan& d = depthwise_;
    const int64_t out_size = d.out_size, ks = d.taps;
    const size_t out_bytes = DTypeSize(out_[0].dtype);
    const bool phased = d.sh * d.sw > 1 && !d.rows;
    const uint8_t flip = in_[0].dtype == DType::kInt8 ? 0x80 : 0;
    const float zx = static_cast<float>(q_.input_zero + (flip ? 128 : 0));
    const int64_t grain = std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, out_size * ks));
    const int64_t run = LinesPerChunk(out_size);
    Par(n_ * m_, grain, [&](int64_t p0, int64_t p1) {
      // Kept per thread across runs (as conv.cc's phases): allocated per call, they came back
      // from the system with fresh pages each time.
      thread_local std::vector<float> xf, phases, sums, tmp;
      const size_t most = static_cast<size_t>(std::min(run, p1 - p0));
      if (xf.size() < most * d.x_size) xf.resize(most * d.x_size);
      if (phased && phases.size() < most * d.in_size) phases.resize(most * d.in_size);
      if (sums.size() < most * out_size) sums.resize(most * out_size);
      if (tmp.size() < most * out_size) tmp.resize(most * out_size);
      for (int64_t p = p0; p < p1;) {
        const int64_t m = p % m_, q = std::min(std::min(p1, p + run), p - m + m_);
        const uint8_t* xp = x + p * d.x_size;
        Centre(xp, (q - p) * d.x_size, flip, zx, xf.data());
        const float* src = xf.data();
        if (phased) {
          DepthwisePhases(d, src, phases.data(), q - p);
          src = phases.data();
        }
        if (d.rows) {
          DepthwiseRows(d, src, weights_.data() + m * ks, nullptr, nullptr, sums.data(), q - p, nullptr);
        } else {
          DepthwisePlanes(d, src, weights_.data() + m * ks, nullptr, nullptr, sums.data(), q - p);
        }
        const int64_t at = p * out_size;
        epi_.Planes(sums.data(), q - p, out_size, m, bias ? bias + m : nullptr, z ? z + at : nullptr, tmp.data(),
                    static_cast<char*>(y) + at * out_bytes);
        p = q;
      }
    });
  }

  // Depthwise's runs of planes summed in integers (quant_depthwise.h: the centred sums as
  // floats), then through the epilogue as Depthwise's, or requantized where they are summed.
  void IntegerDepthwise(const uint8_t* x, const float* bias, const float* z, void* y) const {
    const Int8DepthwisePlan& d = int8_depthwise_;
    const int64_t out_size = d.out_h * d.out_w, in_size = d.in_h * d.in_w;
    const size_t out_bytes = DTypeSize(out_[0].dtype);
    const uint8_t flip = in_[0].dtype == DType::kInt8 ? 0x80 : 0;
    const uint8_t zero = static_cast<uint8_t>(q_.input_zero + (flip ? 128 : 0));
    const int64_t grain = std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, out_size * d.kh * d.kw));
    const int64_t run = LinesPerChunk(out_size);
    Par(n_ * m_, grain, [&](int64_t p0, int64_t p1) {
      thread_local Int8DepthwiseScratch padded;
      thread_local std::vector<float> sums, tmp;
      const size_t most = static_cast<size_t>(std::min(run, p1 - p0));
      if (sums.size() < most * out_size + 16) sums.resize(most * out_size + 16);
      if (tmp.size() < most * out_size) tmp.resize(most * out_size);
      for (int64_t p = p0; p < p1;) {
        const int64_t m = p % m_, q = std::min(std::min(p1, p + run), p - m + m_);
        const int64_t at = p * out_size;
        // Requantized in the sum kernel's registers where every plane takes the short form.
        Int8Requant rq;
        const bool fused = epi_.Fused(m, q - p, bias ? bias + m : nullptr, z != nullptr, &rq);
        if (fused) {
          rq.y = static_cast<char*>(y) + at;  // one byte an output
          rq.stride = out_size;
          rq.z = z ? z + at : nullptr;
        }
        if (Int8DepthwiseSums(d, x + p * in_size, m, q - p, flip, zero, &padded, fused ? &rq : nullptr, sums.data())) {
          p = q;
          continue;
        }
        epi_.Planes(sums.data(), q - p, out_size, m, bias ? bias + m : nullptr, z ? z + at : nullptr, tmp.data(),
                    static_cast<char*>(y) + at * out_bytes);
        p = q;
      }
    });
  }

  // Where a block of output positions from j0 starts: its line (od, oh) and column ow.
  struct BlockStart {
    int64_t od, oh, ow;
  };
  BlockStart Start(int64_t j0) const {
    const int64_t line = j0 / w_.out[2];
    return {line / w_.out[1], line % w_.out[1], j0 % w_.out[2]};
  }
  // The group's cg_ input planes into `out`, each as the ext_ box the window reads, input
  // position p at p + pads begin, the zero point's byte `pad` around it; 64 bytes of slack at
  // the end for CopyLine's vector reads.
  void PadGroup(const uint8_t* xg, uint8_t pad, std::vector<uint8_t>* out) const {
    const int64_t ext_size = ext_[0] * ext_[1] * ext_[2];
    out->assign(static_cast<size_t>(cg_ * ext_size + 64), pad);
    const int64_t w = std::max<int64_t>(0, std::min(w_.in[2], ext_[2] - w_.pad[2]));
    Par(cg_, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, ext_size)), [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
        const uint8_t* xc = xg + c * w_.in_size();
        uint8_t* pc = out->data() + c * ext_size;
        for (int64_t d = 0; d < w_.in[0] && d + w_.pad[0] < ext_[0]; ++d) {
          for (int64_t h = 0; h < w_.in[1] && h + w_.pad[1] < ext_[1]; ++h) {
            if (w > 0)
              std::memcpy(pc + ((d + w_.pad[0]) * ext_[1] + h + w_.pad[1]) * ext_[2] + w_.pad[2],
                          xc + (d * w_.in[1] + h) * w_.in[2], static_cast<size_t>(w));
          }
        }
      }
    });
  }

  // PadGroup for the quad form (quant_patch.h): the group's quads of planes, each pixel a word
  // of four channels, `border` (the zero point's byte, flipped) around.
  void PadQuads(const uint8_t* xg, uint8_t border, uint8_t flip, std::vector<uint8_t>* out) const {
    const int64_t words = quads_.plane_words();
    out->assign(static_cast<size_t>(quads_.quads * words * 4 + 64), border);
    Par(quads_.quads, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, 4 * words)),
        [&](int64_t q0, int64_t q1) {
          for (int64_t q = q0; q < q1; ++q) QuadPlane(quads_, xg, q, flip, out->data() + q * words * 4);
        });
  }

  // dst[i] = src[i * sw], i in [0, n), 16 at a time: writes up to 15 bytes past dst + n and
  // reads up to 32 * sw bytes past src + n * sw (the slack of rows_buf and PadGroup).
  static void CopyLine(const uint8_t* src, int64_t n, int64_t sw, uint8_t* dst) {
#if defined(__SSE2__)
    if (sw == 1) {
      for (int64_t i = 0; i < n; i += 16)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
      return;
    }
    if (sw == 2) {
      const __m128i even = _mm_set1_epi16(0x00ff);
      for (int64_t i = 0; i < n; i += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i + 16));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                         _mm_packus_epi16(_mm_and_si128(a, even), _mm_and_si128(b, even)));
      }
      return;
    }
#endif
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i * sw];
  }

  // A patch row over output positions [j0, j0 + nc) (j0 at `at`): src is the channel's padded
  // plane at the tap's offset, so each output line is a strided copy of one padded line. No
  // bounds, no divisions (a late layer's rows are a few lines of a few bytes, thousands of rows).
  void PatchRow(const uint8_t* src, BlockStart at, int64_t nc, uint8_t* dst) const {
    const int64_t ow_n = w_.out[2], sw = w_.stride[2];
    int64_t od = at.od, oh = at.oh, ow_a = at.ow;
    for (int64_t j = 0; j < nc;) {
      const int64_t len = std::min(ow_n - ow_a, nc - j);
      const uint8_t* line = src + ((od * w_.stride[0]) * ext_[1] + oh * w_.stride[1]) * ext_[2] + ow_a * sw;
      CopyLine(line, len, sw, dst + j);
      j += len;
      ow_a = 0;
      if (++oh == w_.out[1]) oh = 0, ++od;
    }
  }

  QuantForm q_;
  QuantEpilogue epi_;
  std::vector<PackedInt8> packed_;    // per group
  std::vector<int64_t> taps_;         // int8_gemm: per tap, its offset in a padded plane
  int64_t ext_[3] = {1, 1, 1};        // int8_gemm: the padded plane (PadGroup)
  DepthwisePlan depthwise_;           // int8_depthwise: the shifts and masks
  std::vector<float> weights_;        // int8_depthwise: the weights as floats
  Int8DepthwisePlan int8_depthwise_;  // int8_depthwise in integers (integer_)
  QuadPatchPlan quads_;               // int8_gemm in quads of channels (quad_)
  bool integer_ = false, quad_ = false;
  bool residual_ = false, has_bias_ = false, plain_ = false;
  size_t residual_at_ = 0;  // the dequantized residual's offset in the workspace
};

}  // namespace

std::unique_ptr<Kernel> MakeQuantConvolution() { return std::make_unique<QuantConvKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
