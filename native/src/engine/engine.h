// An Engine: a validated network compiled for one backend (TensorRT's ICudaEngine). It owns
// its weights (copied once from the network's views into one aligned store, then uploaded
// by the backend), the memory plan, and one prepared Kernel per layer, except constants
// (tactic "constant") and aliases (tactic "alias": a byte-view shuffle whose output the
// memory plan puts at its input's offset, alias.h), which have none and launch nothing. Engines are immutable
// after construction and shared (std::shared_ptr) by their execution contexts, so that a
// run in flight keeps its engine alive even if the engine is disposed meanwhile.
#pragma once

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <mutex>
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

// What an engine needs at one set of input shapes: every tensor's shape (derive_shapes.h), the
// memory plan, and a kernel per layer prepared with the tactic the build chose (never timed
// again). The declared shapes' instance is the engine's own; a dynamic engine makes others as
// runs meet new shapes inside its ranges (TensorRT's per-shape setup of a context).
struct ShapeInstance {
  std::vector<Shape> input_shapes;
  std::vector<TensorInfo> tensors;  // per tensor id
  MemoryPlan memory;
  // The plain layer each computed one is at these shapes (computed_layers.h): its kernel's layer
  // (declared before the kernels, which point at it, so that it outlives them).
  std::map<size_t, Layer> resolved;
  std::vector<const Kernel*> kernels;  // per layer; null: launches nothing (a constant, an alias)
  std::vector<std::unique_ptr<Kernel>> owned;
  size_t workspace_bytes = 0;
  double prepare_ms = 0;  // what making it took (0 for the declared shapes)
  uint64_t arena_bytes() const { return memory.arena_bytes + workspace_bytes; }
};

// Instances an engine keeps beyond those contexts hold (the most recently used): enough for
// every batch of a model served with dynamic batching up to 64 (a batcher's merged batches take
// every size up to its maximum; making an instance again costs the JavaScript thread each time,
// on cuda up to seconds for a CNN's convolutions).
constexpr size_t kInstanceCacheSize = 64;

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
  // The device ordinal the engine's backend runs on (BuildConfig::device).
  int device() const { return device_; }
  // The layer's kernel; nullptr for constants and aliases (which launch nothing).
  const Kernel* kernel(size_t layer) const { return kernels_[layer].get(); }
  // Device address of a constant tensor, or nullptr if `id` is not a constant.
  const void* constant_data(int32_t id) const { return constant_device_[id].get(); }

  // Each input's range (empty: static), as the network gave them.
  const std::vector<InputRange>& ranges() const { return net_.ranges; }
  // The instance for these input shapes: the declared shapes' own, a cached one, or a new one
  // (thread-safe). Shapes outside the ranges are an Error (kShape) naming input, dim and range.
  std::shared_ptr<const ShapeInstance> Instance(const std::vector<Shape>& shapes) const;
  // The declared shapes of the inputs.
  std::vector<Shape> declared_input_shapes() const;
  // The largest arena (activations + workspace) of the declared, min and max instances: what a
  // context allocates up front.
  uint64_t max_arena_bytes() const { return max_arena_bytes_; }
  // Instances made beyond the declared one, since the build.
  size_t instances_made() const;

  // Marks the engine unusable for new contexts and runs; memory goes with the last holder.
  void Dispose() { disposed_.store(true); }
  bool disposed() const { return disposed_.load(); }

 private:
  Engine() = default;
  void Init(const Network& net, const BuildConfig& config, const std::string& backend, const MemoryPlan* memory);
  void PrepareKernels(const std::vector<std::string>* tactics);
  std::unique_ptr<Kernel> MakeKernel(KernelSetup& setup);
  // resolved_: the plain layers of the computed ones at the declared shapes.
  void ResolveDeclared();
  // What layer `layer`'s kernel is told at shapes `tensors`; a computed layer is told the plain
  // layer it is there (`resolved`, from DeriveNetworkShapes).
  KernelSetup SetupOf(size_t layer, const std::vector<TensorInfo>& tensors,
                      const std::map<size_t, Layer>& resolved) const;
  // Dynamic engines (instances.cc): the declared instance, a check that the layer rules give the
  // declared shapes, and the min and max instances, made once at build so that a range the
  // kernels cannot take fails the build, not a run.
  void PrepareInstances();
  std::shared_ptr<const ShapeInstance> MakeInstance(const std::vector<Shape>& shapes) const;

  Network net_;  // weights view weights_
  std::shared_ptr<void> weights_;
  size_t weight_bytes_ = 0;
  std::vector<std::shared_ptr<const void>> constant_device_;  // per tensor
  std::vector<const void*> constant_host_;                    // per tensor
  MemoryPlan memory_;
  std::unique_ptr<Backend> backend_;
  std::map<size_t, Layer> resolved_;              // computed layers at the declared shapes (outlives kernels_)
  std::vector<std::unique_ptr<Kernel>> kernels_;  // per layer; null for constants and aliases
  std::vector<std::string> tactics_;
  std::vector<double> tactic_ms_;
  std::vector<LayerPrecision> precisions_;
  size_t workspace_bytes_ = 0;
  int threads_ = 1;
  int device_ = 0;
  std::string timing_cache_path_;
  TacticSwitches tactic_switches_;
  BuildStats stats_;
  bool alias_ = true;
  std::shared_ptr<const ShapeInstance> declared_;
  uint64_t max_arena_bytes_ = 0;
  mutable std::mutex instances_mu_;
  mutable std::list<std::shared_ptr<const ShapeInstance>> instances_;  // most recently used first
  mutable size_t instances_made_ = 0;
  std::atomic<bool> disposed_{false};
};

}  // namespace hybridrt
