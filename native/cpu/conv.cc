// Convolution (1 to 3 spatial dims, groups, dilations, asymmetric pads, bias, a residual
// input and a fused activation; NCHW only). Tactics:
//   gemm_1x1     1x1 kernel, stride 1, no padding: y_g = W_g x_g, one SGEMM per (n, group).
//   im2col_gemm  the general case: y_g = W_g P_g, P_g the patch matrix (the input patches of
//                every output position). With constant weights each GEMM tile writes its
//                block of P_g straight into its B panels (patch_pack.h; with unit strides
//                and "same" width by the depthwise plan's shifts and masks, a masked load
//                per 16 columns of a row, whatever the lines' width); otherwise (and for
//                the transposed product) blocks of P_g are unrolled into a column buffer
//                (workspace) first.
//   direct       few channels per group with few outputs per group or few taps (depthwise,
//                small first layers): each output line accumulates its taps directly, with
//                the epilogue applied before it is stored, in parallel over (n, output
//                channel); GEMM panels would be mostly padding there.
//   depthwise    one channel per group, strides 1 or 2, "same" width: blocks of 16 outputs of
//                a plane read each tap with one masked load from the unpadded input (with
//                stride 2 from its phases, split once per plane; depthwise.h), the activation
//                run over a chunk of planes at once. Stride-2 3x3 and 5x5 windows on AVX-512
//                read the input itself instead, deinterleaved in registers, Relu or Clip
//                applied as they are stored (depthwise_s2.cc).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "cpu/conv_base.h"
#include "cpu/conv_cut.h"
#include "cpu/conv_sparse.h"
#include "cpu/conv_lanes.h"
#include "cpu/depthwise.h"
#include "cpu/kernels.h"
#include "cpu/patch_pack.h"
#include "cpu/sgemm.h"
#include "cpu/tap_sum.h"
#include "cpu/tile_planes.h"

namespace hybridrt {
namespace cpu {

namespace {

// Multiply-adds of one group's product up to which groups run in parallel (by_groups_).
constexpr int64_t kGroupMacs = int64_t{1} << 22;

class ConvKernel : public GroupedWindowKernel {
 protected:
  std::vector<std::string> Tactics() const override { return {"im2col_gemm", "gemm_1x1", "direct", "depthwise"}; }

  bool Is1x1() const {
    for (int i = 0; i < 3; ++i) {
      if (w_.kernel[i] != 1 || w_.stride[i] != 1 || w_.pad[i] != 0) return false;
    }
    // Pads at the end can shrink the output below the input; then it is not a plain GEMM.
    for (int i = 0; i < 3; ++i) {
      if (w_.out[i] != w_.in[i]) return false;
    }
    return true;
  }

  bool IsDepthwise() const { return cg_ == 1 && mg_ == 1 && DepthwiseFits(w_); }

  std::string Choose() override {
    if (Is1x1()) return "gemm_1x1";
    // Depthwise planes of MobileNet-style blocks: `direct` copied each plane into a padded
    // buffer and called TapSum and the epilogue per line; on 8x8 and 4x4 planes that per-plane
    // work was most of the layer.
    if (IsDepthwise()) return "depthwise";
    // Direct where the GEMM would be degenerate: few channels per group and either few output
    // channels per group (depthwise: a GEMV per plane) or few taps (a K of 9 or 25). A 1-channel
    // convolution with many outputs and a long kernel (an STFT as a convolution: 257 outputs,
    // 512 taps, stride 160) is a proper GEMM; direct walked it with strided scalar loads, 25x
    // slower than onnxruntime.
    if (cg_ <= 2 && (mg_ < 8 || cg_ * w_.kernel_size() < 32)) return "direct";
    return "im2col_gemm";
  }

  void PrepareKernel() override {
    if (tactic() == "gemm_1x1" && !Is1x1()) {
      Bad(ErrorCode::kPlan, "plan: tactic 'gemm_1x1' does not fit this layer's geometry");
    }
    if (tactic() == "depthwise" && !IsDepthwise()) {
      Bad(ErrorCode::kPlan, "plan: tactic 'depthwise' does not fit this layer's geometry");
    }
    if (tactic() == "depthwise") {
      depthwise_ = MakeDepthwisePlan(w_);
      PlanDepthwiseRows(w_, &depthwise_);
    }
    // Strides 1 or 2 and "same" width: the tiles pack their patches by the flat plan's shifts
    // and masks (patch_pack.h PackPatchesFlat), with stride 2 from the input's phases.
    flat_ = tactic() == "im2col_gemm" && DepthwiseFits(w_);
    if (flat_) depthwise_ = MakeDepthwisePlan(w_);
    // An output at most two columns (or a quarter) narrower than the input's phases ('valid'
    // 3x3 and 3x3/2, Inception's stem) is computed as wide as them, the wide product in the
    // workspace, each finished tile's rows copied out (AVX-512 only: the wide columns exist in
    // the flat packer's form alone).
    Window wide = w_;
    if (w_.stride[2] >= 1 && w_.stride[2] <= 2) wide.out[2] = (w_.in[2] + w_.stride[2] - 1) / w_.stride[2];
    const int64_t waste = wide.out[2] - w_.out[2];
    narrow_ = tactic() == "im2col_gemm" && !flat_ && waste > 0 && waste <= std::max<int64_t>(2, w_.out[2] / 4) &&
              std::string(SgemmKernelName()) == "avx512" && FlatPatchesFit(kGemmNR512) && DepthwiseFits(wide);
    if (narrow_) {
      flat_ = true;
      depthwise_ = MakeDepthwisePlan(wide);
    }
    act_ = ReadActivation(params(), "activation.");
    // Constant weights are packed once, per group, for the GEMMs (packing them on every run
    // read and wrote them twice more: most of a late layer's time, where they outweigh the
    // activations).
    // Where the output has fewer positions than a micro-kernel tile has columns (a late layer:
    // 4 x 4 positions, 512 channels), the product is taken transposed, positions as rows and
    // channels as columns (the weights packed as B), so that the tiles are full, and each tile
    // of the result is transposed into place from the workspace as it is finished. So are 1x1
    // layers over fewer than two tiles' columns with 256 or more channels in and out, where the
    // second panel of positions is mostly padding and each tile of rows packed the positions
    // again: squeezenet1_1's classifier (512 -> 1000 over 7 x 7) 0.53-0.58 -> 0.43-0.46 ms,
    // 256 -> 512 over 7 x 7 0.15-0.17 -> 0.13-0.14 (one-layer chains, interleaved; the 3x3
    // layers of that size keep the lanes kernel, slower transposed).
    const float* wt = !cut_weights_.empty()
                          ? cut_weights_.data()
                          : static_cast<const float*>(constants_.size() > 1 ? constants_[1] : nullptr);
    // Dilated taps that mostly read padding: one product per tap where it reads (conv_sparse.h).
    sparse_ = tactic() == "im2col_gemm" ? MakeSparseTaps(w_, groups_, c_, m_, wt) : SparseTaps{};
    if (sparse_.on) return void(workspace_ = sparse_.workspace_floats * sizeof(float));
    const int64_t kg = cg_ * w_.kernel_size(), out_size = w_.out_size();
    packed_.clear();
    transposed_ = false;
    workspace_ = 0;
    if (wt && tactic() != "direct" && tactic() != "depthwise") {
      // At most 16 positions take the narrow product (sgemm.h NarrowFits), not the transposed one
      // (resnet's 4 x 4 layers; not where the shallow or the wide product may take the layer, nor
      // under 16 rows a group: regnet's groups of 8 would fill a third of each panel).
      const bool narrow_n = NarrowFits(out_size) && mg_ >= 16 && !narrow_ &&
                            !(tactic() == "gemm_1x1" && ShallowFits(kg, false, mg_)) &&
                            !(tactic() == "im2col_gemm" && groups_ == 1 && ShallowFits(kg, true));
      transposed_ = !narrow_n && ((out_size < kGemmNR512 && mg_ >= kGemmNR512) ||
                                  (tactic() == "gemm_1x1" && out_size < 64 && mg_ >= 256 && kg >= 256));
      for (int64_t g = 0; g < groups_; ++g) {
        const float* wg = wt + g * mg_ * kg;
        packed_.push_back(transposed_ ? PackedMatrix::B(kg, mg_, wg, 1, kg)
                                      : PackedMatrix::A(mg_, kg, 1.0f, wg, kg, 1, narrow_n ? kNarrowMR : 0));
      }
    }
    // The GEMM tiles pack the patches themselves where the weights are packed as A; else the
    // column buffer unrolls the patches of a block of output positions.
    if (tactic() == "im2col_gemm" && (packed_.empty() || transposed_)) SizeColumns(kg, out_size);
    if (transposed_) {
      if (tactic() == "im2col_gemm") {  // one block: the transposed product takes every position
        cols_ = out_size;
        workspace_ = static_cast<size_t>(kg * out_size) * sizeof(float);
      }
      transposed_at_ = (workspace_ + 63) / 64 * 64;
      workspace_ = transposed_at_ + static_cast<size_t>(out_size * mg_) * sizeof(float);
    }
    // Strided flat patches read the input's phases, split once per image into the workspace
    // (one pass over the input; the tiles' packing then reads 16 columns a load, as with unit
    // strides, instead of a strided load per line piece: a 1x1/2 downsample over 16x16 was
    // twice onnxruntime's time).
    phased_ = flat_ && !packed_.empty() && !transposed_ && depthwise_.sh * depthwise_.sw > 1;
    if (phased_) workspace_ = static_cast<size_t>(c_ * depthwise_.in_size) * sizeof(float);
    narrow_ = narrow_ && !packed_.empty() && !transposed_;
    // A shallow product (a 1x1 over few channels, read in place; the patches of a 3-channel stem;
    // not per group, where the strips of a group were too few to share; no activation but Relu,
    // Clip or HardSwish, see sgemm.h) runs by strips, each tile finished as it is stored
    // (SgemmShallow). HardSwish there: MobileNetV3's 16 -> 96 over 64 x 64 0.36-0.45 -> 0.10 ms
    // (the blocked product's pass per tile runs the formula's division 4 wide).
    shallow_ =
        !packed_.empty() && !transposed_ && !narrow_ &&
        (!act_.enabled || act_.op == UnaryOp::kRelu || act_.op == UnaryOp::kClip || act_.op == UnaryOp::kHardSwish) &&
        ((tactic() == "gemm_1x1" && ShallowFits(kg, false, mg_)) ||
         (tactic() == "im2col_gemm" && groups_ == 1 && ShallowFits(kg, true)));
    // Output channels in the lanes (conv_lanes.h), where its finish covers the activation: windows
    // of 3x3 and more over 64 or more rows (ResNet's 7x7/2 stem 0.30 -> 0.23-0.25 ms and its
    // 3x3/2 layers 10% faster, its 3x3/1 layers 4-7%; the 1x1/2 downsamples and the 'same' 3x3/2
    // stems over 3 channels slower: a padded copy of the whole input, a transposed store per few
    // sums). The narrow ('valid') stems over 3 channels take it too, rather than the wide product
    // copied out by line pieces: squeezenet1_1's 3 -> 64 over 128 x 128 0.20 -> 0.13 ms,
    // inception_v3's 3 -> 32 over 160 x 160 0.17 -> 0.12 (one-layer chains); so do the deeper
    // ones: inception_v3's 80 -> 192 over 38 x 38 1.49 -> 1.30 ms, 32 -> 32 over 79 x 79 0.60 ->
    // 0.41, 288 -> 384 3x3/2 over 17 x 17 0.82 -> 0.56 (conv-chain.ts, 2 threads).
    // A 1x1/s without pads (ResNet's downsamples): every s-th input row and column copied once per
    // image (patch_pack.h Subsample), then read in place as by gemm_1x1 (the phases and the flat
    // packer per tile: 256 -> 512 over 32 x 32 0.59-0.63 ms on one thread, 0.52 so). w_.pad holds
    // the leading pads only: trailing ones show as a larger output, which the sizes rule out.
    const auto subsampled = [&](int d) {
      return w_.pad[d] == 0 && w_.out[d] == (w_.in[d] + w_.stride[d] - 1) / w_.stride[d];
    };
    subsampled_ = phased_ && !shallow_ && !narrow_ && w_.kernel_size() == 1 && w_.in[0] == 1 && subsampled(1) &&
                  subsampled(2) && w_.dilation[1] == 1 && w_.dilation[2] == 1;
    phased_ = phased_ && !subsampled_;
    lanes_ = tactic() == "im2col_gemm" && wt && w_.kernel[1] * w_.kernel[2] >= 9 && (kg >= 64 || narrow_) &&
             LanesFits(w_, groups_, kg) && (!act_.enabled || act_.op == UnaryOp::kRelu || act_.op == UnaryOp::kClip);
    if (lanes_) {
      lanes_plan_ = MakeLanesPlan(w_, c_, m_, wt, threads_);
      workspace_ = lanes_plan_.workspace_floats * sizeof(float);
      return;
    }
    // Groups in parallel, each product on one thread, where each is small (resnext50's 32 groups of
    // 16 or 32 channels over 8 x 8 and 4 x 4: a parallel loop per group, 32 a layer, cost more than
    // the products). Not with a workspace shared by the groups (the column buffer, the wide or the
    // transposed product).
    by_groups_ = groups_ >= 4 && threads_ > 1 && !packed_.empty() && !transposed_ && !narrow_ && !lanes_ &&
                 mg_ * kg * out_size <= kGroupMacs;
    wide_at_ = (workspace_ + 63) / 64 * 64;
    if (narrow_) workspace_ = wide_at_ + static_cast<size_t>(mg_ * depthwise_.out_size) * sizeof(float);
  }

  void Analyze() override {
    const ConvolutionParams p = ReadConvolution(params());
    if (p.nhwc) {
      Bad(ErrorCode::kNative, "the cpu backend runs convolutions in NCHW only (layout 'nhwc' is a cuda build's)");
    }
    if (p.has_input_clip) {
      Bad(ErrorCode::kNative, "the cpu backend does not clip a convolution's input ('inputClip' is a cuda build's)");
    }
    residual_ = p.residual;
    has_bias_ = ConvHasBias(p, in_.size());
    AnalyzeGeometry();
    const float* wt = static_cast<const float*>(constants_.size() > 1 ? constants_[1] : nullptr);
    if (!CutPaddingTaps(w_, m_ * cg_, wt, &w_, &cut_weights_)) cut_weights_.clear();
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* wt = !cut_weights_.empty() ? cut_weights_.data() : static_cast<const float*>(args.inputs[1]);
    const float* bias = has_bias_ ? static_cast<const float*>(args.inputs[2]) : nullptr;
    const float* z = residual_ ? static_cast<const float*>(args.inputs.back()) : nullptr;
    float* y = static_cast<float*>(args.outputs[0]);
    const int64_t in_size = w_.in_size(), out_size = w_.out_size(), ks = w_.kernel_size();
    const int64_t kg = cg_ * ks;
    if (sparse_.on) {
      RunSparseTaps(sparse_, n_, x, y, static_cast<float*>(args.workspace), threads_);
      return Epilogue(bias, z, y);
    } else if (tactic() == "depthwise") {
      return Depthwise(x, wt, bias, z, y);
    } else if (tactic() == "direct") {
      return Direct(x, wt, bias, z, y);
    } else if (lanes_) {
      LanesFinish lf;
      lf.clamp = act_.enabled;
      const ClampBounds cb = ClampBoundsOf(act_);
      lf.lo = cb.lo;
      lf.hi = cb.hi;
      const auto par = [&](int64_t count, const std::function<void(int64_t, int64_t)>& fn) { Par(count, 1, fn); };
      for (int64_t n = 0; n < n_; ++n) {
        RunLanes(lanes_plan_, x + n * c_ * in_size, bias, z ? z + n * m_ * out_size : nullptr, y + n * m_ * out_size,
                 lf, static_cast<float*>(args.workspace), par);
      }
      return;
    } else {
      float* phases = phased_ ? static_cast<float*>(args.workspace) : nullptr;
      const DepthwisePlan& d = depthwise_;
      for (int64_t n = 0; n < n_; ++n) {
        float* sub = subsampled_ ? static_cast<float*>(args.workspace) : nullptr;
        if (subsampled_) {
          Par(c_, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, out_size)),
              [&](int64_t c0, int64_t c1) { Subsample(w_, x + n * c_ * in_size, c0, c1, sub); });
        }
        if (phased_) {
          Par(c_, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, in_size)), [&](int64_t c0, int64_t c1) {
            DepthwisePhases(d, x + (n * c_ + c0) * in_size, phases + c0 * d.in_size, c1 - c0);
          });
        }
        // One group's product on `threads` (the whole layer's, or one where groups run in parallel).
        const auto group = [&](int64_t g, int threads) {
          const float* xg = x + (n * c_ + g * cg_) * in_size;
          // Where the flat packer reads this group's channels, and their floats apart.
          const float* flat_x = phased_ ? phases + g * cg_ * d.in_size : xg;
          const int64_t flat_plane = phased_ ? d.in_size : in_size;
          const float* wg = wt + g * mg_ * kg;
          float* yg = y + (n * m_ + g * mg_) * out_size;
          // Bias, residual and activation on each tile of yg as it is finished (in cache).
          const float* bias_g = bias ? bias + g * mg_ : nullptr;
          const float* zg = z ? z + (yg - y) : nullptr;
          const TileEpilogue finish = [&](int64_t i0, int64_t j0, int64_t rows, int64_t cols) {
            for (int64_t r = i0; r < i0 + rows; ++r) {
              float* line = yg + r * out_size + j0;
              FinishLine(line, line, cols, bias_g ? bias_g + r : nullptr, zg ? zg + r * out_size + j0 : nullptr);
            }
          };
          // The shallow products' finish: bias, residual and a Relu or Clip in registers.
          ShallowFinish sf;
          sf.bias = bias_g;
          sf.z = zg;
          sf.ldz = out_size;
          sf.clamp = act_.enabled && act_.op != UnaryOp::kHardSwish;
          sf.hard_swish = act_.enabled && act_.op == UnaryOp::kHardSwish;
          const ClampBounds cb = ClampBoundsOf(act_);
          sf.lo = cb.lo;
          sf.hi = cb.hi;
          // y_g = W_g b, b (kg x nc) with row stride rs_b.
          auto gemm = [&](int64_t nc, const float* b, int64_t rs_b, float* yb) {
            if (transposed_) {
              // Each finished tile of t (positions i0.., channels j0..) is transposed into place
              // and finished there by the thread that computed it, while in its cache (one
              // serial transpose and a separate epilogue pass over the output were a third of
              // a 4 x 4 layer's time).
              float* t = reinterpret_cast<float*>(static_cast<char*>(args.workspace) + transposed_at_);
              const TileEpilogue put = [&](int64_t i0, int64_t j0, int64_t rows, int64_t cols) {
                TileToPlanes(t + i0 * mg_ + j0, mg_, rows, cols, yb + j0 * out_size + i0, out_size);
                for (int64_t m = j0; m < j0 + cols; ++m) {
                  float* line = yb + m * out_size + i0;
                  FinishLine(line, line, rows, bias_g ? bias_g + m : nullptr, zg ? zg + (line - yg) : nullptr);
                }
              };
              Sgemm(nc, 1.0f, b, 1, rs_b, packed_[g], 0.0f, t, mg_, threads, &put);
            } else if (packed_.empty()) {
              Sgemm(mg_, nc, kg, 1.0f, wg, kg, 1, b, rs_b, 1, 0.0f, yb, out_size, threads);
            } else {  // gemm_1x1 only: yb is yg
              Sgemm(packed_[g], nc, b, rs_b, 1, 0.0f, yb, out_size, threads, &finish);
            }
          };
          if (tactic() == "gemm_1x1" && shallow_) {
            SgemmShallow(packed_[g], out_size, xg, in_size, yg, out_size, sf, threads);
            return;
          }
          if (tactic() == "gemm_1x1") {
            gemm(out_size, xg, in_size, yg);
            return;
          }
          if (subsampled_) {
            gemm(out_size, sub + g * cg_ * out_size, out_size, yg);
            return;
          }
          if (!packed_.empty() && !transposed_) {
            const PanelPacker patches = [&](int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* out) {
              if (flat_ && FlatPatchesFit(nr)) return PackPatchesFlat(d, flat_x, flat_plane, p0, kc, j0, nc, nr, out);
              PackPatches(w_, xg, p0, kc, j0, nc, nr, out);
            };
            if (shallow_) {
              SgemmShallow(packed_[g], out_size, patches, yg, out_size, sf, threads);
              return;
            }
            if (!narrow_) {
              Sgemm(packed_[g], out_size, patches, 0.0f, yg, out_size, threads, &finish);
              return;
            }
            // The wide product (d.wp columns a line), each finished tile's line pieces copied
            // to yg (the columns past the output's width dropped) and finished there.
            float* wide = reinterpret_cast<float*>(static_cast<char*>(args.workspace) + wide_at_);
            const int64_t wide_size = d.out_size, wp = d.wp, ow_n = w_.out[2];
            const TileEpilogue narrow = [&](int64_t i0, int64_t j0, int64_t rows, int64_t cols) {
              for (int64_t oh = j0 / wp; oh * wp < j0 + cols; ++oh) {
                const int64_t a = std::max(j0, oh * wp), b = std::min(j0 + cols, oh * wp + ow_n);
                if (a >= b) continue;
                for (int64_t r = i0; r < i0 + rows; ++r) {
                  const int64_t at = r * out_size + oh * ow_n + (a - oh * wp);
                  FinishLine(wide + r * wide_size + a, yg + at, b - a, bias_g ? bias_g + r : nullptr,
                             zg ? zg + at : nullptr);
                }
              }
            };
            Sgemm(packed_[g], wide_size, patches, 0.0f, wide, wide_size, threads, &narrow);
            return;
          }
          float* col = static_cast<float*>(args.workspace);
          for (int64_t j0 = 0; j0 < out_size; j0 += cols_) {
            const int64_t nc = std::min(cols_, out_size - j0);
            Par(cg_ * ks, 4, [&](int64_t r0, int64_t r1) { Im2colRows(w_, xg, j0, nc, col, r0, r1); });
            gemm(nc, col, nc, yg + j0);
          }
        };
        if (by_groups_) {
          Par(groups_, 1, [&](int64_t g0, int64_t g1) {
            for (int64_t g = g0; g < g1; ++g) group(g, 1);
          });
        } else {
          for (int64_t g = 0; g < groups_; ++g) group(g, threads_);
        }
      }
    }
    // The packed GEMMs (transposed or not) finished their tiles themselves.
    if (packed_.empty()) Epilogue(bias, z, y);
  }

 private:
  // y[n, m] = sum over the group's channels and taps, one output plane per task: the task
  // copies each of its input channels once into a zero-padded plane (every tap then reads
  // inside it: no edge cases), and for each output line TapSum sums the taps with the sums in
  // registers; the bias, residual and activation are applied to the line before it is stored
  // (the epilogue pass of the GEMM tactics is not needed). Sums run over channels, then taps
  // in order, then + bias, + residual: the order of the GEMM tactics.
  void Direct(const float* x, const float* wt, const float* bias, const float* z, float* y) const {
    const int64_t in_size = w_.in_size(), out_size = w_.out_size(), ks = w_.kernel_size();
    // The padded extent of each spatial dim: every position some output reads.
    int64_t ext[3];
    for (int i = 0; i < 3; ++i) ext[i] = w_.Reach(i);
    const int64_t plane = ext[0] * ext[1] * ext[2], oh_n = w_.out[1], ow_n = w_.out[2];
    // Where each tap (channel, then kernel position) reads, from an output line's first input.
    std::vector<int64_t> tap_at(cg_ * ks);
    for (int64_t c = 0; c < cg_; ++c) {
      for (int64_t t = 0; t < ks; ++t) tap_at[c * ks + t] = c * plane + w_.TapOffset(t, ext);
    }
    // With unit strides along h and w, the lines of one output depth are one run of the padded
    // plane (positions past ow_n in each line are computed and dropped), so one TapSum covers
    // them all.
    const bool whole = w_.stride[1] == 1 && w_.stride[2] == 1;
    const int64_t run = whole ? (oh_n - 1) * ext[2] + ow_n : ow_n;
    Par(n_ * m_, 1, [&](int64_t p0, int64_t p1) {
      std::vector<float> acc(run), padded(cg_ * plane);
      std::vector<const float*> srcs(cg_ * ks);
      int64_t filled_n = -1, filled_g = -1;  // the (n, group) whose channels `padded` holds
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t n = p / m_, m = p % m_, g = m / mg_;
        if (n != filled_n || g != filled_g) {
          for (int64_t c = 0; c < cg_; ++c)
            PadPlane(w_, x + (n * c_ + g * cg_ + c) * in_size, ext, padded.data() + c * plane);
          filled_n = n;
          filled_g = g;
        }
        const float* weights = wt + m * cg_ * ks;  // this plane's taps, in tap_at's order
        for (int64_t od = 0; od < w_.out[0]; ++od) {
          for (int64_t oh = 0; oh < oh_n; oh += whole ? oh_n : 1) {
            const float* first = padded.data() + (od * w_.stride[0] * ext[1] + oh * w_.stride[1]) * ext[2];
            for (size_t i = 0; i < srcs.size(); ++i) srcs[i] = first + tap_at[i];
            TapSum(srcs.data(), weights, cg_ * ks, w_.stride[2], acc.data(), run);
            for (int64_t line = 0; line < (whole ? oh_n : 1); ++line) {
              float* sums = acc.data() + line * ext[2];
              const int64_t at = p * out_size + (od * oh_n + oh + line) * ow_n;
              FinishLine(sums, y + at, ow_n, bias ? bias + m : nullptr, z ? z + at : nullptr);
            }
          }
        }
      }
    });
  }

  // Planes (n, m) in chunks of at least kElementGrain tap products per task; each run of planes
  // of one image is summed (depthwise.h), then activated in one call while in cache. Strided
  // windows split the run's input planes into their phases first.
  void Depthwise(const float* x, const float* wt, const float* bias, const float* z, float* y) const {
    const DepthwisePlan& d = depthwise_;
    const int64_t out_size = d.out_size, ks = d.taps;
    // DepthwiseRows reads the input itself (stride 2 deinterleaved in registers).
    const bool phased = d.sh * d.sw > 1 && !d.rows;
    const int64_t grain = std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, out_size * ks));
    const int64_t run = LinesPerChunk(out_size);  // planes summed before activating
    // DepthwiseRows and aligned3 planes apply Relu and Clip as they store.
    const bool clamped = act_.enabled && (act_.op == UnaryOp::kRelu || act_.op == UnaryOp::kClip);
    const ClampBounds clamp = ClampBoundsOf(act_);
    Par(n_ * m_, grain, [&](int64_t p0, int64_t p1) {
      // Kept per thread across runs: allocated per run, the buffer (hundreds of KB on the
      // first stride-2 layers) came back from the system with fresh pages each time.
      thread_local std::vector<float> phases;
      if (phased) phases.resize(static_cast<size_t>(std::min(run, p1 - p0) * d.in_size));
      for (int64_t p = p0; p < p1;) {
        const int64_t m = p % m_, q = std::min(std::min(p1, p + run), p - m + m_);
        const float* xp = x + p * d.x_size;
        if (phased) {
          DepthwisePhases(d, xp, phases.data(), q - p);
          xp = phases.data();
        }
        float* yp = y + p * out_size;
        const float* bm = bias ? bias + m : nullptr;
        const float* zp = z ? z + p * out_size : nullptr;
        if (d.rows) {
          DepthwiseRows(d, xp, wt + m * ks, bm, zp, yp, q - p, clamped ? &clamp : nullptr);
        } else {
          DepthwisePlanes(d, xp, wt + m * ks, bm, zp, yp, q - p, clamped && d.aligned3 ? &clamp : nullptr);
        }
        if (act_.enabled && !((d.rows || d.aligned3) && clamped)) ApplyActivation(act_, yp, yp, (q - p) * out_size);
        p = q;
      }
    });
  }

  bool residual_ = false, has_bias_ = false;
  SparseTaps sparse_;                 // one product per tap, where it reads the input (conv_sparse.h)
  std::vector<float> cut_weights_;    // the weights of the taps kept (conv_cut.h), where some are dropped
  std::vector<PackedMatrix> packed_;  // per group, where the weights are constant
  bool transposed_ = false;           // positions as rows (packed_ holds the weights as B)
  size_t transposed_at_ = 0;          // workspace offset of the transposed product
  DepthwisePlan depthwise_;           // the depthwise tactic's shifts and masks, or the flat patches'
  bool flat_ = false;                 // im2col_gemm packs its patches by depthwise_ (PackPatchesFlat)
  bool shallow_ = false;              // gemm_1x1 or im2col_gemm as SgemmShallow (sgemm.h)
  bool phased_ = false;               // ... from the input's phases, split into the workspace
  bool by_groups_ = false;            // groups in parallel, one thread each
  bool subsampled_ = false;           // a 1x1/s: every s-th input row and column copied, then as gemm_1x1
  bool narrow_ = false;               // ... for an output as wide as the phases, at wide_at_
  size_t wide_at_ = 0;                // workspace offset of the wide product (narrow_)
  bool lanes_ = false;                // output channels in the lanes (conv_lanes.h), by lanes_plan_
  LanesPlan lanes_plan_;
};

}  // namespace

std::unique_ptr<Kernel> MakeConvolution() { return std::make_unique<ConvKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
