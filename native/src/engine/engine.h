// An Engine: a validated network compiled for one backend (TensorRT's ICudaEngine). It owns
// its weights (copied once from the network's views into one aligned store, then uploaded
// by the backend), the memory plan, and one prepared Kernel per layer, except constants
// (tactic "constant") and aliases (tactic "alias": a byte-view shuffle whose output the
// memory plan puts at its input's offset, alias.h), which have none and launch nothing. Engines are immutable
// after construction and shared (std::shared_ptr) by their execution contexts, so that a
// run in flight keeps its engine alive even if the engine is disposed meanwhile.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "src/builder/build_config.h"
#include "src/builder/memory_planner.h"
#include "src/builder/passes.h"
#include "src/builder/precision.h"
#include "src/engine/backend.h"
#include "src/ir/network.h"

namespace hybridrt {

// The tactic of a layer that runs as an alias (recorded in plans; engine.info() shows it).
constexpr const char* kAliasTactic = "alias";

// What a build did, for engine.info().
struct BuildStats {
  double build_ms = 0;       // validation, rewrites, weights, kernels and tactics (0 for a deserialized engine)
  PassStats passes;          // what the builder's passes did (zeros for a deserialized engine)
  std::string timing_cache;  // the file, if any
  int cache_hits = 0, cache_misses = 0;
};

class Engine {
 public:
  // Validates `net` (validator.h) and builds; the network's weight views are read once here.
  // Builds in two phases so that JS memory is only read on the JS thread: Load validates
  // `net` (validator.h), copies its weights and plans memory; PrepareKernels (any thread)
  // creates and prepares the kernels.
  static std::shared_ptr<Engine> Load(const Network& net, const BuildConfig& config);
  void PrepareKernels() { PrepareKernels(nullptr); }
  // Rebuilds an engine from plan bytes (plan.h); refuses plans for another backend or device.
  static std::shared_ptr<Engine> Deserialize(const uint8_t* data, size_t size, const BuildConfig& config);

  std::vector<uint8_t> Serialize() const;

  const Network& network() const { return net_; }
  const MemoryPlan& memory() const { return memory_; }
  const std::vector<std::string>& tactics() const { return tactics_; }
  // Per layer: what its tactic took when timed at build time (NaN: not timed, or deserialized).
  const std::vector<double>& tactic_ms() const { return tactic_ms_; }
  // Per layer: the precision it computes in, and why it stays fp32 (precision.h).
  const std::vector<LayerPrecision>& precisions() const { return precisions_; }
  size_t workspace_bytes() const { return workspace_bytes_; }
  const BuildStats& build_stats() const { return stats_; }
  size_t weight_bytes() const { return weight_bytes_; }
  Backend& backend() const { return *backend_; }
  int threads() const { return threads_; }
  // The layer's kernel; nullptr for constants and aliases (which launch nothing).
  const Kernel* kernel(size_t layer) const { return kernels_[layer].get(); }
  // Device address of a constant tensor, or nullptr if `id` is not a constant.
  const void* constant_data(int32_t id) const { return constant_device_[id].get(); }

  // Marks the engine unusable for new contexts and runs; memory goes with the last holder.
  void Dispose() { disposed_.store(true); }
  bool disposed() const { return disposed_.load(); }

 private:
  Engine() = default;
  void Init(const Network& net, const BuildConfig& config, const std::string& backend, const MemoryPlan* memory);
  void PrepareKernels(const std::vector<std::string>* tactics);
  std::unique_ptr<Kernel> MakeKernel(KernelSetup& setup);

  Network net_;  // weights view weights_
  std::shared_ptr<void> weights_;
  size_t weight_bytes_ = 0;
  std::vector<std::shared_ptr<const void>> constant_device_;  // per tensor
  std::vector<const void*> constant_host_;                    // per tensor
  MemoryPlan memory_;
  std::unique_ptr<Backend> backend_;
  std::vector<std::unique_ptr<Kernel>> kernels_;  // per layer; null for constants and aliases
  std::vector<std::string> tactics_;
  std::vector<double> tactic_ms_;
  std::vector<LayerPrecision> precisions_;
  size_t workspace_bytes_ = 0;
  int threads_ = 1;
  std::string timing_cache_path_;
  TacticSwitches tactic_switches_;
  BuildStats stats_;
  std::atomic<bool> disposed_{false};
};

}  // namespace hybridrt
