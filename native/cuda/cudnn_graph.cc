// Convolution graphs through cuDNN's backend API (see cudnn_graph.h).
#include "cuda/cudnn_graph.h"

#include <cmath>

#include "layers/activation.h"

#include <stdexcept>

namespace hybridrt {
namespace cuda {

namespace {

constexpr int64_t kX = 1, kW = 2, kY = 3, kBias = 4, kZ = 5, kScale = 6, kZScale = 7, kYScale = 8, kYZero = 9,
                  kVirtual = 100;
constexpr int64_t kAlignment = 16;

std::string Message(cudnnStatus_t s, const char* what) {
  char detail[512] = {0};
  cudnnGetLastErrorString(detail, sizeof(detail));
  return std::string(what) + ": " + cudnnGetErrorString(s) + (detail[0] ? std::string(" (") + detail + ")" : "");
}

void Ok(cudnnStatus_t s, const char* what) {
  if (s != CUDNN_STATUS_SUCCESS) throw std::runtime_error(Message(s, what));
}

void Set(cudnnBackendDescriptor_t d, cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count,
         const void* values, const char* what) {
  Ok(cudnnBackendSetAttribute(d, name, type, count, values), what);
}

// Strides of `dims` (NCHW order): packed, or channels-last for 4-d tensors.
std::vector<int64_t> Strides(const std::vector<int64_t>& dims, bool nhwc) {
  std::vector<int64_t> st(dims.size(), 1);
  if (nhwc && dims.size() == 4) {
    const int64_t c = dims[1], h = dims[2], w = dims[3];
    return {h * w * c, 1, w * c, c};
  }
  for (int d = static_cast<int>(dims.size()) - 2; d >= 0; --d) st[d] = st[d + 1] * dims[d + 1];
  return st;
}

}  // namespace

ConvGraph::Plan::~Plan() {
  if (d_) cudnnBackendDestroyDescriptor(d_);
}

cudnnBackendDescriptor_t ConvGraph::Make(cudnnBackendDescriptorType_t type) {
  cudnnBackendDescriptor_t d = nullptr;
  Ok(cudnnBackendCreateDescriptor(type, &d), "cudnnBackendCreateDescriptor");
  owned_.push_back(d);
  return d;
}

cudnnBackendDescriptor_t ConvGraph::Tensor(int64_t uid, cudnnDataType_t t, const std::vector<int64_t>& dims,
                                           bool is_virtual) {
  cudnnBackendDescriptor_t d = Make(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
  const std::vector<int64_t> st = Strides(dims, spec_.nhwc);
  const int64_t n = static_cast<int64_t>(dims.size());
  Set(d, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &t, "tensor data type");
  Set(d, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, n, dims.data(), "tensor dims");
  Set(d, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, n, st.data(), "tensor strides");
  Set(d, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid, "tensor id");
  Set(d, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &kAlignment, "tensor alignment");
  if (is_virtual) {
    const bool yes = true;
    Set(d, CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, 1, &yes, "tensor virtual");
  }
  Ok(cudnnBackendFinalize(d), "finalizing a tensor descriptor");
  return d;
}

cudnnBackendDescriptor_t ConvGraph::Pointwise(int mode_value, cudnnBackendDescriptor_t x, cudnnBackendDescriptor_t b,
                                              cudnnBackendDescriptor_t y) {
  const cudnnPointwiseMode_t mode = static_cast<cudnnPointwiseMode_t>(mode_value);
  cudnnBackendDescriptor_t pw = Make(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
  const cudnnDataType_t prec = CUDNN_DATA_FLOAT;
  Set(pw, CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, 1, &mode, "pointwise mode");
  Set(pw, CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, 1, &prec, "pointwise precision");
  // NaN in, NaN out, as formulas.inc and onnxruntime's Relu (the default drops it to 0).
  const cudnnNanPropagation_t nan = CUDNN_PROPAGATE_NAN;
  Set(pw, CUDNN_ATTR_POINTWISE_NAN_PROPAGATION, CUDNN_TYPE_NAN_PROPOGATION, 1, &nan, "pointwise NaN propagation");
  if (mode == CUDNN_POINTWISE_RELU_FWD && spec_.relu_upper_clip) {
    const double lower = 0, upper = spec_.relu_upper;
    Set(pw, CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP, CUDNN_TYPE_DOUBLE, 1, &lower, "relu lower clip");
    Set(pw, CUDNN_ATTR_POINTWISE_RELU_UPPER_CLIP, CUDNN_TYPE_DOUBLE, 1, &upper, "relu upper clip");
  }
  if (mode == CUDNN_POINTWISE_SWISH_FWD) {
    const double beta = 1;
    Set(pw, CUDNN_ATTR_POINTWISE_SWISH_BETA, CUDNN_TYPE_DOUBLE, 1, &beta, "swish beta");
  }
  Ok(cudnnBackendFinalize(pw), "finalizing a pointwise descriptor");
  cudnnBackendDescriptor_t op = Make(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
  Set(op, CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &pw, "pointwise op");
  Set(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x, "pointwise x");
  if (b) Set(op, CUDNN_ATTR_OPERATION_POINTWISE_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &b, "pointwise b");
  Set(op, CUDNN_ATTR_OPERATION_POINTWISE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y, "pointwise y");
  Ok(cudnnBackendFinalize(op), "finalizing a pointwise operation");
  return op;
}

ConvGraph::ConvGraph(cudnnHandle_t h, const ConvGraphSpec& spec) : handle_(h), spec_(spec) {
  try {
    const bool int8 = spec.io == CUDNN_DATA_INT8;
    const bool epilogue = int8 || spec.bias || spec.residual || spec.act >= 0;
    // Types of the tensors beside x and w: the storage type, or for int8 float ones and int8 y/z where asked.
    const cudnnDataType_t y_type = int8 && !spec.y_int8 ? CUDNN_DATA_FLOAT : spec.io;
    const cudnnDataType_t bias_type = int8 ? CUDNN_DATA_FLOAT : spec.io;
    const cudnnDataType_t z_type = int8 && !spec.z_int8 ? CUDNN_DATA_FLOAT : spec.io;
    cudnnBackendDescriptor_t x = Tensor(kX, spec.io, spec.x, false);
    cudnnBackendDescriptor_t w = Tensor(kW, spec.io, spec.w, false);
    int64_t next_virtual = kVirtual;
    // The convolution writes y directly, or a virtual fp32 tensor the epilogue reads.
    cudnnBackendDescriptor_t cur =
        epilogue ? Tensor(next_virtual++, CUDNN_DATA_FLOAT, spec.y, true) : Tensor(kY, spec.io, spec.y, false);
    cudnnBackendDescriptor_t conv = Make(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR);
    const int64_t nd = static_cast<int64_t>(spec.pads.size());
    const cudnnDataType_t comp = int8 ? CUDNN_DATA_INT32 : CUDNN_DATA_FLOAT;
    const cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
    Set(conv, CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, CUDNN_TYPE_INT64, 1, &nd, "conv spatial dims");
    Set(conv, CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &comp, "conv compute type");
    Set(conv, CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &mode, "conv mode");
    Set(conv, CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_TYPE_INT64, nd, spec.dilations.data(), "conv dilations");
    Set(conv, CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, CUDNN_TYPE_INT64, nd, spec.strides.data(), "conv strides");
    Set(conv, CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_TYPE_INT64, nd, spec.pads.data(), "conv pre-paddings");
    const std::vector<int64_t>& post = spec.post_pads.empty() ? spec.pads : spec.post_pads;
    Set(conv, CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_TYPE_INT64, nd, post.data(), "conv post-paddings");
    Ok(cudnnBackendFinalize(conv), "finalizing the convolution descriptor");
    cudnnBackendDescriptor_t op = Make(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR);
    const float alpha = 1.0f, beta = 0.0f;
    Set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x, "conv x");
    Set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &w, "conv w");
    Set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cur, "conv y");
    Set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &conv, "conv desc");
    Set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha, "conv alpha");
    Set(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_TYPE_FLOAT, 1, &beta, "conv beta");
    Ok(cudnnBackendFinalize(op), "finalizing the convolution operation");
    std::vector<cudnnBackendDescriptor_t> ops = {op};
    // The epilogue: each step reads the previous one; the last writes y.
    struct Step {
      int mode;
      cudnnBackendDescriptor_t b;
    };
    std::vector<Step> steps;
    std::vector<int64_t> per_channel(spec.y.size(), 1), one(spec.y.size(), 1);
    per_channel[1] = spec.y[1];
    if (int8) steps.push_back({CUDNN_POINTWISE_MUL, Tensor(kScale, CUDNN_DATA_FLOAT, per_channel, false)});
    if (spec.bias) steps.push_back({CUDNN_POINTWISE_ADD, Tensor(kBias, bias_type, per_channel, false)});
    if (spec.residual && int8 && spec.z_int8) {
      // z * z_scale, a virtual tensor beside the chain, then added to it.
      cudnnBackendDescriptor_t zf = Tensor(next_virtual++, CUDNN_DATA_FLOAT, spec.y, true);
      ops.push_back(Pointwise(CUDNN_POINTWISE_MUL, Tensor(kZ, z_type, spec.y, false),
                              Tensor(kZScale, CUDNN_DATA_FLOAT, one, false), zf));
      steps.push_back({CUDNN_POINTWISE_ADD, zf});
    } else if (spec.residual) {
      steps.push_back({CUDNN_POINTWISE_ADD, Tensor(kZ, z_type, spec.y, false)});
    }
    if (spec.act >= 0) steps.push_back({spec.act, nullptr});
    if (int8 && spec.y_int8) {
      steps.push_back({CUDNN_POINTWISE_DIV, Tensor(kYScale, CUDNN_DATA_FLOAT, one, false)});
      if (spec.y_zero) steps.push_back({CUDNN_POINTWISE_ADD, Tensor(kYZero, CUDNN_DATA_FLOAT, one, false)});
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      const bool last = i + 1 == steps.size();
      cudnnBackendDescriptor_t out =
          last ? Tensor(kY, y_type, spec.y, false) : Tensor(next_virtual++, CUDNN_DATA_FLOAT, spec.y, true);
      ops.push_back(Pointwise(steps[i].mode, cur, steps[i].b, out));
      cur = out;
    }
    cudnnBackendDescriptor_t graph = Make(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
    Set(graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle_, "graph handle");
    Set(graph, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, static_cast<int64_t>(ops.size()),
        ops.data(), "graph operations");
    Ok(cudnnBackendFinalize(graph), "finalizing the operation graph");
    cudnnBackendDescriptor_t heur = Make(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
    const cudnnBackendHeurMode_t heur_mode = CUDNN_HEUR_MODE_A;
    Set(heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph, "heuristics graph");
    Set(heur, CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &heur_mode, "heuristics mode");
    Ok(cudnnBackendFinalize(heur), "finalizing the heuristics");
    int64_t available = 0;
    Ok(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &available,
                                nullptr),
       "counting the heuristics' results");
    const int64_t want = available < kMaxConfigs ? available : kMaxConfigs;
    configs_.assign(static_cast<size_t>(want), nullptr);
    for (cudnnBackendDescriptor_t& c : configs_)
      Ok(cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, &c), "cudnnBackendCreateDescriptor");
    int64_t got = 0;
    if (want > 0) {
      Ok(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, want, &got,
                                  configs_.data()),
         "reading the heuristics' results");
    }
    for (size_t i = static_cast<size_t>(got < 0 ? 0 : got); i < configs_.size(); ++i)
      cudnnBackendDestroyDescriptor(configs_[i]);
    configs_.resize(static_cast<size_t>(got < 0 ? 0 : got));
  } catch (...) {
    for (cudnnBackendDescriptor_t c : configs_) {
      if (c) cudnnBackendDestroyDescriptor(c);
    }
    for (cudnnBackendDescriptor_t d : owned_) cudnnBackendDestroyDescriptor(d);
    throw;
  }
}

ConvGraph::~ConvGraph() {
  for (cudnnBackendDescriptor_t c : configs_) cudnnBackendDestroyDescriptor(c);
  for (auto it = owned_.rbegin(); it != owned_.rend(); ++it) cudnnBackendDestroyDescriptor(*it);
}

std::shared_ptr<ConvGraph::Plan> ConvGraph::MakePlan(int k) const {
  if (k < 0 || k >= configs()) return nullptr;
  cudnnBackendDescriptor_t cfg = configs_[k];
  // Runs must be reproducible (equal results run after run, which the concurrency tests
  // check bit for bit); convolutions accumulate in fp32 whatever the storage type (an fp16 sum
  // of 18432 products, fcn's head, measured a cosine of 0.997 against onnxruntime); and fp32
  // is fp32: no TF32, no FFTs.
  {
    cudnnBackendDescriptor_t engine = nullptr;
    if (cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINE_DESCRIPTOR, &engine) != CUDNN_STATUS_SUCCESS) return nullptr;
    int64_t n = 0, count = 0;
    cudnnBackendNumericalNote_t notes[CUDNN_NUMERICAL_NOTE_TYPE_COUNT];
    bool ok = cudnnBackendGetAttribute(cfg, CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &n,
                                       &engine) == CUDNN_STATUS_SUCCESS &&
              cudnnBackendGetAttribute(engine, CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, CUDNN_TYPE_NUMERICAL_NOTE,
                                       CUDNN_NUMERICAL_NOTE_TYPE_COUNT, &count, notes) == CUDNN_STATUS_SUCCESS;
    const bool fp32 = spec_.io == CUDNN_DATA_FLOAT;
    // int8 sums are int32 whatever an engine says of its reduction: exact.
    const bool int8 = spec_.io == CUDNN_DATA_INT8;
    for (int64_t i = 0; ok && i < count; ++i) {
      const cudnnBackendNumericalNote_t note = notes[i];
      ok = note != CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC &&
           (int8 || note != CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION) &&
           note != CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS &&
           !(fp32 && (note == CUDNN_NUMERICAL_NOTE_TENSOR_CORE || note == CUDNN_NUMERICAL_NOTE_FFT));
    }
    cudnnBackendDestroyDescriptor(engine);
    if (!ok) return nullptr;
  }
  cudnnBackendDescriptor_t plan = nullptr;
  if (cudnnBackendCreateDescriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR, &plan) != CUDNN_STATUS_SUCCESS)
    return nullptr;
  cudnnHandle_t h = handle_;
  int64_t workspace = 0, n = 0;
  const bool ok = cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &h) ==
                      CUDNN_STATUS_SUCCESS &&
                  cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                                           1, &cfg) == CUDNN_STATUS_SUCCESS &&
                  cudnnBackendFinalize(plan) == CUDNN_STATUS_SUCCESS &&
                  cudnnBackendGetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1, &n,
                                           &workspace) == CUDNN_STATUS_SUCCESS &&
                  workspace >= 0;
  if (!ok) {
    cudnnBackendDestroyDescriptor(plan);
    return nullptr;
  }
  return std::make_shared<Plan>(plan, static_cast<size_t>(workspace));
}

cudnnStatus_t ConvGraph::Execute(cudnnHandle_t h, const Plan& p, const ConvGraphData& d, void* workspace) const {
  std::lock_guard<std::mutex> lock(execute_mu_);
  int64_t uids[9];
  void* ptrs[9];
  int n = 0;
  auto add = [&](int64_t uid, const void* ptr) {
    uids[n] = uid;
    ptrs[n++] = const_cast<void*>(ptr);
  };
  add(kX, d.x);
  add(kW, d.w);
  add(kY, d.y);
  if (spec_.bias) add(kBias, d.bias);
  if (spec_.residual) add(kZ, d.z);
  if (spec_.io == CUDNN_DATA_INT8) {
    const uint8_t* scalars = static_cast<const uint8_t*>(d.scalars);
    add(kScale, d.scale);
    if (spec_.residual && spec_.z_int8) add(kZScale, scalars);
    if (spec_.y_int8) add(kYScale, scalars + 16);
    if (spec_.y_int8 && spec_.y_zero) add(kYZero, scalars + 32);
  }
  cudnnBackendDescriptor_t pack = nullptr;
  cudnnStatus_t s = cudnnBackendCreateDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, &pack);
  if (s != CUDNN_STATUS_SUCCESS) return s;
  s = cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, n, uids);
  if (s == CUDNN_STATUS_SUCCESS)
    s = cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, n, ptrs);
  if (s == CUDNN_STATUS_SUCCESS)
    s = cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &workspace);
  if (s == CUDNN_STATUS_SUCCESS) s = cudnnBackendFinalize(pack);
  if (s == CUDNN_STATUS_SUCCESS) s = cudnnBackendExecute(h, p.get(), pack);
  cudnnBackendDestroyDescriptor(pack);
  return s;
}

bool SetGraphActivation(int op, float lo, float hi, ConvGraphSpec* spec) {
  using U = UnaryOp;
  int mode = -1;
  if (op >= 0) {
    switch (static_cast<U>(op)) {
      case U::kRelu: mode = CUDNN_POINTWISE_RELU_FWD; break;
      case U::kClip:  // relu6 and kin: relu with an upper clip
        if (lo != 0) return false;
        mode = CUDNN_POINTWISE_RELU_FWD;
        break;
      case U::kSilu: mode = CUDNN_POINTWISE_SWISH_FWD; break;
      case U::kSigmoid: mode = CUDNN_POINTWISE_SIGMOID_FWD; break;
      case U::kTanh: mode = CUDNN_POINTWISE_TANH_FWD; break;
      case U::kGelu: mode = CUDNN_POINTWISE_GELU_FWD; break;
      case U::kGeluTanh: mode = CUDNN_POINTWISE_GELU_APPROX_TANH_FWD; break;
      default: return false;
    }
  }
  spec->act = mode;
  spec->relu_upper_clip = op == static_cast<int>(U::kClip) && std::isfinite(hi);
  spec->relu_upper = spec->relu_upper_clip ? hi : 0;
  return true;
}

}  // namespace cuda
}  // namespace hybridrt
