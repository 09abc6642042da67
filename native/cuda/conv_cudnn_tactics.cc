// The cuDNN convolution kernel's tactic choice at build time (conv_cudnn.h, whose header says
// what the candidates are): cuDNN's own find over its algorithms, then the fused call, the graph
// API's configurations and our depthwise kernel timed against the fastest, each checked against
// the legacy path's output before it may win.
#include "cuda/conv_cudnn.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cuda/tactic_timer.h"
#include "src/ir/dtype.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr size_t kMaxWorkspace = size_t{256} << 20;

// How many of the fastest algorithms are also timed as one fused cuDNN call.
constexpr int kFusedCandidates = 3;

}  // namespace

std::string ConvKernel::Choose() {
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
std::string ConvKernel::ChooseTimed(const std::vector<R>& usable, void* x, void* w, void* y, void* ws, size_t limit,
                                    void** bias, void** z) {
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
    return cudnnConvolutionForward(h, &one, x_desc_, x, w_desc_, w, conv_, static_cast<cudnnConvolutionFwdAlgo_t>(algo),
                                   ws, bytes, &zero, y_desc_, out) == CUDNN_STATUS_SUCCESS &&
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
                                return g->Execute(h, *p, ConvGraphData{x, w, out, *bias, zz}, ws) ==
                                           CUDNN_STATUS_SUCCESS &&
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

bool ConvKernel::Matches(const std::function<bool(void*)>& run, const std::function<bool(void*)>& reference, void* y,
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

}  // namespace cuda
}  // namespace hybridrt
