// The cuDNN convolution and deconvolution kernel: its class, whose members live in
// conv_cudnn.cc (descriptors, the tactics a plan names, launches) and conv_cudnn_tactics.cc
// (tactic choice at build time).
//
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
#pragma once

#include <cudnn.h>

#include <climits>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cuda/cudnn_graph.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/activation.h"

namespace hybridrt {
namespace cuda {

class ConvKernel : public CudaKernel {
 public:
  ConvKernel(CudaBackend* b, bool deconv) : CudaKernel(b), deconv_(deconv) {}
  ~ConvKernel() override;

  size_t WorkspaceBytes() const override { return algo_workspace_ + extra_bytes_; }

 protected:
  void CheckDnn(cudnnStatus_t s, const char* what) const {
    if (s != CUDNN_STATUS_SUCCESS) Bad(ErrorCode::kNative, Cat(what, ": ", cudnnGetErrorString(s)));
  }

  int Int(int64_t v, const char* what) const {
    if (v > INT_MAX) Bad(ErrorCode::kNative, Cat(what, " ", v, " is beyond cuDNN's 32-bit dims"));
    return static_cast<int>(v);
  }

  // ---- conv_cudnn.cc: descriptors, tactic names, the tactics a plan names, launches.

  // Descriptors for the shapes at hand (x: the conv input or deconv input, y: its output;
  // cuDNN sees, for a deconvolution, the forward convolution from its output to its input).
  void Analyze() override;

  std::string Name(int algo, int math, bool fused = false) const;

  // Workspace of an algorithm under a math type, or false if cuDNN refuses the pair.
  bool Workspace(int algo, int math, size_t* bytes);

  bool Allowed(int algo, int math) const;

  // Whether the epilogue can be cuDNN's fused call: a bias (it takes no null one), relu or
  // no activation, no padding copy.
  bool FusedCallApplies() const {
    const bool act_ok = act_.op == kNoActivation || act_.op == static_cast<int>(UnaryOp::kRelu);
    return !deconv_ && !explicit_pad_ && has_bias_ && act_ok;
  }

  bool Epilogue() const { return has_bias_ || residual_ || act_.op != kNoActivation; }

  // ---- the graph API (cudnn_graph.h): 2-d convolutions without a padding copy.
  static constexpr int kGraphConfigs = 3, kFusedGraphConfigs = 2, kNoGraphAct = -2;

  bool GraphApplies() const { return !deconv_ && !explicit_pad_ && out_[0].shape.size() == 4; }

  // The fused activation as a cuDNN pointwise mode: -1 none, kNoGraphAct where cuDNN has none.
  int GraphActivation() const;

  ConvGraphSpec GraphSpec(bool fused) const;

  static std::string GraphName(int k, bool fused) { return Cat(fused ? "cudnn_graph_fused:" : "cudnn_graph:", k); }

  void CreateActivationDesc();

  std::string Accept(const std::string& requested) override;

  void PrepareKernel() override;

  // ---- conv_cudnn_tactics.cc: tactic choice.

  std::string Choose() override;

  // Every way to run this convolution and its epilogue, timed alike; the fastest whose output
  // matches the legacy path's (conv_cudnn_tactics.cc says how).
  template <typename R>
  std::string ChooseTimed(const std::vector<R>& usable, void* x, void* w, void* y, void* ws, size_t limit, void** bias,
                          void** z);

  // Whether `run` writes what `reference` does on the timing data, within what two correct
  // implementations may differ by, relative to the output's largest magnitude: fp32 1e-4
  // (accumulation order); fp16 5e-3 and bf16 3e-2, ten times one rounding of the storage type
  // (a fused engine keeps the convolution's sum in fp32 where the reference rounds it before
  // the epilogue). An engine accumulating in fp16 misses that by far on long reductions.
  bool Matches(const std::function<bool(void*)>& run, const std::function<bool(void*)>& reference, void* y,
               std::vector<float>* want);

  // How many of the fused graph's configurations are timed: kFusedGraphConfigs, or
  // HYBRIDRT_FUSED_GRAPH_CONFIGS (measurements).
  int FusedGraphTries() const {
    const int n = switches_.fused_graph_configs;
    return n > 0 ? n : kFusedGraphConfigs;
  }

  bool TacticLog() const { return switches_.log; }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override;

 private:
  bool deconv_;
  bool nhwc_ = false, residual_ = false, has_bias_ = false, fused_call_ = false, graph_fused_ = false;
  std::unique_ptr<ConvGraph> graph_;
  std::shared_ptr<ConvGraph::Plan> plan_;
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

}  // namespace cuda
}  // namespace hybridrt
