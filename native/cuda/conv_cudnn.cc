// The cuDNN convolution kernel (conv_cudnn.h): descriptors for the shapes at hand, the tactics a
// plan names, launches, and the factories; its tactic choice is conv_cudnn_tactics.cc.
#include "cuda/conv_cudnn.h"

#include <cmath>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "src/builder/memory_planner.h"
#include "layers/convolution.h"

namespace hybridrt {
namespace cuda {

namespace {

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

}  // namespace

ConvKernel::~ConvKernel() {
  if (x_desc_) cudnnDestroyTensorDescriptor(x_desc_);
  if (y_desc_) cudnnDestroyTensorDescriptor(y_desc_);
  if (bias_desc_) cudnnDestroyTensorDescriptor(bias_desc_);
  if (act_desc_) cudnnDestroyActivationDescriptor(act_desc_);
  if (w_desc_) cudnnDestroyFilterDescriptor(w_desc_);
  if (conv_) cudnnDestroyConvolutionDescriptor(conv_);
}

void ConvKernel::Analyze() {
  dtype_ = in_[0].dtype;
  const ConvolutionParams p = ReadConvolution(params());
  nhwc_ = !deconv_ && p.nhwc;
  residual_ = !deconv_ && p.residual;
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
  const std::vector<int64_t>&pb = p.window.pads_begin, &pe = p.window.pads_end, &strides = p.window.strides,
        &dil = p.window.dilations;
  const std::vector<int64_t> op = deconv_ ? p.output_padding : std::vector<int64_t>(sp, 0);
  const int64_t groups = p.groups;
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
      CheckDnn(cudnnSetTensorNdDescriptor(d, t, static_cast<int>(dims.size()), dims.data(), Packed(dims).data()), what);
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
  if (p.has_input_clip) {
    // The layout pass moves a clip here only where our depthwise kernel applies (cuDNN's
    // candidates then read a clipped copy).
    if (!depthwise_ok_) Bad(ErrorCode::kNative, "'inputClip' needs a channels-last fp16/bf16 depthwise convolution");
    dw_.input_max = static_cast<float>(p.input_clip);
    input_clip_ = true;
  }
}

std::string ConvKernel::Name(int algo, int math, bool fused) const {
  return Cat(fused ? "cudnn_cba:" : "cudnn:", deconv_ ? kBwdNames[algo] : kFwdNames[algo], ":", kMathNames[math]);
}

bool ConvKernel::Workspace(int algo, int math, size_t* bytes) {
  if (cudnnSetConvolutionMathType(conv_, static_cast<cudnnMathType_t>(math)) != CUDNN_STATUS_SUCCESS) return false;
  cudnnHandle_t h = backend_->build_cudnn();
  cudnnStatus_t s =
      deconv_ ? cudnnGetConvolutionBackwardDataWorkspaceSize(h, w_desc_, y_desc_, conv_, x_desc_,
                                                             static_cast<cudnnConvolutionBwdDataAlgo_t>(algo), bytes)
              : cudnnGetConvolutionForwardWorkspaceSize(h, x_desc_, w_desc_, conv_, y_desc_,
                                                        static_cast<cudnnConvolutionFwdAlgo_t>(algo), bytes);
  return s == CUDNN_STATUS_SUCCESS;
}

bool ConvKernel::Allowed(int algo, int math) const {
  if (dtype_ != DType::kFloat32) return true;
  if (math != CUDNN_FMA_MATH) return false;  // no TF32 for fp32 data
  if (deconv_)
    return algo != CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 && algo != CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT &&
           algo != CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING;
  return algo != CUDNN_CONVOLUTION_FWD_ALGO_FFT && algo != CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING;
}

int ConvKernel::GraphActivation() const {
  ConvGraphSpec s;
  return SetGraphActivation(act_.op, act_.lo, act_.hi, &s) ? s.act : kNoGraphAct;
}

ConvGraphSpec ConvKernel::GraphSpec(bool fused) const {
  ConvGraphSpec g;
  g.io = CudnnType(dtype_);
  g.nhwc = nhwc_;
  const Shape x = nhwc_ ? FromNhwc(in_[0].shape) : in_[0].shape;
  const Shape w = nhwc_ ? FromNhwc(in_[1].shape) : in_[1].shape;
  const Shape y = nhwc_ ? FromNhwc(out_[0].shape) : out_[0].shape;
  g.x.assign(x.begin(), x.end());
  g.w.assign(w.begin(), w.end());
  g.y.assign(y.begin(), y.end());
  const WindowParams window = ReadWindowParams(params());
  g.pads = window.pads_begin;
  g.strides = window.strides;
  g.dilations = window.dilations;
  if (fused) {
    g.bias = has_bias_;
    g.residual = residual_;
    SetGraphActivation(act_.op, act_.lo, act_.hi, &g);  // where it has none, no graph is fused (GraphActivation)
  }
  return g;
}

void ConvKernel::CreateActivationDesc() {
  if (act_desc_) return;
  CheckDnn(cudnnCreateActivationDescriptor(&act_desc_), "cudnnCreateActivationDescriptor");
  const bool relu = act_.op == static_cast<int>(UnaryOp::kRelu);
  CheckDnn(cudnnSetActivationDescriptor(act_desc_, relu ? CUDNN_ACTIVATION_RELU : CUDNN_ACTIVATION_IDENTITY,
                                        CUDNN_PROPAGATE_NAN, 0.0),  // NaN kept, as formulas.inc's Relu
           "cudnnSetActivationDescriptor");
}

std::string ConvKernel::Accept(const std::string& requested) {
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

void ConvKernel::PrepareKernel() {
  extra_bytes_ = explicit_pad_ ? AlignUp(pad_elems_ * DTypeSize(dtype_), kArenaAlignment) : 0;
  if (input_clip_) extra_bytes_ = AlignUp(in_[0].bytes, kArenaAlignment);  // x clipped, for cuDNN
}

void ConvKernel::Enqueue(const KernelArgs& args, Stream& stream) const {
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
    st = graph_->Execute(cs.cudnn(), *plan_, ConvGraphData{x_in, w, args.outputs[0], bias, z}, ws);
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
  Check(
      LaunchBiasActivation(dtype_, args.outputs[0], bias, z, out_[0].numel, out_channels_, nhwc_ ? 1 : inner_, act_, s),
      "bias/activation launch");
}

std::unique_ptr<Kernel> MakeConvolution(CudaBackend* b) { return std::make_unique<ConvKernel>(b, false); }
std::unique_ptr<Kernel> MakeDeconvolution(CudaBackend* b) { return std::make_unique<ConvKernel>(b, true); }

}  // namespace cuda
}  // namespace hybridrt
