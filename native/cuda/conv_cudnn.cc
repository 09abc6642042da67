// Convolution (cuDNN forward) and deconvolution (cuDNN backward data), 1 to 3 spatial dims
// (1-d as 2-d with a unit dim), groups, dilations, fp32/fp16/bf16 data with fp32 compute.
//
// Tactics: the cuDNN algorithm, chosen at build time by timing every candidate on the real
// shapes (cudnnFind*AlgorithmEx) with the workspace bounded by kMaxWorkspace, recorded in the
// plan as "cudnn:<algorithm>:<math>". fp32 runs with CUDNN_FMA_MATH, so TF32 never rounds its
// operands (fp32 results match onnxruntime within 1e-4); FFT algorithms and the
// non-deterministic backward-data ALGO_0 are not candidates for fp32.
//
// What cuDNN cannot express is done around it: asymmetric padding by a padded copy of x in
// the workspace (then no padding for cuDNN); a deconvolution with asymmetric pads runs
// unpadded into the workspace and is cropped (or extended, for outputPadding) into y.
//
// Builder forms (fusion.h, layout.h): a residual input z and a fused activation,
// y = act(conv(x) + bias + z), and channels-last tensors (layout 'nhwc': x, z, y [N,H,W,C],
// weights [M,kh,kw,C/g], which cuDNN takes through NHWC strides and filter format). Two ways
// to run the epilogue are timed against each other at build time where both apply:
//   "cudnn:<algorithm>:<math>"      the convolution, then one epilogue kernel over y
//                                   (bias, residual and any activation);
//   "cudnn_cba:<algorithm>:<math>"  one cudnnConvolutionBiasActivationForward call (bias,
//                                   residual as alpha2 z, relu or no activation);
//   "cudnn_graph:<k>"               the graph API's k-th configuration (cudnn_graph.h), then
//                                   the epilogue kernel (2-d convolutions);
//   "cudnn_graph_fused:<k>"         the graph with the epilogue as pointwise operations, which
//                                   cuDNN compiles into one kernel;
//   "depthwise_nhwc"                our own kernel for channels-last fp16/bf16 depthwise
//                                   convolutions (depthwise.cu), epilogue included.
#include <cudnn.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>

#include "src/ir/activation.h"
#include "cuda/cudnn_graph.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "cuda/tactic_timer.h"
#include "src/builder/memory_planner.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr size_t kMaxWorkspace = size_t{256} << 20;

const char* kFwdNames[] = {"implicit_gemm", "implicit_precomp_gemm", "gemm", "direct", "fft", "fft_tiling",
                           "winograd",      "winograd_nonfused"};
const char* kBwdNames[] = {"algo0", "algo1", "fft", "fft_tiling", "winograd", "winograd_nonfused"};
const char* kMathNames[] = {"default", "tensor_op", "tensor_op_conversion", "fma"};

cudnnDataType_t CudnnType(DType t) {
  switch (t) {
    case DType::kFloat16: return CUDNN_DATA_HALF;
    case DType::kBFloat16: return CUDNN_DATA_BFLOAT16;
    default: return CUDNN_DATA_FLOAT;
  }
}

std::vector<int> Packed(const std::vector<int>& dims) {
  std::vector<int> st(dims.size(), 1);
  for (int d = static_cast<int>(dims.size()) - 2; d >= 0; --d) st[d] = st[d + 1] * dims[d + 1];
  return st;
}

Shape FromNhwc(const Shape& s) { return {s[0], s[3], s[1], s[2]}; }

// How many of the fastest algorithms are also timed as one fused cuDNN call.
constexpr int kFusedCandidates = 3;

class ConvKernel : public CudaKernel {
 public:
  ConvKernel(CudaBackend* b, bool deconv) : CudaKernel(b), deconv_(deconv) {}
  ~ConvKernel() override {
    if (x_desc_) cudnnDestroyTensorDescriptor(x_desc_);
    if (y_desc_) cudnnDestroyTensorDescriptor(y_desc_);
    if (bias_desc_) cudnnDestroyTensorDescriptor(bias_desc_);
    if (act_desc_) cudnnDestroyActivationDescriptor(act_desc_);
    if (w_desc_) cudnnDestroyFilterDescriptor(w_desc_);
    if (conv_) cudnnDestroyConvolutionDescriptor(conv_);
  }

  size_t WorkspaceBytes() const override { return algo_workspace_ + extra_bytes_; }

 protected:
  void CheckDnn(cudnnStatus_t s, const char* what) const {
    if (s != CUDNN_STATUS_SUCCESS) Bad(ErrorCode::kNative, Cat(what, ": ", cudnnGetErrorString(s)));
  }

  int Int(int64_t v, const char* what) const {
    if (v > INT_MAX) Bad(ErrorCode::kNative, Cat(what, " ", v, " is beyond cuDNN's 32-bit dims"));
    return static_cast<int>(v);
  }

  // Descriptors for the shapes at hand (x: the conv input or deconv input, y: its output;
  // cuDNN sees, for a deconvolution, the forward convolution from its output to its input).
  void Analyze() override {
    dtype_ = in_[0].dtype;
    nhwc_ = !deconv_ && params().Has("layout") && params().String("layout") == "nhwc";
    residual_ = !deconv_ && params().Has("residual") && params().Bool("residual");
    has_bias_ = in_.size() == (residual_ ? 4u : 3u);
    act_ = MakeAct(ReadActivation(params(), "activation."));
    // The rest works on NCHW (logical) shapes; channels-last only changes the strides.
    const Shape x = nhwc_ ? FromNhwc(in_[0].shape) : in_[0].shape;
    const Shape w = nhwc_ ? FromNhwc(in_[1].shape) : in_[1].shape;
    const Shape y = nhwc_ ? FromNhwc(out_[0].shape) : out_[0].shape;
    out_channels_ = y[1];
    inner_ = 1;
    for (size_t d = 2; d < y.size(); ++d) inner_ *= y[d];
    const size_t sp = x.size() - 2;
    auto pb = params().Ints("padsBegin");
    auto pe = params().Ints("padsEnd");
    auto strides = params().Ints("strides");
    auto dil = params().Ints("dilations");
    std::vector<int64_t> op = deconv_ ? params().Ints("outputPadding") : std::vector<int64_t>(sp, 0);
    const int64_t groups = params().Int("groups");
    bool symmetric = true;
    for (size_t d = 0; d < sp; ++d) symmetric &= pb[d] == pe[d];
    // cuDNN's view: dims with a leading unit spatial dim for 1-d.
    const size_t lead = sp == 1 ? 1 : 0;
    std::vector<int> xd, wd, yd, pad, st, dl;
    auto push_spatial = [&](std::vector<int>& v, const Shape& s) {
      v = {Int(s[0], "dim"), Int(s[1], "dim")};
      if (lead) v.push_back(1);
      for (size_t d = 0; d < sp; ++d) v.push_back(Int(s[2 + d], "dim"));
    };
    Shape conv_in = x;  // what cuDNN convolves (forward) or produces (deconv)
    Shape conv_out = y;
    if (!deconv_ && !symmetric) {
      // Pad x explicitly into the workspace; cuDNN then convolves without padding.
      Shape padded = x;
      std::vector<int64_t> fb(x.size(), 0), fe(x.size(), 0);
      for (size_t d = 0; d < sp; ++d) {
        padded[2 + d] = x[2 + d] + pb[d] + pe[d];
        fb[2 + d] = pb[d];
        fe[2 + d] = pe[d];
      }
      pad_ = MakePadGeometry(x, padded, fb, fe, PadMode::kConstant);
      pad_elems_ = Numel(padded);
      conv_in = padded;
    }
    if (deconv_ && !symmetric) {
      // Unpadded into the workspace, then cropped/extended into y.
      Shape full = y;
      std::vector<int64_t> fb(y.size(), 0), fe(y.size(), 0);
      for (size_t d = 0; d < sp; ++d) {
        full[2 + d] = strides[d] * (x[2 + d] - 1) + dil[d] * (w[2 + d] - 1) + 1;
        fb[2 + d] = -pb[d];
        fe[2 + d] = op[d] - pe[d];
      }
      pad_ = MakePadGeometry(full, y, fb, fe, PadMode::kConstant);
      pad_elems_ = Numel(full);
      conv_out = full;
    }
    explicit_pad_ = !symmetric;
    if (nhwc_ && !symmetric) Bad(ErrorCode::kNative, "a channels-last convolution needs symmetric pads");
    push_spatial(xd, conv_in);
    push_spatial(yd, conv_out);
    push_spatial(wd, w);
    if (lead) {
      pad.push_back(0);
      st.push_back(1);
      dl.push_back(1);
    }
    for (size_t d = 0; d < sp; ++d) {
      pad.push_back(symmetric ? Int(pb[d], "pad") : 0);
      st.push_back(Int(strides[d], "stride"));
      dl.push_back(Int(dil[d], "dilation"));
    }
    const cudnnDataType_t t = CudnnType(dtype_);
    CheckDnn(cudnnCreateTensorDescriptor(&x_desc_), "cudnnCreateTensorDescriptor");
    CheckDnn(cudnnCreateTensorDescriptor(&y_desc_), "cudnnCreateTensorDescriptor");
    CheckDnn(cudnnCreateFilterDescriptor(&w_desc_), "cudnnCreateFilterDescriptor");
    CheckDnn(cudnnCreateConvolutionDescriptor(&conv_), "cudnnCreateConvolutionDescriptor");
    // For a deconvolution, cuDNN's "x" is our output (dx) and its "y" our input (dy).
    const std::vector<int>& fx = deconv_ ? yd : xd;
    const std::vector<int>& fy = deconv_ ? xd : yd;
    auto describe = [&](cudnnTensorDescriptor_t d, const std::vector<int>& dims, const char* what) {
      if (nhwc_) {
        CheckDnn(cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NHWC, t, dims[0], dims[1], dims[2], dims[3]), what);
      } else {
        CheckDnn(cudnnSetTensorNdDescriptor(d, t, static_cast<int>(dims.size()), dims.data(), Packed(dims).data()),
                 what);
      }
    };
    describe(x_desc_, fx, "cudnnSetTensorNdDescriptor (x)");
    describe(y_desc_, fy, "cudnnSetTensorNdDescriptor (y)");
    CheckDnn(cudnnSetFilterNdDescriptor(w_desc_, t, nhwc_ ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW,
                                        static_cast<int>(wd.size()), wd.data()),
             "cudnnSetFilterNdDescriptor");
    if (!deconv_) {
      // The bias of the fused call: [1, M, 1, ...] in y's rank.
      std::vector<int> bd(fy.size(), 1);
      bd[1] = fy[1];
      CheckDnn(cudnnCreateTensorDescriptor(&bias_desc_), "cudnnCreateTensorDescriptor");
      CheckDnn(cudnnSetTensorNdDescriptor(bias_desc_, t, static_cast<int>(bd.size()), bd.data(), Packed(bd).data()),
               "cudnnSetTensorNdDescriptor (bias)");
    }
    CheckDnn(cudnnSetConvolutionNdDescriptor(conv_, static_cast<int>(pad.size()), pad.data(), st.data(), dl.data(),
                                             CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
             "cudnnSetConvolutionNdDescriptor");
    CheckDnn(cudnnSetConvolutionGroupCount(conv_, static_cast<int>(groups)), "cudnnSetConvolutionGroupCount");
    CheckDnn(cudnnSetConvolutionMathType(conv_, dtype_ == DType::kFloat32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH),
             "cudnnSetConvolutionMathType");
    conv_in_elems_ = Numel(deconv_ ? conv_out : conv_in);   // cuDNN's x
    conv_out_elems_ = Numel(deconv_ ? conv_in : conv_out);  // cuDNN's y
    // Our depthwise kernel: channels-last 2-d, one filter per channel, square kernel and
    // stride, one pad all round, no dilation.
    if (!deconv_ && nhwc_ && sp == 2 && groups == x[1] && groups == y[1] && w[1] == 1 && w[2] == w[3] &&
        strides[0] == strides[1] && dil[0] == 1 && dil[1] == 1 && pb[0] == pb[1] && pb[0] == pe[0] && pb[1] == pe[1]) {
      dw_.n = Int(x[0], "dim");
      dw_.c = Int(x[1], "dim");
      dw_.h = Int(x[2], "dim");
      dw_.w = Int(x[3], "dim");
      dw_.oh = Int(y[2], "dim");
      dw_.ow = Int(y[3], "dim");
      dw_.k = Int(w[2], "dim");
      dw_.stride = Int(strides[0], "stride");
      dw_.pad = Int(pb[0], "pad");
      depthwise_ok_ = DepthwiseSupported(dtype_, dw_);
    }
    if (params().Has("inputClip")) {
      // The layout pass moves a clip here only where our depthwise kernel applies (cuDNN's
      // candidates then read a clipped copy).
      if (!depthwise_ok_) Bad(ErrorCode::kNative, "'inputClip' needs a channels-last fp16/bf16 depthwise convolution");
      dw_.input_max = static_cast<float>(params().Float("inputClip"));
      input_clip_ = true;
    }
  }

  std::string Name(int algo, int math, bool fused = false) const {
    return Cat(fused ? "cudnn_cba:" : "cudnn:", deconv_ ? kBwdNames[algo] : kFwdNames[algo], ":", kMathNames[math]);
  }

  // Workspace of an algorithm under a math type, or false if cuDNN refuses the pair.
  bool Workspace(int algo, int math, size_t* bytes) {
    if (cudnnSetConvolutionMathType(conv_, static_cast<cudnnMathType_t>(math)) != CUDNN_STATUS_SUCCESS) return false;
    cudnnHandle_t h = backend_->build_cudnn();
    cudnnStatus_t s =
        deconv_ ? cudnnGetConvolutionBackwardDataWorkspaceSize(h, w_desc_, y_desc_, conv_, x_desc_,
                                                               static_cast<cudnnConvolutionBwdDataAlgo_t>(algo), bytes)
                : cudnnGetConvolutionForwardWorkspaceSize(h, x_desc_, w_desc_, conv_, y_desc_,
                                                          static_cast<cudnnConvolutionFwdAlgo_t>(algo), bytes);
    return s == CUDNN_STATUS_SUCCESS;
  }

  bool Allowed(int algo, int math) const {
    if (dtype_ != DType::kFloat32) return true;
    if (math != CUDNN_FMA_MATH) return false;  // no TF32 for fp32 data
    if (deconv_)
      return algo != CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 && algo != CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT &&
             algo != CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING;
    return algo != CUDNN_CONVOLUTION_FWD_ALGO_FFT && algo != CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING;
  }

  // Whether the epilogue can be cuDNN's fused call: a bias (it takes no null one), relu or
  // no activation, no padding copy.
  bool FusedCallApplies() const {
    const bool act_ok = act_.op == kNoActivation || act_.op == static_cast<int>(UnaryOp::kRelu);
    return !deconv_ && !explicit_pad_ && has_bias_ && act_ok;
  }

  std::string Choose() override {
    // Scratch buffers on the real shapes, filled with a non-zero pattern.
    const size_t es = DTypeSize(dtype_);
    cudaStream_t s = backend_->build_stream();
    void *x = nullptr, *w = nullptr, *y = nullptr, *ws = nullptr, *bias = nullptr, *z = nullptr;
    auto release = [&] {
      for (void* p : {x, w, y, ws, bias, z}) cudaFree(p);
    };
    std::string chosen;
    try {
      Check(cudaMalloc(&x, conv_in_elems_ * es + 256), "cudaMalloc (tactic timing)");
      Check(cudaMalloc(&w, in_[1].numel * es + 256), "cudaMalloc (tactic timing)");
      Check(cudaMalloc(&y, conv_out_elems_ * es + 256), "cudaMalloc (tactic timing)");
      size_t limit = kMaxWorkspace;
      while (limit >= (size_t{1} << 20) && cudaMalloc(&ws, limit) != cudaSuccess) {
        cudaGetLastError();
        ws = nullptr;
        limit /= 2;
      }
      if (!ws) limit = 0;
      // cuDNN's x and y: the input is x for a convolution, y (dy) for a deconvolution.
      Check(LaunchFillPattern(dtype_, x, conv_in_elems_, s), "fill launch");
      Check(LaunchFillPattern(dtype_, y, conv_out_elems_, s), "fill launch");
      Check(LaunchFillPattern(dtype_, w, in_[1].numel, s), "fill launch");
      Check(cudaStreamSynchronize(s), "cudaStreamSynchronize");
      cudnnHandle_t h = backend_->build_cudnn();
      struct Result {
        int algo, math;
        cudnnStatus_t status;
        size_t memory;
        float ms;
      };
      std::vector<Result> results;
      int returned = 0;
      if (deconv_) {
        cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
        CheckDnn(cudnnFindConvolutionBackwardDataAlgorithmEx(h, w_desc_, w, y_desc_, y, conv_, x_desc_, x,
                                                             CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &returned, perf, ws,
                                                             limit),
                 "cudnnFindConvolutionBackwardDataAlgorithmEx");
        for (int i = 0; i < returned; ++i)
          results.push_back({perf[i].algo, perf[i].mathType, perf[i].status, perf[i].memory, perf[i].time});
      } else {
        cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
        CheckDnn(cudnnFindConvolutionForwardAlgorithmEx(h, x_desc_, x, w_desc_, w, conv_, y_desc_, y,
                                                        CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf, ws, limit),
                 "cudnnFindConvolutionForwardAlgorithmEx");
        for (int i = 0; i < returned; ++i)
          results.push_back({perf[i].algo, perf[i].mathType, perf[i].status, perf[i].memory, perf[i].time});
      }
      // Fastest first (cuDNN sorts by time): the allowed ones that fit.
      std::vector<Result> usable;
      for (const Result& r : results) {
        if (r.status != CUDNN_STATUS_SUCCESS || r.memory > limit) continue;
        const int math = dtype_ == DType::kFloat32 ? CUDNN_FMA_MATH : r.math;
        if (!Allowed(r.algo, math)) continue;
        size_t bytes = 0;
        if (!Workspace(r.algo, math, &bytes) || bytes > std::max(limit, r.memory)) continue;
        usable.push_back({r.algo, math, r.status, bytes, r.ms});
      }
      if (!usable.empty()) {
        chosen = Name(usable[0].algo, usable[0].math);
        tactic_ms_ = usable[0].ms;  // cuDNN's own timing (the epilogue kernel not included)
      }
      if (!usable.empty() && !deconv_) chosen = ChooseTimed(usable, x, w, y, ws, limit, &bias, &z);
    } catch (...) {
      release();
      throw;
    }
    release();
    if (chosen.empty()) {
      // Nothing timed successfully (e.g. no memory to time with): the always-available algorithm.
      const int algo = deconv_ ? static_cast<int>(CUDNN_CONVOLUTION_BWD_DATA_ALGO_1)
                               : static_cast<int>(CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM);
      chosen = Name(algo, dtype_ == DType::kFloat32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH);
    }
    return Accept(chosen);
  }

  // Every way to run this convolution and its epilogue, timed alike (events, on the real
  // shapes): the legacy API's fastest algorithm then the epilogue kernel; the fastest few as
  // one cudnnConvolutionBiasActivationForward call (and implicit_precomp_gemm, the one algorithm
  // that call is documented to take without an activation); the graph API's first few
  // configurations, then the epilogue kernel; and those of the graph with the epilogue fused.
  // The fastest wins, once its output on the timing data matches the first's (the legacy
  // convolution and our epilogue): a fused engine must compute the same function, and is
  // skipped where it does not. A residual that is the convolution's own input is timed and
  // checked as such (the same buffer bound twice).
  template <typename R>
  std::string ChooseTimed(const std::vector<R>& usable, void* x, void* w, void* y, void* ws, size_t limit, void** bias,
                          void** z) {
    cudaStream_t s = backend_->build_stream();
    cudnnHandle_t h = backend_->build_cudnn();
    const size_t es = DTypeSize(dtype_);
    if (has_bias_) {
      Check(cudaMalloc(bias, out_channels_ * es + 256), "cudaMalloc (tactic timing)");
      Check(LaunchFillPattern(dtype_, *bias, out_channels_, s), "fill launch");
    }
    const bool alias = residual_ && layer_->inputs.front() == layer_->inputs.back();
    if (residual_ && !alias) {
      Check(cudaMalloc(z, conv_out_elems_ * es + 256), "cudaMalloc (tactic timing)");
      Check(LaunchFillPattern(dtype_, *z, conv_out_elems_, s), "fill launch");
    }
    void* const zz = alias ? x : *z;
    TacticTimer timer(s);
    const float one = 1.0f, zero = 0.0f, alpha2 = residual_ ? 1.0f : 0.0f;
    auto epilogue = [&](void* out) {
      return LaunchBiasActivation(dtype_, out, *bias, zz, out_[0].numel, out_channels_, nhwc_ ? 1 : inner_, act_, s) ==
             cudaSuccess;
    };
    struct Candidate {
      std::string name;
      std::function<bool(void*)> run;  // writes the layer's output to its argument
      float ms = INFINITY;
    };
    std::vector<Candidate> candidates;
    std::vector<std::unique_ptr<ConvGraph>> graphs;
    std::vector<std::shared_ptr<ConvGraph::Plan>> plans;
    std::function<bool(void*)> legacy = [&, algo = usable[0].algo, math = usable[0].math,
                                         bytes = usable[0].memory](void* out) {
      if (cudnnSetConvolutionMathType(conv_, static_cast<cudnnMathType_t>(math)) != CUDNN_STATUS_SUCCESS) return false;
      return cudnnConvolutionForward(h, &one, x_desc_, x, w_desc_, w, conv_,
                                     static_cast<cudnnConvolutionFwdAlgo_t>(algo), ws, bytes, &zero, y_desc_,
                                     out) == CUDNN_STATUS_SUCCESS &&
             epilogue(out);
    };
    candidates.push_back({Name(usable[0].algo, usable[0].math), legacy});
    if (FusedCallApplies() && switches_.cudnn_cba) {
      CreateActivationDesc();
      auto fused = [&](int algo, int math, size_t bytes) {
        return [&, algo, math, bytes](void* out) {
          if (cudnnSetConvolutionMathType(conv_, static_cast<cudnnMathType_t>(math)) != CUDNN_STATUS_SUCCESS)
            return false;
          return cudnnConvolutionBiasActivationForward(h, &one, x_desc_, x, w_desc_, w, conv_,
                                                       static_cast<cudnnConvolutionFwdAlgo_t>(algo), ws, bytes, &alpha2,
                                                       y_desc_, residual_ ? zz : out, bias_desc_, *bias, act_desc_,
                                                       y_desc_, out) == CUDNN_STATUS_SUCCESS;
        };
      };
      std::vector<std::pair<int, int>> tried;
      for (size_t i = 0; i < usable.size() && static_cast<int>(i) < kFusedCandidates; ++i) {
        tried.push_back({usable[i].algo, usable[i].math});
        candidates.push_back(
            {Name(usable[i].algo, usable[i].math, true), fused(usable[i].algo, usable[i].math, usable[i].memory)});
      }
      const int precomp = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
      const int math = dtype_ == DType::kFloat32 ? CUDNN_FMA_MATH : CUDNN_TENSOR_OP_MATH;
      size_t bytes = 0;
      if (std::find(tried.begin(), tried.end(), std::make_pair(precomp, math)) == tried.end() &&
          Workspace(precomp, math, &bytes) && bytes <= limit) {
        candidates.push_back({Name(precomp, math, true), fused(precomp, math, bytes)});
      }
    }
    std::string graph_notes;  // for HYBRIDRT_TACTIC_LOG
    if (GraphApplies() && switches_.cudnn_graph) {
      for (const bool fused : {false, true}) {
        if (fused && (!Epilogue() || GraphActivation() == kNoGraphAct)) continue;
        try {
          graphs.push_back(std::make_unique<ConvGraph>(h, GraphSpec(fused)));
        } catch (const std::exception& e) {
          if (TacticLog()) graph_notes += Cat("  ", GraphName(0, fused), " none: ", e.what(), "\n");
          continue;  // cuDNN has no engine for this graph
        }
        ConvGraph* g = graphs.back().get();
        const int tries = fused ? FusedGraphTries() : kGraphConfigs;
        if (TacticLog())
          graph_notes += Cat("  ", fused ? "fused" : "unfused", " graph: ", g->configs(), " configurations\n");
        for (int k = 0; k < g->configs() && k < tries; ++k) {
          std::shared_ptr<ConvGraph::Plan> plan = g->MakePlan(k);
          if (!plan || plan->workspace() > limit) {
            if (TacticLog()) graph_notes += Cat("  ", GraphName(k, fused), " refused (numerical notes, or no plan)\n");
            continue;
          }
          plans.push_back(plan);
          candidates.push_back({GraphName(k, fused), [&, g, p = plan.get(), fused](void* out) {
                                  return g->Execute(h, *p, x, w, out, *bias, zz, ws) == CUDNN_STATUS_SUCCESS &&
                                         (fused || epilogue(out));
                                }});
        }
      }
    }
    if (depthwise_ok_ && switches_.depthwise) {
      candidates.push_back({"depthwise_nhwc", [&](void* out) {
                              return LaunchDepthwiseNhwc(dtype_, x, w, *bias, zz, out, dw_, act_, s) == cudaSuccess;
                            }});
    }
    // inputClip: cuDNN reads a clipped copy of x, whose pass each of its candidates pays (the
    // timing data lies in [-1, 1), where the clip changes nothing, so outputs still compare).
    void* clipped = nullptr;
    if (input_clip_) {
      Check(cudaMalloc(&clipped, in_[0].bytes + 256), "cudaMalloc (tactic timing)");
      for (Candidate& c : candidates) {
        if (c.name == "depthwise_nhwc") continue;
        c.run = [&, inner = c.run](void* out) {
          return LaunchClipCopy(dtype_, x, clipped, in_[0].numel, dw_.input_max, s) == cudaSuccess && inner(out);
        };
      }
      legacy = [&, inner = legacy](void* out) {
        return LaunchClipCopy(dtype_, x, clipped, in_[0].numel, dw_.input_max, s) == cudaSuccess && inner(out);
      };
    }
    struct FreeOnExit {
      void* p;
      ~FreeOnExit() { cudaFree(p); }
    } free_clipped{clipped};
    for (Candidate& c : candidates) c.ms = timer.Time([&] { return c.run(y); });
    cudaGetLastError();
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.ms < b.ms; });
    // HYBRIDRT_CONV_TACTIC=<name> (tests, measurements): that candidate wherever it exists,
    // without the reference check, so that a test can compare it with an independent result.
    const std::string& forced = switches_.conv_tactic;
    for (const Candidate& c : candidates) {
      if (!forced.empty() && c.name == forced && std::isfinite(c.ms)) {
        tactic_ms_ = c.ms;
        return c.name;
      }
    }
    std::vector<float> want;  // the legacy path's output, computed on first need
    std::string chosen;
    std::string log;  // HYBRIDRT_TACTIC_LOG=1: every candidate's time and verdict, on stderr
    for (const Candidate& c : candidates) {
      const bool reference = c.name.rfind("cudnn:", 0) == 0;  // the legacy convolution and our epilogue
      const char* verdict = "";
      if (!std::isfinite(c.ms)) verdict = "failed";
      else if (!chosen.empty()) verdict = "slower";
      else if (!reference && !Matches(c.run, legacy, y, &want)) verdict = "mismatch";
      else {
        tactic_ms_ = c.ms;
        chosen = c.name;
        verdict = "chosen";
      }
      log += Cat("  ", c.name, " ", c.ms, " ms ", verdict, "\n");
    }
    if (TacticLog())
      std::fprintf(stderr, "hybridrt: tactics of %s:\n%s%s", layer_->name.c_str(), graph_notes.c_str(), log.c_str());
    return chosen;
  }

  // Whether `run` writes what `reference` does on the timing data, within what two correct
  // implementations may differ by, relative to the output's largest magnitude: fp32 1e-4
  // (accumulation order); fp16 5e-3 and bf16 3e-2, ten times one rounding of the storage type
  // (a fused engine keeps the convolution's sum in fp32 where the reference rounds it before
  // the epilogue). An engine accumulating in fp16 misses that by far on long reductions.
  bool Matches(const std::function<bool(void*)>& run, const std::function<bool(void*)>& reference, void* y,
               std::vector<float>* want) {
    cudaStream_t s = backend_->build_stream();
    const int64_t n = out_[0].numel;
    const size_t bytes = static_cast<size_t>(n) * DTypeSize(dtype_);
    std::vector<uint8_t> raw(bytes);
    auto fetch = [&](std::vector<float>* out) {
      if (cudaStreamSynchronize(s) != cudaSuccess ||
          cudaMemcpy(raw.data(), y, bytes, cudaMemcpyDeviceToHost) != cudaSuccess) {
        cudaGetLastError();
        return false;
      }
      out->resize(static_cast<size_t>(n));
      if (dtype_ == DType::kFloat32) std::memcpy(out->data(), raw.data(), bytes);
      else HalfBufferToFloat(dtype_, raw.data(), out->data(), n);
      return true;
    };
    if (want->empty() && (!reference(y) || !fetch(want))) return false;
    std::vector<float> got;
    if (!run(y) || !fetch(&got)) return false;
    double diff = 0, scale = 1e-6;
    for (int64_t i = 0; i < n; ++i) {
      const double a = got[i], b = (*want)[i];
      if (std::isnan(a) != std::isnan(b)) return false;
      if (std::isnan(a)) continue;
      diff = std::max(diff, std::fabs(a - b));
      scale = std::max(scale, std::fabs(b));
    }
    const double tol = dtype_ == DType::kFloat32 ? 1e-4 : dtype_ == DType::kFloat16 ? 5e-3 : 3e-2;
    return diff <= tol * scale;
  }

  bool Epilogue() const { return has_bias_ || residual_ || act_.op != kNoActivation; }

  // How many of the fused graph's configurations are timed: kFusedGraphConfigs, or
  // HYBRIDRT_FUSED_GRAPH_CONFIGS (measurements).
  int FusedGraphTries() const {
    const int n = switches_.fused_graph_configs;
    return n > 0 ? n : kFusedGraphConfigs;
  }

  bool TacticLog() const { return switches_.log; }

  // ---- the graph API (cudnn_graph.h): 2-d convolutions without a padding copy.
  static constexpr int kGraphConfigs = 3, kFusedGraphConfigs = 2, kNoGraphAct = -2;

  bool GraphApplies() const { return !deconv_ && !explicit_pad_ && out_[0].shape.size() == 4; }

  // The fused activation as a cuDNN pointwise mode: -1 none, kNoGraphAct where cuDNN has none.
  int GraphActivation() const {
    using U = UnaryOp;
    if (act_.op == kNoActivation) return -1;
    switch (static_cast<U>(act_.op)) {
      case U::kRelu: return CUDNN_POINTWISE_RELU_FWD;
      case U::kClip: return act_.lo == 0 ? CUDNN_POINTWISE_RELU_FWD : kNoGraphAct;  // relu6 and kin
      case U::kSilu: return CUDNN_POINTWISE_SWISH_FWD;
      case U::kSigmoid: return CUDNN_POINTWISE_SIGMOID_FWD;
      case U::kTanh: return CUDNN_POINTWISE_TANH_FWD;
      case U::kGelu: return CUDNN_POINTWISE_GELU_FWD;
      case U::kGeluTanh: return CUDNN_POINTWISE_GELU_APPROX_TANH_FWD;
      default: return kNoGraphAct;
    }
  }

  ConvGraphSpec GraphSpec(bool fused) const {
    ConvGraphSpec g;
    g.io = CudnnType(dtype_);
    g.nhwc = nhwc_;
    const Shape x = nhwc_ ? FromNhwc(in_[0].shape) : in_[0].shape;
    const Shape w = nhwc_ ? FromNhwc(in_[1].shape) : in_[1].shape;
    const Shape y = nhwc_ ? FromNhwc(out_[0].shape) : out_[0].shape;
    g.x.assign(x.begin(), x.end());
    g.w.assign(w.begin(), w.end());
    g.y.assign(y.begin(), y.end());
    g.pads = params().Ints("padsBegin");
    g.strides = params().Ints("strides");
    g.dilations = params().Ints("dilations");
    if (fused) {
      g.bias = has_bias_;
      g.residual = residual_;
      g.act = GraphActivation();
      if (act_.op == static_cast<int>(UnaryOp::kClip) && std::isfinite(act_.hi)) {
        g.relu_upper_clip = true;
        g.relu_upper = act_.hi;
      }
    }
    return g;
  }

  static std::string GraphName(int k, bool fused) { return Cat(fused ? "cudnn_graph_fused:" : "cudnn_graph:", k); }

  void CreateActivationDesc() {
    if (act_desc_) return;
    CheckDnn(cudnnCreateActivationDescriptor(&act_desc_), "cudnnCreateActivationDescriptor");
    const bool relu = act_.op == static_cast<int>(UnaryOp::kRelu);
    CheckDnn(cudnnSetActivationDescriptor(act_desc_, relu ? CUDNN_ACTIVATION_RELU : CUDNN_ACTIVATION_IDENTITY,
                                          CUDNN_PROPAGATE_NAN, 0.0),  // NaN kept, as formulas.inc's Relu
             "cudnnSetActivationDescriptor");
  }

  std::string Accept(const std::string& requested) override {
    if (requested == "depthwise_nhwc") {
      if (!depthwise_ok_) Bad(ErrorCode::kPlan, "plan: tactic 'depthwise_nhwc' does not apply to this layer");
      depthwise_ = true;
      algo_workspace_ = 0;
      return requested;
    }
    for (const bool fused : {false, true}) {
      const std::string prefix = fused ? "cudnn_graph_fused:" : "cudnn_graph:";
      if (requested.rfind(prefix, 0) != 0) continue;
      int k = -1;
      try {
        k = std::stoi(requested.substr(prefix.size()));
      } catch (...) {
        k = -1;
      }
      std::shared_ptr<ConvGraph::Plan> plan;
      if (k >= 0 && GraphApplies() && (!fused || GraphActivation() != kNoGraphAct)) {
        try {
          graph_ = std::make_unique<ConvGraph>(backend_->build_cudnn(), GraphSpec(fused));
          plan = graph_->MakePlan(k);
        } catch (const std::exception&) {
          plan = nullptr;
        }
      }
      if (!plan)
        Bad(ErrorCode::kPlan,
            Cat("plan: tactic '", requested, "' is not a cuDNN graph configuration this device offers for this layer"));
      plan_ = plan;
      graph_fused_ = fused;
      algo_workspace_ = AlignUp(plan->workspace(), kArenaAlignment);
      return requested;
    }
    const int count = deconv_ ? static_cast<int>(CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT)
                              : static_cast<int>(CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
    for (int f = 0; f < 2; ++f) {
      for (int a = 0; a < count; ++a) {
        for (int m = 0; m < 4; ++m) {
          if (Name(a, m, f == 1) != requested) continue;
          size_t bytes = 0;
          if (!Allowed(a, m) || !Workspace(a, m, &bytes) || (f == 1 && !FusedCallApplies())) {
            Bad(ErrorCode::kPlan, Cat("plan: tactic '", requested, "' is not usable for this layer on this device"));
          }
          algo_ = a;
          fused_call_ = f == 1;
          algo_workspace_ = AlignUp(bytes, kArenaAlignment);
          if (fused_call_) CreateActivationDesc();
          return requested;
        }
      }
    }
    Bad(ErrorCode::kPlan, Cat("plan: tactic '", requested, "' is not a cuDNN algorithm the cuda backend knows"));
  }

  void PrepareKernel() override {
    extra_bytes_ = explicit_pad_ ? AlignUp(pad_elems_ * DTypeSize(dtype_), kArenaAlignment) : 0;
    if (input_clip_) extra_bytes_ = AlignUp(in_[0].bytes, kArenaAlignment);  // x clipped, for cuDNN
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    CudaStream& cs = static_cast<CudaStream&>(stream);
    const cudaStream_t s = cs.get();
    const float one = 1.0f, zero = 0.0f;
    uint8_t* ws = static_cast<uint8_t*>(args.workspace);
    void* extra = ws + algo_workspace_;
    const void* w = args.inputs[1];
    const void* bias = has_bias_ ? args.inputs[2] : nullptr;
    const void* z = residual_ ? args.inputs.back() : nullptr;
    cudnnStatus_t st;
    if (depthwise_) {
      Check(LaunchDepthwiseNhwc(dtype_, args.inputs[0], w, bias, z, args.outputs[0], dw_, act_, s),
            "depthwise convolution launch");
      return;
    }
    const void* x_in = args.inputs[0];
    if (input_clip_) {
      Check(LaunchClipCopy(dtype_, x_in, extra, in_[0].numel, dw_.input_max, s), "input clip launch");
      x_in = extra;
    }
    if (plan_) {
      {
        // NOTE: the plan is shared by the contexts; one execution is queued at a time.
        std::lock_guard<std::mutex> lock(graph_mu_);
        st = graph_->Execute(cs.cudnn(), *plan_, x_in, w, args.outputs[0], bias, z, ws);
      }
      CheckDnn(st, "cudnnBackendExecute");
      if (!graph_fused_) {
        Check(LaunchBiasActivation(dtype_, args.outputs[0], bias, z, out_[0].numel, out_channels_, nhwc_ ? 1 : inner_,
                                   act_, s),
              "bias/activation launch");
      }
      return;
    }
    if (fused_call_) {
      const float alpha2 = residual_ ? 1.0f : 0.0f;
      st = cudnnConvolutionBiasActivationForward(cs.cudnn(), &one, x_desc_, x_in, w_desc_, w, conv_,
                                                 static_cast<cudnnConvolutionFwdAlgo_t>(algo_), ws, algo_workspace_,
                                                 &alpha2, y_desc_, residual_ ? z : args.outputs[0], bias_desc_, bias,
                                                 act_desc_, y_desc_, args.outputs[0]);
      CheckDnn(st, "cudnnConvolutionBiasActivationForward");
      return;
    }
    if (!deconv_) {
      const void* x = x_in;
      if (explicit_pad_) {
        Check(LaunchPad(DTypeSize(dtype_), x, extra, pad_, pad_elems_, s), "padding copy launch");
        x = extra;
      }
      st = cudnnConvolutionForward(cs.cudnn(), &one, x_desc_, x, w_desc_, w, conv_,
                                   static_cast<cudnnConvolutionFwdAlgo_t>(algo_), ws, algo_workspace_, &zero, y_desc_,
                                   args.outputs[0]);
      CheckDnn(st, "cudnnConvolutionForward");
    } else {
      void* dx = explicit_pad_ ? extra : args.outputs[0];
      st = cudnnConvolutionBackwardData(cs.cudnn(), &one, w_desc_, w, y_desc_, args.inputs[0], conv_,
                                        static_cast<cudnnConvolutionBwdDataAlgo_t>(algo_), ws, algo_workspace_, &zero,
                                        x_desc_, dx);
      CheckDnn(st, "cudnnConvolutionBackwardData");
      if (explicit_pad_)
        Check(LaunchPad(DTypeSize(dtype_), dx, args.outputs[0], pad_, out_[0].numel, s), "crop copy launch");
    }
    Check(LaunchBiasActivation(dtype_, args.outputs[0], bias, z, out_[0].numel, out_channels_, nhwc_ ? 1 : inner_, act_,
                               s),
          "bias/activation launch");
  }

 private:
  bool deconv_;
  bool nhwc_ = false, residual_ = false, has_bias_ = false, fused_call_ = false, graph_fused_ = false;
  std::unique_ptr<ConvGraph> graph_;
  std::shared_ptr<ConvGraph::Plan> plan_;
  mutable std::mutex graph_mu_;
  int64_t out_channels_ = 0, inner_ = 1;
  cudnnTensorDescriptor_t bias_desc_ = nullptr;
  cudnnActivationDescriptor_t act_desc_ = nullptr;
  DType dtype_ = DType::kFloat32;
  cudnnTensorDescriptor_t x_desc_ = nullptr, y_desc_ = nullptr;
  cudnnFilterDescriptor_t w_desc_ = nullptr;
  cudnnConvolutionDescriptor_t conv_ = nullptr;
  int algo_ = 0;
  size_t algo_workspace_ = 0, extra_bytes_ = 0;
  bool explicit_pad_ = false;
  PadGeometry pad_;
  int64_t pad_elems_ = 0, conv_in_elems_ = 0, conv_out_elems_ = 0;
  Act act_;
  DepthwiseGeometry dw_;
  bool depthwise_ok_ = false, depthwise_ = false;  // our depthwise kernel applies / is the tactic
  bool input_clip_ = false;                        // inputClip: in our kernel, or a clipped copy for cuDNN
};

}  // namespace

std::unique_ptr<Kernel> MakeConvolution(CudaBackend* b) { return std::make_unique<ConvKernel>(b, false); }
std::unique_ptr<Kernel> MakeDeconvolution(CudaBackend* b) { return std::make_unique<ConvKernel>(b, true); }

}  // namespace cuda
}  // namespace hybridrt
