// Per-shape instances of an engine (see ShapeInstance in engine.h).
//
// A dynamic engine is built at its declared shapes (the profile's opt): tactics are chosen and
// timed there. An instance at other shapes derives every tensor's shape with the layer rules,
// plans memory for those shapes, and prepares each layer's kernel with the tactic the build
// chose, which only fixes geometry and never times anything; a kernel that cannot take the
// shapes with that tactic is an Error naming the layer. The min and max instances are made at
// build time, so a range some kernel cannot serve fails the build; shapes between are assumed to
// be served as the ends are (the compiler checks that the layers are the same, and that these
// derivations give the converters' shapes, at the ends of each range and next to them:
// src/compiler/shape-views.ts).
#include <algorithm>
#include <chrono>

#include "src/builder/alias.h"
#include "src/engine/engine.h"
#include "src/ir/derive_shapes.h"
#include "src/util/error.h"

namespace hybridrt {

std::vector<Shape> Engine::declared_input_shapes() const {
  std::vector<Shape> shapes;
  for (int32_t id : net_.inputs) shapes.push_back(net_.tensors[id].shape);
  return shapes;
}

size_t Engine::instances_made() const {
  std::lock_guard<std::mutex> lock(instances_mu_);
  return instances_made_;
}

void Engine::PrepareInstances() {
  auto declared = std::make_shared<ShapeInstance>();
  declared->input_shapes = declared_input_shapes();
  declared->tensors = net_.tensors;
  declared->memory = memory_;
  declared->workspace_bytes = workspace_bytes_;
  declared->resolved = resolved_;
  for (const auto& k : kernels_) declared->kernels.push_back(k.get());
  declared_ = declared;
  max_arena_bytes_ = declared->arena_bytes();
  if (!IsDynamic(net_)) return;
  // The rules must give the declared shapes back, builder forms included; otherwise the
  // shapes they give elsewhere cannot be trusted either.
  const std::vector<TensorInfo> again = DeriveNetworkShapes(net_, declared->input_shapes);
  for (size_t id = 0; id < again.size(); ++id) {
    if (again[id].shape != net_.tensors[id].shape) {
      Fail(ErrorCode::kNative, Cat("engine '", net_.name, "': the layer rules give ", TensorLabel(net_, id), " shape ",
                                   ShapeToString(again[id].shape), ", but it was declared ",
                                   ShapeToString(net_.tensors[id].shape), "; the engine cannot take shape ranges"));
    }
  }
  for (bool max : {false, true}) {
    std::vector<Shape> shapes;
    for (const InputRange& r : net_.ranges) shapes.push_back(max ? r.max : r.min);
    std::shared_ptr<const ShapeInstance> inst;
    try {
      inst = Instance(shapes);
    } catch (const Error& e) {
      Fail(ErrorCode::kNative,
           Cat("engine '", net_.name, "' cannot run at the ", max ? "max" : "min", " shapes of its range: ", e.what()));
    }
    max_arena_bytes_ = std::max(max_arena_bytes_, inst->arena_bytes());
  }
  std::lock_guard<std::mutex> lock(instances_mu_);
  instances_made_ = 0;  // counts the instances runs make
}

std::shared_ptr<const ShapeInstance> Engine::Instance(const std::vector<Shape>& shapes) const {
  if (declared_ && shapes == declared_->input_shapes) return declared_;
  const std::string out = OutOfRange(net_, shapes);
  if (!out.empty()) Fail(ErrorCode::kShape, Cat("engine '", net_.name, "': ", out));
  {
    std::lock_guard<std::mutex> lock(instances_mu_);
    for (auto it = instances_.begin(); it != instances_.end(); ++it) {
      if ((*it)->input_shapes != shapes) continue;
      std::shared_ptr<const ShapeInstance> hit = *it;
      instances_.erase(it);
      instances_.push_front(hit);
      return hit;
    }
  }
  // Made outside the lock: two contexts meeting one new shape at once may both make it (the
  // second is dropped); neither waits on the other's kernels.
  std::shared_ptr<const ShapeInstance> made = MakeInstance(shapes);
  std::lock_guard<std::mutex> lock(instances_mu_);
  instances_.push_front(made);
  instances_made_++;
  while (instances_.size() > kInstanceCacheSize) instances_.pop_back();
  return made;
}

std::shared_ptr<const ShapeInstance> Engine::MakeInstance(const std::vector<Shape>& shapes) const {
  const auto t0 = std::chrono::steady_clock::now();
  DeviceScope on_device(*backend_);  // kernels are prepared on the engine's device
  auto inst = std::make_shared<ShapeInstance>();
  inst->input_shapes = shapes;
  inst->tensors = DeriveNetworkShapes(net_, shapes, &inst->resolved);
  Network shaped = net_;
  shaped.tensors = inst->tensors;
  inst->memory = PlanMemory(shaped, alias_);
  inst->kernels.assign(net_.layers.size(), nullptr);
  inst->owned.resize(net_.layers.size());
  for (size_t i = 0; i < net_.layers.size(); ++i) {
    const Layer& layer = net_.layers[i];
    if (layer.kind == LayerKind::kConstant || IsAliased(shaped, inst->memory.offsets, layer)) continue;
    KernelSetup setup = SetupOf(i, inst->tensors, inst->resolved);
    // A layer aliased at the declared shapes has no tactic of its own: it takes the backend's
    // first (only byte-view shuffles alias, whose kernels have one tactic and time nothing).
    if (tactics_[i] != kAliasTactic) setup.tactic = tactics_[i];
    setup.tactic_hint = true;
    std::unique_ptr<Kernel> k = backend_->CreateKernel(setup);
    k->Prepare(setup);
    inst->workspace_bytes = std::max(inst->workspace_bytes, AlignUp(k->WorkspaceBytes(), kArenaAlignment));
    inst->kernels[i] = k.get();
    inst->owned[i] = std::move(k);
  }
  inst->prepare_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return inst;
}

}  // namespace hybridrt
