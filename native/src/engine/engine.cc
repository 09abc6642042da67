// Engine construction from a network or a plan, and serialization (see engine.h).
#include "src/engine/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "src/builder/alias.h"
#include "src/builder/qdq_fusion.h"
#include "src/engine/plan.h"
#include "src/engine/timing_cache.h"
#include "src/ir/computed_layers.h"
#include "src/ir/derive_shapes.h"
#include "layers/quant_form.h"
#include "src/ir/validator.h"
#include "src/util/aligned_buffer.h"
#include "src/util/error.h"
#include "src/util/thread_pool.h"

namespace hybridrt {

TensorDesc MakeTensorDesc(DType dtype, const Shape& shape) {
  TensorDesc d;
  d.dtype = dtype;
  d.shape = shape;
  d.numel = Numel(shape);
  d.bytes = static_cast<size_t>(d.numel) * DTypeSize(dtype);
  return d;
}

namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// The builder's passes (passes.h) make the network the engine is built from.
std::shared_ptr<Engine> Engine::Load(const Network& net, const BuildConfig& config) {
  const auto t0 = std::chrono::steady_clock::now();
  ValidateNetwork(net);
  std::shared_ptr<Engine> engine(new Engine());
  const BuiltNetwork built =
      RunBuilderPasses(net, config, PassTarget{RunsPointwise(config.backend)}, &engine->stats_.passes);
  engine->Init(built.changed ? built.net : net, config, config.backend,
               nullptr);             // copies the weights (converted ones too)
  engine->net_.ranges = net.ranges;  // the passes keep the inputs, so their ranges hold
  engine->timing_cache_path_ = config.timing_cache_path;
  engine->stats_.build_ms = MsSince(t0);
  return engine;
}

std::shared_ptr<Engine> Engine::Deserialize(const uint8_t* data, size_t size, const BuildConfig& config) {
  PlanContents plan = ReadPlan(data, size);
  std::vector<std::string> compiled = CompiledBackends();
  if (std::find(compiled.begin(), compiled.end(), plan.backend) == compiled.end()) {
    std::string have;
    for (const std::string& b : compiled) have += (have.empty() ? "" : ", ") + b;
    Fail(ErrorCode::kPlan, Cat("plan: built for backend '", plan.backend, "', which this addon does not have (it has: ",
                               have, "); rebuild the engine from the model"));
  }
  std::unique_ptr<Backend> probe = CreateBackend(plan.backend, BackendOptions{1, config.device});
  if (probe->DeviceArch() != plan.device_arch) {
    Fail(ErrorCode::kPlan, Cat("plan: built for ", plan.backend, " architecture '", plan.device_arch,
                               "'; this device is '", probe->DeviceArch(), "' (rebuild the engine from the model)"));
  }
  std::shared_ptr<Engine> engine(new Engine());
  engine->Init(plan.network, config, plan.backend, &plan.memory);
  engine->PrepareKernels(&plan.tactics);
  return engine;
}

void Engine::Init(const Network& net, const BuildConfig& config, const std::string& backend, const MemoryPlan* memory) {
  tactic_switches_ = config.tactic_switches;
  threads_ = config.threads > 0 ? std::min(config.threads, HardwareThreads()) : HardwareThreads();
  device_ = config.device;
  backend_ = CreateBackend(backend, BackendOptions{threads_, device_});
  net_.format_version = net.format_version;
  net_.name = net.name;
  net_.tensors = net.tensors;
  net_.inputs = net.inputs;
  net_.outputs = net.outputs;
  net_.layers = net.layers;
  // One store for every constant, each 64-byte aligned (SIMD loads, cache lines).
  std::vector<size_t> offsets(net.layers.size(), 0);
  size_t total = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    offsets[i] = total;
    total += (net.weights[i].bytes + 63) / 64 * 64;
  }
  weight_bytes_ = total;
  weights_ = AllocateAligned(total, 64);
  uint8_t* store = static_cast<uint8_t*>(weights_.get());
  net_.weights.resize(net.layers.size());
  constant_device_.assign(net.tensors.size(), nullptr);
  constant_host_.assign(net.tensors.size(), nullptr);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const WeightView& w = net.weights[i];
    if (net.layers[i].kind != LayerKind::kConstant) continue;
    uint8_t* dst = store + offsets[i];
    if (w.bytes) std::memcpy(dst, w.data, w.bytes);
    net_.weights[i] = {dst, w.bytes};
    int32_t id = net.layers[i].outputs[0];
    constant_host_[id] = dst;
    constant_device_[id] = backend_->UploadWeights(dst, w.bytes);
  }
  alias_ = config.alias != 0;
  net_.ranges = net.ranges;
  memory_ = memory ? *memory : PlanMemory(net_, alias_);
  precisions_ = DescribePrecision(net_);
}

std::unique_ptr<Kernel> Engine::MakeKernel(KernelSetup& setup) {
  // The int8 form (quant_form.h) only where the backend's int8 kernels take it (Int8KernelsOf,
  // the table the qdq pass folds by); another kernel would read its int8 tensors as floats.
  if (IsQuantForm(setup.layer->params)) {
    const std::string refusal = Int8KernelsOf(backend_->Name())
                                    .Refusal(*setup.layer, setup.inputs.at(0).shape.size(), setup.inputs.at(1).shape);
    if (!refusal.empty()) Fail(ErrorCode::kNative, Cat(LayerLabel(*setup.layer), ": ", refusal));
  }
  std::unique_ptr<Kernel> k = backend_->CreateKernel(setup);
  k->Prepare(setup);
  return k;
}

void Engine::PrepareKernels(const std::vector<std::string>* tactics) {
  const auto t0 = std::chrono::steady_clock::now();
  DeviceScope on_device(*backend_);  // tactics are timed on the engine's device
  std::unique_ptr<TimingCache> cache;
  if (!tactics && !timing_cache_path_.empty()) {
    cache = std::make_unique<TimingCache>(timing_cache_path_);
    cache->Load();
  }
  const std::string device_key = cache ? backend_->DeviceKey() : "";
  const std::string switches_key = TacticSwitchesKey(tactic_switches_);
  ResolveDeclared();
  kernels_.resize(net_.layers.size());
  tactics_.assign(net_.layers.size(), "");
  tactic_ms_.assign(net_.layers.size(), std::nan(""));
  for (size_t i = 0; i < net_.layers.size(); ++i) {
    const Layer& layer = net_.layers[i];
    if (layer.kind == LayerKind::kConstant) {
      tactics_[i] = "constant";
      if (tactics && (*tactics)[i] != "constant") {
        Fail(ErrorCode::kPlan,
             Cat("plan: ", LayerLabel(layer), " has tactic '", (*tactics)[i], "'; expected 'constant'"));
      }
      continue;
    }
    // An alias (alias.h) has no kernel: its output is its input's bytes in the memory plan.
    if (IsAliased(net_, memory_.offsets, layer)) {
      tactics_[i] = kAliasTactic;
      if (tactics && (*tactics)[i] != kAliasTactic) {
        Fail(ErrorCode::kPlan, Cat("plan: ", LayerLabel(layer), " has tactic '", (*tactics)[i], "'; expected '",
                                   kAliasTactic, "' (its memory plan gives its output its input's bytes)"));
      }
      continue;
    }
    if (tactics && (*tactics)[i] == kAliasTactic) {
      Fail(ErrorCode::kPlan, Cat("plan: ", LayerLabel(layer), " has tactic '", kAliasTactic,
                                 "', but its memory plan gives its output bytes of its own"));
    }
    KernelSetup setup = SetupOf(i, net_.tensors, resolved_);
    if (tactics) setup.tactic = (*tactics)[i];
    std::string key;
    if (cache) {
      key = TimingKey(device_key, backend_->Name(), *setup.layer, setup.inputs, setup.constants, setup.outputs,
                      setup.ranged, switches_key);
      setup.tactic = cache->Find(key);
      if (!setup.tactic.empty()) {
        try {
          kernels_[i] = MakeKernel(setup);
        } catch (const Error&) {
          setup.tactic.clear();  // refused (another library version, say): time it again
          cache->Refused();
        }
      }
    }
    if (!kernels_[i]) kernels_[i] = MakeKernel(setup);
    tactics_[i] = kernels_[i]->Tactic();
    tactic_ms_[i] = kernels_[i]->TacticMs();
    if (cache && tactics_[i] != "default") cache->Put(key, tactics_[i]);
    workspace_bytes_ = std::max(workspace_bytes_, AlignUp(kernels_[i]->WorkspaceBytes(), kArenaAlignment));
  }
  if (cache) {
    cache->Save();
    stats_.timing_cache = cache->path();
    stats_.cache_hits = cache->hits();
    stats_.cache_misses = cache->misses();
  }
  PrepareInstances();
  if (!tactics) stats_.build_ms += MsSince(t0);
}

void Engine::ResolveDeclared() {
  resolved_.clear();
  if (std::none_of(net_.layers.begin(), net_.layers.end(), IsComputedLayer)) return;
  // The windows at the declared shapes; the shapes they give must be the declared ones.
  const std::vector<TensorInfo> derived = DeriveNetworkShapes(net_, declared_input_shapes(), &resolved_);
  for (const auto& [index, plain] : resolved_) {
    const int32_t id = plain.outputs[0];
    if (derived[id].shape != net_.tensors[id].shape) {
      Fail(ErrorCode::kShape, Cat(LayerLabel(net_.layers[index]), ": its computed parameters give ",
                                  ShapeToString(derived[id].shape), " at the declared shapes, but its output ",
                                  TensorLabel(net_, id), " is declared ", ShapeToString(net_.tensors[id].shape)));
    }
  }
}

KernelSetup Engine::SetupOf(size_t i, const std::vector<TensorInfo>& tensors,
                            const std::map<size_t, Layer>& resolved) const {
  const auto plain = resolved.find(i);
  const Layer& layer = plain == resolved.end() ? net_.layers[i] : plain->second;
  KernelSetup setup;
  setup.layer = &layer;
  for (int32_t id : layer.inputs) {
    setup.inputs.push_back(MakeTensorDesc(tensors[id].dtype, tensors[id].shape));
    setup.constants.push_back(constant_host_[id]);
  }
  for (int32_t id : layer.outputs) setup.outputs.push_back(MakeTensorDesc(tensors[id].dtype, tensors[id].shape));
  setup.threads = threads_;
  setup.tactic_switches = tactic_switches_;
  setup.ranged = IsDynamic(net_);
  return setup;
}

std::vector<uint8_t> Engine::Serialize() const {
  PlanContents plan;
  plan.backend = backend_->Name();
  plan.device_arch = backend_->DeviceArch();
  plan.network = net_;
  plan.memory = memory_;
  plan.tactics = tactics_;
  return WritePlan(plan);
}

}  // namespace hybridrt
