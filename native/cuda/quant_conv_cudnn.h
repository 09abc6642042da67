// cuDNN's int8 convolution as tactics of the int8 convolution ("cudnn_int8:<k>"; quant_conv.cu
// says where it applies and how it is chosen): the graph of cudnn_graph.h made once per layer,
// the plan of the configuration run, and the check of its output against a tile's.
#pragma once

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

namespace hybridrt {
namespace cuda {

class Int8CudnnTactics {
 public:
  static constexpr const char* kPrefix = "cudnn_int8:";
  static constexpr int kTries = 3;  // configurations timed at build time (the heuristics' first)

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
      } catch (const std::exception&) {
        return false;
      }
    }
    if (k < 0 || k >= graph_->configs()) return false;
    if (plans_.size() <= static_cast<size_t>(k)) plans_.resize(k + 1);
    if (!plans_[k]) plans_[k] = graph_->MakePlan(k);
    plan_ = plans_[k];
    config_ = plan_ ? k : -1;
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
};

}  // namespace cuda
}  // namespace hybridrt
