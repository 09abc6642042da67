// The int8 convolution on cuda (the builder's int8 form, layers/quant_form.h): an implicit
// GEMM on tensor cores, mma.sync m16n8k32 with int8 (or uint8) activations, int8 weights and
// int32 sums, its epilogue in the same kernel. The int8 matmul runs as the 1x1 convolution over
// one channels-last image of rows x 1 positions (quant_conv_geometry.h).
//
// GEMM view: rows are output positions (image, oy, ox), columns output channels, and k runs
// over the window: for channels-last tensors (layout 'nhwc', layout.h) k = (r * kw + s) * C + c,
// the order of the weights [M, kh, kw, C]; for NCHW k = (c * kh + r) * kw + s, the order of
// [M, C, kh, kw]. The weights are copied once, at build time, into rows of kp bytes (k padded
// with zeros to a multiple of 64), so every weight tile is whole 16-byte chunks.
//
// Where the output has too few tiles to fill the GPU (batch 1: resnet50's last layers are 8
// blocks of 64x64 for 132 SMs), k is split among 2 to 16 blocks per tile, whose int32 sums a
// second kernel adds before the epilogue (tactics "<tile>_split<n>", timed with the others).
//
// A block computes a BM x BN tile of the output through a 3- or 4-stage cp.async pipeline over
// k in steps of 64 or 128 bytes (the tile shapes, quant_conv_kernel.cuh's kTiles, are tactics):
// the activation tile is gathered from the window (im2col on the fly): where the input is
// channels-last with C a multiple of 16, a 16-byte chunk of k lies in one tap and is copied
// asynchronously, or written as the zero point where the tap lies in the padding (each thread
// moves its chunk's tap by additions from stage to stage); otherwise (NCHW, or C not a
// multiple of 16: a network's first layer) byte by byte. Shared rows' 16-byte chunks are
// XOR-swizzled so that the eight rows one ldmatrix reads fall in eight different bank groups.
// The epilogue stores two adjacent channels at once where the output is channels-last.
//
// cuBLASLt's int8 GEMM is a tactic of matmuls and of 1x1 convolutions that are GEMMs
// ("cublaslt_int8:<i>", quant_gemm_lt.h): its int32 sums, then SplitEpilogue as one share.
//
// cuDNN's int8 convolutions are tactics too ("cudnn_int8:<k>", the k-th configuration of the
// graph API's heuristics, cudnn_graph.h), timed beside the tiles where cuDNN can express the
// layer (CudnnRefusal): x int8 with zero point 0, channels-last, output channels a multiple of
// 4 (input channels padded to one: quant_conv_cudnn.h), z float or int8 with zero point 0, y
// float or int8, an activation the graph has (SetGraphActivation). A configuration is a
// candidate only where its output on a patterned input is within one output step of the
// fastest tile's (int8 y), or 1e-5 of the output's scale (float y).
//
// A depthwise convolution (groups == channels) takes one kernel of its own, `int8_depthwise`
// (quant_depthwise_kernel.cuh), with the same weights' rows and epilogue (HYBRIDRT_INT8_DEPTHWISE=0:
// the qdq pass leaves depthwise layers float, qdq_fusion.h).
//
// Epilogue, per sum (as cpu/quant_epilogue.h, with IEEE operations that are not contracted):
//   v = float(acc - zx * sum_k w) * (sx * sw[c]) + bias[c] + z, act(v), where an int8 residual
//   is z = float(r - zr) * sr (the dequantize it was folded from),
//   y = v (float32), or QuantizeRounded(v / sy, zy) (int8/uint8).
// Padding reads the zero point, so its products cancel in the correction as the cpu's do.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>

#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "cuda/quant_conv_cudnn.h"
#include "cuda/quant_conv_geometry.h"
#include "cuda/quant_conv_kernel.cuh"
#include "cuda/quant_depthwise_kernel.cuh"
#include "cuda/quant_gemm_lt.h"
#include "cuda/tactic_timer.h"
#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/matmul.h"
#include "layers/quant_form.h"

namespace hybridrt {
namespace cuda {

namespace {

using namespace qconv;

class QuantConv : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  std::vector<std::string> Tactics() const override {
    if (depthwise_) return {kDepthwiseTactic};
    std::vector<std::string> t;
    for (const TileShape& s : kTiles) {
      for (int n : kSplits) t.push_back(TacticName(s, n));
    }
    if (CudnnRefusal().empty()) {
      for (int k = 0; k < ConvGraph::kMaxConfigs; ++k) t.push_back(Cat(Int8CudnnTactics::kPrefix, k));
    }
    if (LtRefusal().empty()) {
      for (int i = 0; i < Int8LtGemm::kCandidates; ++i) t.push_back(Cat(Int8LtGemm::kPrefix, i));
    }
    return t;
  }

  // A plan's cuDNN tactic names a configuration that must exist here (another cuDNN, another
  // shape of a dynamic engine): else an Error(kPlan), after which a ranged engine takes Untimed().
  std::string Accept(const std::string& requested) override {
    const std::string t = CudaKernel::Accept(requested);
    const int k = Int8CudnnTactics::Config(t);
    if (k >= 0 && !MakeCudnnPlan(k)) {
      Bad(ErrorCode::kPlan, Cat("cuDNN offers no int8 configuration ", k, " for this layer on this device"));
    }
    const int i = Int8LtGemm::Candidate(t);
    if (i >= 0 && !PlanLt(i)) Bad(ErrorCode::kPlan, Cat("cuBLASLt: ", lt_.error(), " for this layer on this device"));
    return t;
  }

  void Analyze() override {
    const Params& p = params();
    const bool matmul = layer_->kind == LayerKind::kMatmul;
    std::string why;
    if (matmul) {
      const MatmulParams mp = ReadMatmul(p);
      residual_ = mp.residual;
      trans_b_ = mp.trans_b;
      why = Int8MatmulGeometry(mp, in_[0].shape, in_[1].shape, in_[0].numel, &g_);
    } else {
      const ConvolutionParams cp = ReadConvolution(p);
      residual_ = cp.residual;
      why = Int8ConvolutionGeometry(cp, in_[0].shape, in_[1].shape, out_[0].shape, &g_, &depthwise_);
    }
    if (!why.empty()) Bad(ErrorCode::kNative, why);
    const int64_t k = static_cast<int64_t>(depthwise_ ? 1 : g_.c) * g_.kh * g_.kw;
    if (!Int8ProductsFit(k)) {
      Bad(ErrorCode::kNative, Cat("an int8 ", matmul ? "matmul" : "convolution", " sums 1 to ", kMaxInt8Products,
                                  " products per output; this one ", k));
    }
    g_.k = static_cast<int>(k);
    g_.kp = static_cast<int>((k + kKPad - 1) / kKPad * kKPad);
    g_.rows = (matmul ? 1 : out_[0].shape[0]) * static_cast<int64_t>(g_.oh) * g_.ow;
    g_.vec = g_.nhwc && g_.c % 16 == 0;
    if (in_[0].numel >= kInt32LoopLimit * 64 || out_[0].numel >= kInt32LoopLimit * 64) {
      Bad(ErrorCode::kNative, "int8: tensors beyond 2^37 elements");
    }
    q_ = ReadQuantForm(p);
    unsigned_ = in_[0].dtype == DType::kUInt8;
    g_.zero4 = static_cast<uint32_t>(static_cast<uint8_t>(q_.input_zero)) * 0x01010101u;
    has_bias_ = in_.size() == (residual_ ? 4u : 3u);
    act_ = MakeAct(ReadActivation(p, "activation."));
    const DType out = out_[0].dtype;
    out_code_ = out == DType::kFloat32 ? 0 : out == DType::kInt8 ? 1 : out == DType::kUInt8 ? 2 : -1;
    if (out_code_ < 0) Bad(ErrorCode::kNative, "int8: the output is float32, int8 or uint8");
    UploadTables();
    pad_ = Int8CudnnPadding(g_, in_[0].numel);
  }

  // Time every tile shape, and the splits of k that could help it, on scratch buffers of the
  // real shapes.
  std::string Choose() override {
    if (depthwise_) return kDepthwiseTactic;  // its one kernel: nothing to time
    for (const std::string& t : Tactics()) {
      if (t == switches_.conv_tactic) return t;  // HYBRIDRT_CONV_TACTIC
    }
    cudaStream_t s = backend_->build_stream();
    int most = 1;
    for (const TileShape& t : kTiles) {
      for (int n : kSplits) {
        if (SplitWorth(t, n)) most = std::max(most, n);
      }
    }
    void *x = nullptr, *y = nullptr, *z = nullptr, *bias = nullptr, *partial = nullptr;
    std::string best = kTiles[0].tactic;
    float best_ms = INFINITY;
    std::string log;
    try {
      Check(cudaMalloc(&x, in_[0].bytes + 256), "cudaMalloc (tactic timing)");
      Check(cudaMalloc(&y, out_[0].bytes + 256), "cudaMalloc (tactic timing)");
      Check(cudaMemsetAsync(x, 0, in_[0].bytes, s), "cudaMemset (tactic timing)");
      if (residual_) {
        Check(cudaMalloc(&z, out_[0].numel * 4 + 256), "cudaMalloc (tactic timing)");
        Check(cudaMemsetAsync(z, 0, out_[0].numel * 4, s), "cudaMemset (tactic timing)");
      }
      if (has_bias_) {
        Check(cudaMalloc(&bias, g_.m * 4 + 256), "cudaMalloc (tactic timing)");
        Check(cudaMemsetAsync(bias, 0, g_.m * 4, s), "cudaMemset (tactic timing)");
      }
      if (most > 1) Check(cudaMalloc(&partial, SplitBytes(most, g_)), "cudaMalloc (tactic timing)");
      TacticTimer timer(s);
      const QConvEpilogue e = Epilogue(static_cast<const float*>(bias), z);
      for (int t = 0; t < static_cast<int>(std::size(kTiles)); ++t) {
        Check(AllowTile(t), "cudaFuncSetAttribute (int8 convolution shared memory)");
        for (int n : kSplits) {
          if (!SplitWorth(kTiles[t], n)) continue;
          const float ms = timer.Time(
              [&] { return LaunchQuantConv(t, n, unsigned_, x, weights_.get(), y, partial, g_, e, s) == cudaSuccess; });
          const std::string name = TacticName(kTiles[t], n);
          if (switches_.log) log += Cat("  ", name, ": ", ms, " ms\n");
          if (ms < best_ms) {
            best_ms = ms;
            best = name;
          }
        }
      }
      if (switches_.int8_cudnn && switches_.cudnn_graph)
        ChooseCudnn(timer, x, y, bias, z, partial, &best, &best_ms, &log);
      if (switches_.int8_cublaslt) ChooseLt(timer, x, y, bias, z, partial, &best, &best_ms, &log);
    } catch (...) {
      for (void* p : {x, y, z, bias, partial}) cudaFree(p);
      throw;
    }
    for (void* p : {x, y, z, bias, partial}) cudaFree(p);
    if (switches_.log) std::fprintf(stderr, "hybridrt: tactics of %s:\n%s", layer_->name.c_str(), log.c_str());
    if (!std::isfinite(best_ms)) Bad(ErrorCode::kNative, "no int8 tile shape could run");
    tactic_ms_ = best_ms;
    return best;
  }
  // At another shape of a dynamic engine: the widest tile (nothing is timed there).
  std::string Untimed() override { return depthwise_ ? kDepthwiseTactic : kTiles[0].tactic; }

  void PrepareKernel() override {
    if (depthwise_) return;
    const int k = Int8CudnnTactics::Config(tactic());
    if (k >= 0) {
      if (!MakeCudnnPlan(k)) Bad(ErrorCode::kPlan, Cat("cuDNN offers no int8 configuration ", k, " for this layer"));
      return;
    }
    cudnn_.Reset();
    tile_ = 0;
    splits_ = 1;
    const int li = Int8LtGemm::Candidate(tactic());
    if (li >= 0) {  // tile 0 unsplit stays for an input view at an offset cuBLASLt does not take
      if (!PlanLt(li)) Bad(ErrorCode::kPlan, Cat("cuBLASLt: ", lt_.error(), " for this layer"));
      Check(AllowTile(0), "cudaFuncSetAttribute (int8 convolution shared memory)");
      return;
    }
    lt_.Reset();
    TileOf(tactic(), &tile_, &splits_);
    // Another shape of a dynamic engine keeps the build's tactic: where its split no longer
    // helps (a larger batch fills the SMs), the tile runs unsplit there, so the sums' workspace
    // does not grow with the batch. A split forced by HYBRIDRT_CONV_TACTIC is kept.
    if (splits_ > 1 && tactic() != switches_.conv_tactic && !SplitWorth(kTiles[tile_], splits_)) splits_ = 1;
    Check(AllowTile(tile_), "cudaFuncSetAttribute (int8 convolution shared memory)");
  }
  size_t WorkspaceBytes() const override {
    if (lt_.selected() >= 0) return LtSumsBytes() + lt_.workspace();
    return cudnn_.config() >= 0 ? PadAt() + pad_.bytes : SplitBytes(splits_, g_);
  }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const float* bias = has_bias_ ? static_cast<const float*>(args.inputs[2]) : nullptr;
    const void* z = residual_ ? args.inputs.back() : nullptr;
    if (cudnn_.config() >= 0) {
      const void* x = PaddedInput(args.inputs[0], args.workspace, S(stream));
      const cudnnStatus_t st = cudnn_.Execute(static_cast<CudaStream&>(stream).cudnn(),
                                              CudnnData(x, args.outputs[0], bias, z), args.workspace);
      if (st != CUDNN_STATUS_SUCCESS) Bad(ErrorCode::kNative, Cat("cuDNN int8 convolution: ", cudnnGetErrorString(st)));
      return;
    }
    if (lt_.selected() >= 0 && (reinterpret_cast<uintptr_t>(args.inputs[0]) & 15) == 0) {
      auto* sums = static_cast<int32_t*>(args.workspace);
      if (!lt_.Run(static_cast<CudaStream&>(stream).cublaslt(), args.inputs[0], weights_.get(), sums,
                   static_cast<uint8_t*>(args.workspace) + LtSumsBytes(), S(stream))) {
        Bad(ErrorCode::kNative, "cuBLASLt's int8 GEMM failed");
      }
      Check(LaunchSplitEpilogue(sums, 1, args.outputs[0], g_, Epilogue(bias, z), S(stream)), "int8 epilogue launch");
      return;
    }
    if (depthwise_) {
      Check(LaunchQuantDepthwise(unsigned_, args.inputs[0], weights_.get(), args.outputs[0], g_, Epilogue(bias, z),
                                 S(stream)),
            "int8 depthwise convolution launch");
      return;
    }
    QConvGeometry g = g_;
    g.vec = g.vec && (reinterpret_cast<uintptr_t>(args.inputs[0]) & 15) == 0;  // an input view at an odd offset
    Check(LaunchQuantConv(tile_, splits_, unsigned_, args.inputs[0], weights_.get(), args.outputs[0], args.workspace, g,
                          Epilogue(bias, z), S(stream)),
          "int8 convolution launch");
  }

 private:
  // A split of k helps where the tile's blocks leave SMs idle and each share keeps 4+ k steps.
  bool SplitWorth(const TileShape& t, int n) const {
    const int sms = std::max(1, backend_->properties().multiProcessorCount);
    return n == 1 || (TileBlocks(t, g_) * (n / 2) < sms && (g_.kp + t.bk - 1) / t.bk >= 4 * n);
  }
  static std::string TacticName(const TileShape& t, int splits) {
    return splits == 1 ? std::string(t.tactic) : Cat(t.tactic, "_split", splits);
  }
  // The tile and split a tactic names (false, both kept, for another tactic).
  static bool TileOf(const std::string& tactic, int* tile, int* splits) {
    for (int t = 0; t < static_cast<int>(std::size(kTiles)); ++t) {
      for (int n : kSplits) {
        if (tactic == TacticName(kTiles[t], n)) return *tile = t, *splits = n, true;
      }
    }
    return false;
  }
  int ZType() const { return !q_.residual_quantized ? 0 : in_.back().dtype == DType::kInt8 ? 1 : 2; }
  QConvEpilogue Epilogue(const float* bias, const void* z) const {
    QConvEpilogue e;
    e.corr = static_cast<const int32_t*>(tables_.get());
    e.scale = reinterpret_cast<const float*>(e.corr + g_.m);
    e.bias = bias;
    e.z = z;
    e.z_type = ZType();
    e.z_scale = q_.residual_scale;
    e.z_zero = q_.residual_zero;
    e.act = act_;
    e.out = out_code_;
    e.out_scale = q_.output_scale;
    e.out_zero = q_.output_zero;
    e.lo = out_code_ == 1 ? -128 : 0;
    e.hi = out_code_ == 1 ? 127 : 255;
    return e;
  }

  // The weights as rows of kp bytes, and the per-channel correction and scale.
  void UploadTables() {
    const int8_t* wt = static_cast<const int8_t*>(constants_.size() > 1 ? constants_[1] : nullptr);
    if (!wt) Bad(ErrorCode::kNative, "an int8 convolution needs constant weights");
    std::vector<int8_t> padded;
    std::vector<uint8_t> tables;
    Int8GemmTables(wt, trans_b_, g_, q_, &padded, &tables);
    weights_ = Upload(padded.data(), padded.size());
    tables_ = Upload(tables.data(), tables.size());
  }

  // ---- cuDNN's int8 convolution (the file comment).
  // Why cuDNN cannot express this layer (the tactic log's words), "" where it can: then its
  // configurations are tactics a plan may name (whatever the switches say now), and the build
  // times them where the switches ask (HYBRIDRT_INT8_CUDNN, HYBRIDRT_CUDNN_GRAPH).
  std::string CudnnRefusal() const {
    return Int8CudnnRefusal(g_, q_, unsigned_, residual_ ? ZType() : 0, out_code_, act_);
  }
  ConvGraphSpec CudnnSpec() const { return Int8CudnnSpec(g_, q_, has_bias_, residual_, out_code_, act_); }
  // The graph (made once), configuration k's plan, the dense [M, kh, kw, C] weights and the
  // scalars; false where cuDNN refuses the graph or the configuration.
  bool MakeCudnnPlan(int k) {
    if (!cudnn_.Plan(backend_->build_cudnn(), CudnnSpec(), k)) return false;
    if (!dense_) {
      const int8_t* wt = static_cast<const int8_t*>(constants_[1]);
      const std::vector<int8_t> dense = Int8CudnnWeights(g_, [&](int o, int i) {
        return trans_b_ ? wt[static_cast<int64_t>(o) * g_.k + i] : wt[static_cast<int64_t>(i) * g_.m + o];
      });
      dense_ = Upload(dense.data(), dense.size());
      const float scalars[12] = {
          q_.residual_scale, 0, 0, 0, q_.output_scale, 0, 0, 0, static_cast<float>(q_.output_zero)};
      scalars_ = Upload(scalars, sizeof(scalars));
    }
    return true;
  }
  // Where the padded input lies in the workspace (after cuDNN's own, 256-byte aligned), and x
  // itself or its padded copy (queued on s) for cuDNN.
  size_t PadAt() const { return (cudnn_.workspace() + 255) / 256 * 256; }
  const void* PaddedInput(const void* x, void* workspace, cudaStream_t s) const {
    if (!pad_.bytes) return x;
    void* xp = static_cast<uint8_t*>(workspace) + PadAt();
    Check(pad_.Copy(x, xp, s), "int8 convolution: padding channels for cuDNN");
    return xp;
  }
  ConvGraphData CudnnData(const void* x, void* y, const float* bias, const void* z) const {
    const float* scale = reinterpret_cast<const float*>(static_cast<const int32_t*>(tables_.get()) + g_.m);
    return ConvGraphData{x, dense_.get(), y, bias, z, scale, scalars_.get()};
  }
  // Times cuDNN's first configurations (where it can express the layer) against the best tile
  // so far (best, best_ms), each checked first against that tile's output on a patterned input.
  void ChooseCudnn(TacticTimer& timer, void* x, void* y, const void* bias, const void* z, void* partial,
                   std::string* best, float* best_ms, std::string* log) {
    if (const std::string why = CudnnRefusal(); !why.empty()) {
      if (switches_.log) *log += Cat("  ", Int8CudnnTactics::kPrefix, " not tried: ", why, "\n");
      return;
    }
    cudaStream_t s = backend_->build_stream();
    const size_t out_bytes = out_[0].bytes;
    const std::vector<uint8_t> want = TileReference(x, y, bias, z, partial, *best);
    std::vector<uint8_t> got(out_bytes);
    int chosen = -1;
    for (int k = 0; k < Int8CudnnTactics::kTries; ++k) {
      if (!MakeCudnnPlan(k)) {
        if (switches_.log) *log += Cat("  ", Int8CudnnTactics::kPrefix, k, ": no plan (", cudnn_.error(), ")\n");
        continue;
      }
      void* ws = nullptr;
      const size_t ws_bytes = PadAt() + pad_.bytes;
      if (ws_bytes && cudaMalloc(&ws, ws_bytes) != cudaSuccess) {
        cudaGetLastError();
        continue;
      }
      cudnnHandle_t h = backend_->build_cudnn();
      // The padded copy of x (where c is not a multiple of 4) is part of the tactic: timed with it.
      auto run = [&] {
        const ConvGraphData d = CudnnData(PaddedInput(x, ws, s), y, static_cast<const float*>(bias), z);
        return cudnn_.Execute(h, d, ws) == CUDNN_STATUS_SUCCESS;
      };
      bool ok = run() && cudaMemcpyAsync(got.data(), y, out_bytes, cudaMemcpyDeviceToHost, s) == cudaSuccess &&
                cudaStreamSynchronize(s) == cudaSuccess && Int8CudnnTactics::Matches(out_code_ == 1, want, got);
      const float ms = ok ? timer.Time(run) : INFINITY;
      cudaFree(ws);
      cudaGetLastError();
      if (switches_.log)
        *log += Cat("  ", Int8CudnnTactics::kPrefix, k, ": ", ok ? Cat(ms, " ms") : std::string("refused or mismatch"),
                    "\n");
      if (ok && ms < *best_ms) {
        *best_ms = ms;
        *best = Cat(Int8CudnnTactics::kPrefix, k);
        chosen = k;
      }
    }
    if (chosen < 0 || !MakeCudnnPlan(chosen)) {
      cudnn_.Reset();
    } else {
      cudnn_.KeepCurrent();
    }
  }
  // The tactic check's reference: the best tile so far (tile 0 where `best` is no tile) on
  // patterned x, bias and z (quant_conv_cudnn.h), its output read back.
  std::vector<uint8_t> TileReference(void* x, void* y, const void* bias, const void* z, void* partial,
                                     const std::string& best) {
    cudaStream_t s = backend_->build_stream();
    const std::vector<int8_t> pattern = Int8CudnnTactics::Pattern(std::max<size_t>(in_[0].bytes, out_[0].numel * 4));
    Check(cudaMemcpyAsync(x, pattern.data(), in_[0].bytes, cudaMemcpyHostToDevice, s), "cudaMemcpy (tactic check)");
    const std::vector<float> floats =
        Int8CudnnTactics::FloatPattern(std::max<size_t>(g_.m, residual_ ? out_[0].numel : 0), q_.output_scale);
    if (bias)
      Check(cudaMemcpyAsync(const_cast<void*>(bias), floats.data(), g_.m * 4, cudaMemcpyHostToDevice, s),
            "cudaMemcpy (tactic check)");
    if (z) {
      const bool z8 = q_.residual_quantized;
      Check(cudaMemcpyAsync(const_cast<void*>(z), z8 ? static_cast<const void*>(pattern.data()) : floats.data(),
                            out_[0].numel * (z8 ? 1 : 4), cudaMemcpyHostToDevice, s),
            "cudaMemcpy (tactic check)");
    }
    int tile = 0, splits = 1;
    TileOf(best, &tile, &splits);
    const QConvEpilogue e = Epilogue(static_cast<const float*>(bias), z);
    const size_t out_bytes = out_[0].bytes;
    std::vector<uint8_t> want(out_bytes);
    Check(LaunchQuantConv(tile, splits, unsigned_, x, weights_.get(), y, partial, g_, e, s),
          "int8 convolution (tactic check)");
    Check(cudaMemcpyAsync(want.data(), y, out_bytes, cudaMemcpyDeviceToHost, s), "cudaMemcpy (tactic check)");
    Check(cudaStreamSynchronize(s), "cudaStreamSynchronize (tactic check)");
    return want;
  }

  // ---- cuBLASLt's int8 GEMM (the file comment).
  // Why cuBLASLt cannot take this layer, "" where it can.
  std::string LtRefusal() const {
    const bool gemm = !depthwise_ && g_.nhwc && g_.kh == 1 && g_.kw == 1 && g_.sh == 1 && g_.sw == 1 && g_.ph == 0 &&
                      g_.pw == 0 && g_.oh == g_.h && g_.ow == g_.w;
    if (!gemm) return "not a GEMM (a matmul, or a channels-last 1x1 convolution of stride 1 without padding)";
    return Int8LtGemm::Refusal(g_.rows, g_.m, g_.k, unsigned_);
  }
  bool PlanLt(int i) { return lt_.Plan(backend_->build_cublaslt(), g_.rows, g_.m, g_.k, g_.kp, i); }
  size_t LtSumsBytes() const { return (static_cast<size_t>(g_.rows) * g_.m * 4 + 255) / 256 * 256; }
  // Times cuBLASLt's candidates against the best so far, each first checked to give the tiles'
  // output bit for bit (the same sums, the same epilogue).
  void ChooseLt(TacticTimer& timer, void* x, void* y, const void* bias, const void* z, void* partial, std::string* best,
                float* best_ms, std::string* log) {
    if (const std::string why = LtRefusal(); !why.empty()) {
      if (switches_.log) *log += Cat("  ", Int8LtGemm::kPrefix, " not tried: ", why, "\n");
      return;
    }
    cudaStream_t s = backend_->build_stream();
    const std::vector<uint8_t> want = TileReference(x, y, bias, z, partial, *best);
    std::vector<uint8_t> got(want.size());
    const QConvEpilogue e = Epilogue(static_cast<const float*>(bias), z);
    cublasLtHandle_t h = backend_->build_cublaslt();
    const auto time = [&]() -> float {  // the selected candidate, checked, then timed
      void* ws = nullptr;
      if (cudaMalloc(&ws, LtSumsBytes() + lt_.workspace()) != cudaSuccess) return cudaGetLastError(), INFINITY;
      auto* sums = static_cast<int32_t*>(ws);
      auto run = [&] {
        return lt_.Run(h, x, weights_.get(), sums, static_cast<uint8_t*>(ws) + LtSumsBytes(), s) &&
               LaunchSplitEpilogue(sums, 1, y, g_, e, s) == cudaSuccess;
      };
      const bool ok = run() && cudaMemcpyAsync(got.data(), y, got.size(), cudaMemcpyDeviceToHost, s) == cudaSuccess &&
                      cudaStreamSynchronize(s) == cudaSuccess && got == want;
      const float ms = ok ? timer.Time(run) : INFINITY;
      cudaFree(ws);
      cudaGetLastError();
      return ms;
    };
    const int i = lt_.ChooseFastest(h, g_.rows, g_.m, g_.k, g_.kp, time, best_ms, switches_.log ? log : nullptr);
    if (i >= 0) *best = Cat(Int8LtGemm::kPrefix, i);
  }
  Int8LtGemm lt_;
  Int8CudnnTactics cudnn_;
  Int8CudnnPadding pad_;
  std::shared_ptr<void> dense_, scalars_;

  QConvGeometry g_{};
  QuantForm q_;
  Act act_;
  static constexpr const char* kDepthwiseTactic = "int8_depthwise";  // quant_depthwise_kernel.cuh
  bool unsigned_ = false, residual_ = false, has_bias_ = false;
  bool depthwise_ = false;  // groups == channels (Int8ConvolutionGeometry)
  bool trans_b_ = true;     // the weights' rows are the output channels (a convolution's always are)
  int out_code_ = 0;
  int tile_ = 0, splits_ = 1;
  std::shared_ptr<void> weights_, tables_;
};

}  // namespace

std::unique_ptr<Kernel> MakeQuantConvolution(CudaBackend* b) { return std::make_unique<QuantConv>(b); }

}  // namespace cuda
}  // namespace hybridrt
