// cuDNN's int8 convolution as tactics of the int8 convolution ("cudnn_int8:<k>"; quant_conv.cu
// says where it applies and how it is chosen): the graph of cudnn_graph.h made once per layer,
// the plan of the configuration run, and the check of its output against a tile's.
//
// cuDNN's int8 graph takes input channels in multiples of 4. A layer of other channel counts
// (5 to 7, say; a 3-channel first layer stays float: qdq_fusion.h fold_min_channels) gives it
// Cp = Int8CudnnChannels(c): its weights padded with zero channels once, its input copied into
// a padded tensor before each run (Int8CudnnPadding, zeros: the tactic applies only where the
// input's zero point is 0, so they add nothing).
// Included by quant_conv.cu only (nvcc).
#pragma once

#include <cuda_runtime.h>
#include <cudnn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cuda/cudnn_graph.h"
#include "cuda/kernels.h"
#include "cuda/quant_conv_kernel.cuh"
#include "layers/quant_form.h"

namespace hybridrt {
namespace cuda {

inline int Int8CudnnChannels(int c) { return (c + 3) / 4 * 4; }

// The spec's geometry (x, w, y, pads, strides, dilations) of an int8 layer's graph: channels-last,
// Cp input channels; the caller adds the epilogue (bias, residual, activation, output).
inline ConvGraphSpec Int8CudnnGeometry(const qconv::QConvGeometry& g) {
  ConvGraphSpec c;
  c.io = CUDNN_DATA_INT8;
  c.nhwc = true;
  const int64_t n = g.rows / (static_cast<int64_t>(g.oh) * g.ow), cp = Int8CudnnChannels(g.c);
  c.x = {n, cp, g.h, g.w};
  c.w = {g.m, cp, g.kh, g.kw};
  c.y = {n, g.m, g.oh, g.ow};
  c.pads = {g.ph, g.pw};
  // The trailing pads the last window reaches, never below 0: where a stride leaves the last
  // input rows unread (a 1x1/2 downsample on an even size: -1), cuDNN refuses a negative
  // post-padding (CUDNN_STATUS_BAD_PARAM), and 0 gives the same output size by its floor.
  auto post = [](int64_t out, int s, int k, int d, int64_t in, int pad) {
    return std::max<int64_t>(0, (out - 1) * s + static_cast<int64_t>(k - 1) * d + 1 - in - pad);
  };
  c.post_pads = {post(g.oh, g.sh, g.kh, g.dh, g.h, g.ph), post(g.ow, g.sw, g.kw, g.dw, g.w, g.pw)};
  c.strides = {g.sh, g.sw};
  c.dilations = {g.dh, g.dw};
  return c;
}

// The weights as cuDNN's dense [M, kh, kw, Cp] tensor, zeros in the padded channels; `at(o, i)`
// reads output channel o's i-th weight of k = kh * kw * c (tap-major, as the tiles' rows).
template <class At>
std::vector<int8_t> Int8CudnnWeights(const qconv::QConvGeometry& g, At&& at) {
  const int cp = Int8CudnnChannels(g.c), taps = g.kh * g.kw;
  std::vector<int8_t> dense(static_cast<size_t>(g.m) * taps * cp, 0);
  for (int o = 0; o < g.m; ++o) {
    for (int t = 0; t < taps; ++t) {
      for (int ch = 0; ch < g.c; ++ch) dense[(static_cast<size_t>(o) * taps + t) * cp + ch] = at(o, t * g.c + ch);
    }
  }
  return dense;
}

// The padded input: its bytes (0 where c is a multiple of 4) and the copy of x as [positions, c]
// into [positions, cp], zero channels after (slice_pad.cu's pad, constant 0). Made once per
// shape (the kernel's Analyze); each run launches the copy.
struct Int8CudnnPadding {
  size_t bytes = 0;
  PadGeometry geometry;
  Int8CudnnPadding() = default;
  Int8CudnnPadding(const qconv::QConvGeometry& g, int64_t input_elements) {
    const int64_t cp = Int8CudnnChannels(g.c), positions = input_elements / g.c;
    if (cp == g.c) return;
    bytes = static_cast<size_t>(positions * cp);
    geometry = MakePadGeometry({positions, g.c}, {positions, cp}, {0, 0}, {0, cp - g.c}, PadMode::kConstant);
  }
  cudaError_t Copy(const void* x, void* xp, cudaStream_t s) const {
    return LaunchPad(1, x, xp, geometry, static_cast<int64_t>(bytes), s);
  }
};

// Why cuDNN's int8 graph cannot express a layer of geometry g, form q, x uint8 or not, residual
// of type z_type (0 none or float, 1 int8, 2 uint8), output out_code (QConvEpilogue::out) and
// activation act: "" where it can (the tactic log's words).
inline std::string Int8CudnnRefusal(const qconv::QConvGeometry& g, const QuantForm& q, bool x_unsigned, int z_type,
                                    int out_code, const Act& act) {
  ConvGraphSpec a;
  if (x_unsigned || q.input_zero != 0) return "x is uint8 or has a zero point";
  if (!g.nhwc) return "the layer is channels-first";
  if (g.m % 4 != 0) return Cat(g.m, " output channels (a multiple of 4 only)");
  if (g.rows <= 0) return "no output rows";
  if (out_code == 2) return "the output is uint8";
  if (z_type != 0 && !(z_type == 1 && q.residual_zero == 0)) return "the residual is uint8 or has a zero point";
  if (!SetGraphActivation(act.op, act.lo, act.hi, &a)) return "its activation is not one cuDNN's graph fuses";
  return "";
}
// The graph of such a layer (where Int8CudnnRefusal says "").
inline ConvGraphSpec Int8CudnnSpec(const qconv::QConvGeometry& g, const QuantForm& q, bool bias, bool residual,
                                   int out_code, const Act& act) {
  ConvGraphSpec c = Int8CudnnGeometry(g);
  c.bias = bias;
  c.residual = residual;
  c.z_int8 = residual && q.residual_quantized;
  SetGraphActivation(act.op, act.lo, act.hi, &c);
  c.y_int8 = out_code == 1;
  c.y_zero = c.y_int8 && q.output_zero != 0;
  return c;
}

class Int8CudnnTactics {
 public:
  static constexpr const char* kPrefix = "cudnn_int8:";
  static constexpr int kTries = 3;  // configurations timed at build time (the heuristics' first)

  // The tactic check's patterned inputs (zeros would leave the bias add, z's scale and their
  // types unchecked): bytes in [-8, 8], and multiples of `step` in [-11, 11] steps.
  static std::vector<int8_t> Pattern(size_t n) {
    std::vector<int8_t> p(n);
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<int8_t>((i * 7919 + i / 13) % 17) - 8;
    return p;
  }
  static std::vector<float> FloatPattern(size_t n, float step) {
    std::vector<float> p(n);
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<float>(static_cast<int>(i % 23) - 11) * step;
    return p;
  }

  // The configuration a tactic names, or -1 for another tactic.
  static int Config(const std::string& tactic) {
    const size_t n = std::strlen(kPrefix);
    return tactic.compare(0, n, kPrefix) == 0 ? std::atoi(tactic.c_str() + n) : -1;
  }

  // The graph (made once, on `h`, from `spec`) and configuration k's plan; false where cuDNN
  // refuses either (then nothing is planned). Each configuration's plan is made once and kept
  // until KeepCurrent or Reset: on the H100, making configuration 1's plan again after 2's
  // had been made failed, so a build that timed 0, 1, 2 and chose 1 could not plan its choice.
  bool Plan(cudnnHandle_t h, const ConvGraphSpec& spec, int k) {
    if (config_ == k && plan_) return true;
    if (!graph_) {
      try {
        graph_ = std::make_unique<ConvGraph>(h, spec);
      } catch (const std::exception& e) {
        error_ = e.what();
        return false;
      }
    }
    if (k < 0 || k >= graph_->configs()) {
      error_ = Cat("the heuristics gave ", graph_->configs(), " configurations");
      return false;
    }
    if (plans_.size() <= static_cast<size_t>(k)) plans_.resize(k + 1);
    if (!plans_[k]) plans_[k] = graph_->MakePlan(k);
    plan_ = plans_[k];
    config_ = plan_ ? k : -1;
    if (!plan_) error_ = Cat("configuration ", k, " has no plan (numerical notes, or cuDNN refused it)");
    return plan_ != nullptr;
  }
  // After the choice: the chosen plan alone stays (the others' memory is given back).
  void KeepCurrent() { plans_.clear(); }
  void Reset() {
    plan_.reset();
    plans_.clear();
    config_ = -1;
  }
  int config() const { return config_; }  // -1: none planned
  // Why the graph or a configuration was refused (the tactic log's words), "" where not known.
  const std::string& error() const { return error_; }
  size_t workspace() const { return plan_ ? plan_->workspace() : 0; }

  cudnnStatus_t Execute(cudnnHandle_t h, const ConvGraphData& d, void* workspace) const {
    return graph_->Execute(h, *plan_, d, workspace);
  }

  // Whether cuDNN's output matches a tile's: int8 at most one step apart in at most 1% of the
  // elements (its rounding of v / sy on ties; a truncation or an offset is off everywhere),
  // float within 1e-5 of the largest magnitude.
  static bool Matches(bool int8_out, const std::vector<uint8_t>& want, const std::vector<uint8_t>& got) {
    if (int8_out) {
      size_t off = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        const int d = std::abs(static_cast<int8_t>(want[i]) - static_cast<int8_t>(got[i]));
        if (d > 1) return false;
        off += d;
      }
      return off * 100 <= want.size();
    }
    std::vector<float> a(want.size() / 4), b(got.size() / 4);
    std::memcpy(a.data(), want.data(), a.size() * 4);
    std::memcpy(b.data(), got.data(), b.size() * 4);
    float scale = 0, diff = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!std::isfinite(b[i])) return false;
      scale = std::max(scale, std::fabs(a[i]));
      diff = std::max(diff, std::fabs(a[i] - b[i]));
    }
    return diff <= 1e-5f * scale;
  }

 private:
  std::unique_ptr<ConvGraph> graph_;
  std::shared_ptr<ConvGraph::Plan> plan_;
  std::vector<std::shared_ptr<ConvGraph::Plan>> plans_;  // by configuration, until the choice
  int config_ = -1;
  std::string error_;
};

}  // namespace cuda
}  // namespace hybridrt
