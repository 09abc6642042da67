// Convolutions through cuDNN's graph (backend) API. cuDNN 9 serves its legacy
// cudnnConvolutionForward through generic engines that measured 5-10x slower than PyTorch's
// convolutions on an H200 (docs/benchmarks.md); the graph API's heuristics reach the engines
// built for the device. A ConvGraph is one forward convolution, alone or followed by its
// epilogue as pointwise operations of the same graph (bias add, residual add, activation) that
// cuDNN's runtime-fusion engines compile into one kernel:
//
//   x, w -> conv -> [+ bias] -> [+ z] -> [act] -> y      (intermediates virtual, in fp32)
//
// The heuristics (mode A) rank configurations; the kernel times the first few (ExecutionPlan)
// and records the chosen index as its tactic, which a later build or a plan re-derives from
// the same heuristics (deterministic for one cuDNN version and device, which the timing
// cache's device key and the plan's architecture pin). Every cuDNN status is checked: a graph
// or configuration cuDNN refuses is simply not a candidate.
#pragma once

#include <cudnn.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hybridrt {
namespace cuda {

struct ConvGraphSpec {
  cudnnDataType_t io = CUDNN_DATA_HALF;           // x, w, y, bias, z
  bool nhwc = false;                              // channels-last x, z, y (and KRSC w)
  std::vector<int64_t> x, w, y;                   // NCHW-order dims; w is (k, c/groups, spatial...)
  std::vector<int64_t> pads, strides, dilations;  // per spatial dim (symmetric pads)
  std::vector<int64_t> post_pads;                 // trailing pads where they differ (empty: pads)
  bool bias = false, residual = false;
  // The activation as a cuDNN pointwise mode, or -1 for none; relu's clips (relu6 is relu
  // with an upper clip).
  int act = -1;
  bool relu_upper_clip = false;
  double relu_upper = 0;
  // int8 (io CUDNN_DATA_INT8: int8 x and w, int32 sums): the sum is first multiplied by a
  // per-channel float scale (a [1, K, 1, 1] tensor); bias is float; z is float, or int8 times
  // a float scale ([1, 1, 1, 1]) where z_int8; y is float, or int8 where y_int8: the epilogue's
  // value v becomes v / y_scale (+ y_zero where y_zero) before cuDNN converts it.
  bool z_int8 = false, y_int8 = false, y_zero = false;
};

// An epilogue's activation (device_common.cuh's Act: a UnaryOp, or kNoActivation) as the
// spec's pointwise mode (act) and relu clips: relu, relu6 and other clips from 0, SiLU (swish),
// sigmoid, tanh, GELU (erf and tanh forms). False where cuDNN's graph has no such operation
// (the spec is left as it was): the one table both the float and the int8 convolutions read.
bool SetGraphActivation(int op, float lo, float hi, ConvGraphSpec* spec);

// Device addresses of a graph's tensors (ConvGraph::Execute): those the spec has. The int8
// scalars (z's scale, y's scale and zero point) are floats 16 bytes apart from `scalars`.
struct ConvGraphData {
  const void* x = nullptr;
  const void* w = nullptr;
  void* y = nullptr;
  const void* bias = nullptr;
  const void* z = nullptr;
  const void* scale = nullptr;    // int8: the per-channel scale
  const void* scalars = nullptr;  // int8: z scale, y scale, y zero
};

class ConvGraph {
 public:
  class Plan;

  // Builds the operation graph and queries the heuristics on handle `h`. Throws (a
  // std::runtime_error with cuDNN's message) where cuDNN refuses the graph.
  ConvGraph(cudnnHandle_t h, const ConvGraphSpec& spec);
  ~ConvGraph();
  ConvGraph(const ConvGraph&) = delete;
  ConvGraph& operator=(const ConvGraph&) = delete;

  // Configurations the heuristics offer (at most the first `kMaxConfigs`).
  static constexpr int kMaxConfigs = 8;
  int configs() const { return static_cast<int>(configs_.size()); }
  // An execution plan of configuration k, or null where cuDNN cannot make one, where its
  // engine is not deterministic, accumulates in reduced precision or rounds its inputs down,
  // or would compute fp32 data in TF32 or through FFTs.
  std::shared_ptr<Plan> MakePlan(int k) const;

  // Queues plan `p` on handle h's stream: the tensors of the spec (bias and z where it has
  // them) and a workspace of p.workspace() bytes. A graph's plans are shared by the contexts
  // of an engine: one execution is queued at a time (execute_mu_).
  cudnnStatus_t Execute(cudnnHandle_t h, const Plan& p, const ConvGraphData& d, void* workspace) const;

  class Plan {
   public:
    explicit Plan(cudnnBackendDescriptor_t d, size_t workspace) : d_(d), workspace_(workspace) {}
    ~Plan();
    size_t workspace() const { return workspace_; }
    cudnnBackendDescriptor_t get() const { return d_; }

   private:
    cudnnBackendDescriptor_t d_;
    size_t workspace_;
  };

 private:
  cudnnBackendDescriptor_t Make(cudnnBackendDescriptorType_t type);
  cudnnBackendDescriptor_t Tensor(int64_t uid, cudnnDataType_t t, const std::vector<int64_t>& dims, bool is_virtual);
  cudnnBackendDescriptor_t Pointwise(int mode, cudnnBackendDescriptor_t x, cudnnBackendDescriptor_t b,
                                     cudnnBackendDescriptor_t y);

  cudnnHandle_t handle_;
  ConvGraphSpec spec_;
  std::vector<cudnnBackendDescriptor_t> owned_;    // destroyed with the graph
  std::vector<cudnnBackendDescriptor_t> configs_;  // engine configurations, best first
  mutable std::mutex execute_mu_;
};

}  // namespace cuda
}  // namespace hybridrt
