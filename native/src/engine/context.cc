// Execution of an engine on one arena (see context.h).
#include "src/engine/context.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "src/util/error.h"
#include "src/util/host_copy.h"

namespace hybridrt {

ExecutionContext::ExecutionContext(std::shared_ptr<Engine> engine, const ContextOptions& options)
    : engine_(std::move(engine)) {
  Backend& backend = engine_->backend();
  arena_capacity_ = engine_->max_arena_bytes();
  arena_ = backend.Allocate(static_cast<size_t>(arena_capacity_));
  arena_base_ = static_cast<uint8_t*>(arena_.get());
  stream_ = backend.CreateStream();
  staged_ = !backend.HostVisible();
  const Network& net = engine_->network();
  staging_in_.resize(net.inputs.size());
  staging_out_.resize(net.outputs.size());
  bound_.resize(net.inputs.size());
  host_in_.resize(net.inputs.size());
  output_on_device_.assign(net.outputs.size(), false);
  device_out_.resize(net.outputs.size());
  graphs_on_ = options.cuda_graphs;
  lend_outputs_ = options.lend_outputs;
  stage_wave_bytes_ = options.stage_waves ? kStageWaveBytes : SIZE_MAX;
  if (staged_ && options.overlap_outputs) {
    copies_done_ = backend.CreateEvent();
    if (copies_done_) {
      copy_stream_ = backend.CreateCopyStream();
      layer_events_.resize(net.layers.size());
    }
  }
  output_count_.assign(net.outputs.size(), -1);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (!DataDependentLayer(net.layers[i].kind)) continue;
    for (size_t o = 0; o < net.outputs.size(); ++o) {
      if (net.outputs[o] == net.layers[i].outputs[0]) output_count_[o] = static_cast<int>(count_layers_.size());
    }
    count_layers_.push_back(i);
  }
  if (!count_layers_.empty()) {
    const size_t bytes = count_layers_.size() * sizeof(int64_t);
    counts_ = backend.Allocate(bytes);
    if (staged_) counts_host_ = backend.AllocateHost(bytes);
  }
  shape_ = &ShapeState(engine_->Instance(engine_->declared_input_shapes()));
  Resolve();
}

ExecutionContext::PerShape& ExecutionContext::ShapeState(std::shared_ptr<const ShapeInstance> inst) {
  for (auto it = shapes_.begin(); it != shapes_.end(); ++it) {
    if (it->inst != inst) continue;
    shapes_.splice(shapes_.begin(), shapes_, it);
    return shapes_.front();
  }
  PerShape p;
  p.inst = std::move(inst);
  if (!graphs_on_) p.graph_state = GraphState::kOff;
  shapes_.push_front(std::move(p));
  while (shapes_.size() > kGraphsPerContext) shapes_.pop_back();
  return shapes_.front();
}

void ExecutionContext::SetInputShapes(const std::vector<Shape>& shapes) {
  last_prepare_ms_ = 0;
  if (shape_ && shapes == shape_->inst->input_shapes) return;
  const size_t made = engine_->instances_made();
  std::shared_ptr<const ShapeInstance> inst = engine_->Instance(shapes);
  if (engine_->instances_made() != made) last_prepare_ms_ = inst->prepare_ms;
  if (inst->arena_bytes() > arena_capacity_) {
    // Allocated before anything changes, so that a failure leaves the context as it was.
    Backend& backend = engine_->backend();
    std::shared_ptr<void> grown = backend.Allocate(static_cast<size_t>(inst->arena_bytes()));
    backend.Synchronize(*stream_);
    // Graphs hold the old arena's addresses: they go with it (shape_ is set again below).
    shapes_.clear();
    shape_ = nullptr;
    arena_ = std::move(grown);
    arena_capacity_ = inst->arena_bytes();
    arena_base_ = static_cast<uint8_t*>(arena_.get());
  }
  shape_ = &ShapeState(std::move(inst));
  Resolve();
}

void ExecutionContext::Resolve() {
  const ShapeInstance& inst = *shape_->inst;
  const Network& net = engine_->network();
  // Staging first, into temporaries: a failed allocation leaves this context's buffers (and the
  // instance they were sized for) as they were, never smaller than the instance it points at.
  if (staged_) {
    Backend& backend = engine_->backend();
    std::vector<std::shared_ptr<void>> in = staging_in_, out = staging_out_;
    std::vector<size_t> in_bytes = staging_in_bytes_, out_bytes = staging_out_bytes_;
    auto fit = [&](std::vector<std::shared_ptr<void>>& bufs, std::vector<size_t>& have, size_t k, size_t bytes) {
      if (have.size() <= k) have.resize(k + 1, 0);
      if (bufs[k] && have[k] >= bytes) return;
      bufs[k] = backend.AllocateHost(bytes);
      have[k] = bytes;
    };
    try {
      for (size_t i = 0; i < net.inputs.size(); ++i) fit(in, in_bytes, i, TensorBytes(net.inputs[i]));
      for (size_t o = 0; o < net.outputs.size(); ++o) fit(out, out_bytes, o, TensorBytes(net.outputs[o]));
    } catch (...) {
      shapes_.remove_if([&](const PerShape& p) { return &p == shape_; });
      shape_ = nullptr;
      throw;
    }
    staging_in_ = std::move(in);
    staging_out_ = std::move(out);
    staging_in_bytes_ = std::move(in_bytes);
    staging_out_bytes_ = std::move(out_bytes);
  }
  void* workspace = arena_base_ + inst.memory.arena_bytes;
  args_.assign(net.layers.size(), KernelArgs{});
  skip_.assign(net.layers.size(), true);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    // A computed layer's kernel was prepared with the plain layer it is at these shapes: its inputs.
    const auto plain = inst.resolved.find(i);
    const Layer& l = plain == inst.resolved.end() ? net.layers[i] : plain->second;
    if (!inst.kernels[i]) continue;  // a constant or an alias: nothing to launch
    bool any_output = false;
    for (int32_t id : l.outputs) any_output |= Numel(inst.tensors[id].shape) > 0;
    skip_[i] = !any_output;
    KernelArgs& a = args_[i];
    for (int32_t id : l.inputs) a.inputs.push_back(TensorAddress(id));
    for (int32_t id : l.outputs) a.outputs.push_back(const_cast<void*>(TensorAddress(id)));
    a.workspace = workspace;
  }
  for (size_t k = 0; k < count_layers_.size(); ++k) {
    args_[count_layers_[k]].count = static_cast<int64_t*>(counts_.get()) + k;
  }
  run_shapes_.clear();
  for (int32_t id : net.outputs) run_shapes_.push_back(inst.tensors[id].shape);
  FindOutputReadiness();
}

// After a run: each data-dependent output's shape from its count (a layer skipped because its
// input was empty found nothing).
void ExecutionContext::ReadCounts() {
  const Network& net = engine_->network();
  const auto* counts = static_cast<const int64_t*>(staged_ ? counts_host_.get() : counts_.get());
  for (size_t o = 0; o < net.outputs.size(); ++o) {
    const int k = output_count_[o];
    if (k < 0) continue;
    const Layer& layer = net.layers[count_layers_[k]];
    const int dim = DataDependentDim(layer.kind);
    Shape shape = shape_->inst->tensors[net.outputs[o]].shape;
    const int64_t count = skip_[count_layers_[k]] ? 0 : counts[k];
    if (count < 0 || count > shape[dim]) {
      Fail(ErrorCode::kNative,
           Cat(LayerLabel(layer), ": internal: the kernel found ", count, ", outside [0, ", shape[dim], "]"));
    }
    shape[dim] = count;
    run_shapes_[o] = shape;
  }
}

const Shape& ExecutionContext::output_shape(size_t i) const { return run_shapes_[i]; }

std::string ExecutionContext::graph_state() const {
  if (!shape_) return "warm-up";  // after a failed SetInputShapes, until the next one
  switch (shape_->graph_state) {
    case GraphState::kOff: return "off";
    case GraphState::kWarmup: return "warm-up";
    case GraphState::kReady: return "ready";
    case GraphState::kCaptured: return "captured";
    case GraphState::kFailed: return "failed: " + shape_->graph_failure;
  }
  return "off";
}

void ExecutionContext::EnqueueLayers(Stream& stream) {
  const size_t n = engine_->network().layers.size();
  for (size_t i = 0; i < n; ++i) {
    if (skip_[i]) continue;
    shape_->inst->kernels[i]->Enqueue(args_[i], stream);
    // Recorded whether or not this run overlaps its copies: a graph captured now serves later runs.
    if (!layer_events_.empty() && layer_events_[i]) engine_->backend().Record(*layer_events_[i], stream);
  }
}

void ExecutionContext::EnqueueLayersProfiled(Stream& stream) {
  const size_t n = engine_->network().layers.size();
  for (size_t i = 0; i < n; ++i) {
    if (skip_[i]) continue;
    timer_->Record(4 + i, stream);
    shape_->inst->kernels[i]->Enqueue(args_[i], stream);
  }
  timer_->Record(4 + n, stream);
}

const void* ExecutionContext::TensorAddress(int32_t id) const {
  int64_t off = shape_->inst->memory.offsets[id];
  if (off < 0) return engine_->constant_data(id);
  return arena_base_ + off;
}

size_t ExecutionContext::TensorBytes(int32_t id) const {
  const TensorInfo& t = shape_->inst->tensors[id];
  return static_cast<size_t>(Numel(t.shape)) * DTypeSize(t.dtype);
}

const TensorInfo& ExecutionContext::input_info(size_t i) const {
  return shape_->inst->tensors[engine_->network().inputs[i]];
}

const TensorInfo& ExecutionContext::output_info(size_t i) const {
  return shape_->inst->tensors[engine_->network().outputs[i]];
}

void ExecutionContext::SetInput(size_t i, const void* host, size_t bytes) {
  bound_[i].reset();
  host_in_[i] = {};
  if (!bytes) return;
  if (staged_) {
    host_in_[i] = {host, bytes};
    return;
  }
  void* dst = const_cast<void*>(TensorAddress(engine_->network().inputs[i]));
  engine_->backend().CopyToDevice(dst, host, bytes, *stream_);
}

void ExecutionContext::BindInput(size_t i, std::shared_ptr<DeviceBuffer> buffer) {
  bound_[i] = std::move(buffer);
  host_in_[i] = {};  // a host input set before (by a run that failed before Execute) is not this run's
}

void ExecutionContext::SetOutputOnDevice(size_t i, bool on_device) { output_on_device_[i] = on_device; }

void ExecutionContext::Execute() {
  const Network& net = engine_->network();
  Backend& backend = engine_->backend();
  DeviceScope on_device(backend);  // the layers are enqueued on the engine's device
  Stream& stream = *stream_;
  const TimingMode mode = timing_mode_;
  transfers_ = {};
  timing_ = RunTiming{};
  for (auto& d : device_out_) d.reset();
  // Bound inputs are released, and host inputs forgotten, when this run ends, whatever happens.
  struct Unbind {
    std::vector<std::shared_ptr<DeviceBuffer>>& b;
    std::vector<HostInput>& h;
    ~Unbind() {
      for (auto& p : b) p.reset();
      for (auto& p : h) p = {};
    }
  } unbind{bound_, host_in_};
  // A profiled run is queued whole before any of it runs (a gate): its per-layer times are
  // then GPU times, without the gaps of queueing one layer at a time. (Timestamps inside a
  // CUDA graph cannot be timed, so profiled runs do not use the graph.)
  std::unique_ptr<StreamGate> gate;
  if (mode == TimingMode::kLayers) gate = backend.HoldStream(stream);
  if (mode != TimingMode::kOff) {
    if (!timer_) timer_ = backend.CreateTimer(5 + net.layers.size());
    timer_->Record(0, stream);
  }
  for (size_t i = 0; i < net.inputs.size(); ++i) {
    const int32_t id = net.inputs[i];
    const size_t bytes = TensorBytes(id);
    void* dst = const_cast<void*>(TensorAddress(id));
    if (!bytes) continue;
    if (bound_[i]) {
      backend.CopyOnDevice(dst, bound_[i]->data(), bytes, stream);
      transfers_.device_to_device_bytes += bytes;
      transfers_.device_to_device_count++;
    }
  }
  UploadStaged(stream);
  // NOTE: the layer loop neither allocates nor waits, so that it can be captured into a graph.
  if (mode != TimingMode::kOff) timer_->Record(1, stream);
  if (mode == TimingMode::kLayers) {
    EnqueueLayersProfiled(stream);
  } else if (shape_->graph) {
    shape_->graph->Launch(stream);
  } else if (shape_->graph_state == GraphState::kReady) {
    try {
      shape_->graph = backend.Capture(stream, [&] { EnqueueLayers(stream); });
      shape_->graph_state = shape_->graph ? GraphState::kCaptured : GraphState::kOff;
    } catch (const Error& e) {
      shape_->graph_state = GraphState::kFailed;
      shape_->graph_failure = e.what();
    }
    if (shape_->graph) {
      shape_->graph->Launch(stream);
    } else {
      EnqueueLayers(stream);
    }
  } else {
    EnqueueLayers(stream);
  }
  if (mode != TimingMode::kOff) timer_->Record(2, stream);
  // A profiled run's layers record no events: its copies follow the layers on `stream`.
  const bool overlap = copy_stream_ && mode != TimingMode::kLayers;
  bool overlapped = false;
  // Copies queued on the copy stream are joined to `stream` whatever happens after them: a
  // failure below (a device output's allocation) must not leave them running unordered with
  // the next run's work on these staging buffers and this arena.
  auto join_copies = [&] {
    if (!overlapped) return;
    overlapped = false;
    backend.Record(*copies_done_, *copy_stream_);
    backend.WaitFor(stream, *copies_done_);
  };
  try {
    if (overlap) {
      for (size_t o : overlap_order_) {
        if (output_on_device_[o]) continue;
        QueueOutputCopy(o, *copy_stream_);
        overlapped = true;
      }
    }
    for (size_t o = 0; o < net.outputs.size(); ++o) {
      const int32_t id = net.outputs[o];
      const size_t bytes = TensorBytes(id);
      const void* src = TensorAddress(id);
      if (output_on_device_[o] && output_count_[o] >= 0) continue;  // sized once its count is read, below
      if (output_on_device_[o]) {
        device_out_[o] = backend.AllocateBuffer(bytes, stream);
        if (bytes) backend.CopyOnDevice(device_out_[o]->data(), src, bytes, stream);
        transfers_.device_to_device_bytes += bytes;
        transfers_.device_to_device_count++;
      } else if (staged_ && bytes && !(overlap && output_ready_[o] >= 0)) {
        QueueOutputCopy(o, stream);
      }
    }
  } catch (...) {
    try {
      join_copies();
    } catch (...) {
      // The first failure is the one reported; the streams are synchronized when destroyed.
    }
    throw;
  }
  join_copies();
  if (staged_ && !count_layers_.empty()) {
    backend.CopyToHost(counts_host_.get(), counts_.get(), count_layers_.size() * sizeof(int64_t), stream);
  }
  if (mode != TimingMode::kOff) timer_->Record(3, stream);
  gate.reset();
  backend.Synchronize(stream);
  if (!count_layers_.empty()) {
    ReadCounts();
    // Device outputs of data-dependent layers: a buffer of the run's size, copied after the wait.
    bool copied = false;
    for (size_t o = 0; o < net.outputs.size(); ++o) {
      if (!output_on_device_[o] || output_count_[o] < 0) continue;
      const size_t bytes = output_bytes(o);
      device_out_[o] = backend.AllocateBuffer(bytes, stream);
      if (bytes) backend.CopyOnDevice(device_out_[o]->data(), TensorAddress(net.outputs[o]), bytes, stream);
      transfers_.device_to_device_bytes += bytes;
      transfers_.device_to_device_count++;
      copied = true;
    }
    if (copied) backend.Synchronize(stream);
  }
  if (shape_->graph_state == GraphState::kWarmup) shape_->graph_state = GraphState::kReady;
  if (mode != TimingMode::kOff) {
    timing_.valid = true;
    timing_.host_to_device_ms = timer_->ElapsedMs(0, 1);
    timing_.compute_ms = timer_->ElapsedMs(1, 2);
    timing_.device_to_host_ms = timer_->ElapsedMs(2, 3);
    timing_.total_ms = timer_->ElapsedMs(0, 3);
    if (mode == TimingMode::kLayers) {
      const size_t n = net.layers.size();
      timing_.layer_ms.assign(n, 0.0);
      size_t prev = n;  // the last layer that ran, measured up to the next mark
      for (size_t i = 0; i <= n; ++i) {
        if (i < n && skip_[i]) continue;
        if (prev < n) timing_.layer_ms[prev] = timer_->ElapsedMs(4 + prev, 4 + i);
        prev = i;
      }
      timing_.layers_valid = true;
    }
  }
}

// Staged host inputs into staging and onto the device in waves (see the file comment of
// context.h): a wave is copied on the copy threads, then its transfers are queued, and the next
// wave is copied while they run. A large input is cut into pieces of a wave's size.
void ExecutionContext::UploadStaged(Stream& stream) {
  Backend& backend = engine_->backend();
  const Network& net = engine_->network();
  struct Piece {
    size_t input, offset, bytes;
  };
  std::vector<Piece> wave;
  std::vector<HostRange> ranges;
  size_t wave_bytes = 0;
  auto flush = [&] {
    ranges.clear();
    for (const Piece& p : wave) {
      ranges.push_back({static_cast<uint8_t*>(staging_in_[p.input].get()) + p.offset,
                        static_cast<const uint8_t*>(host_in_[p.input].data) + p.offset, p.bytes});
    }
    CopyHostRanges(ranges.data(), ranges.size());
    for (const Piece& p : wave) {
      void* dst = const_cast<uint8_t*>(static_cast<const uint8_t*>(TensorAddress(net.inputs[p.input]))) + p.offset;
      backend.CopyToDevice(dst, static_cast<uint8_t*>(staging_in_[p.input].get()) + p.offset, p.bytes, stream);
    }
    wave.clear();
    wave_bytes = 0;
  };
  for (size_t i = 0; i < host_in_.size(); ++i) {
    const size_t bytes = host_in_[i].data ? TensorBytes(net.inputs[i]) : 0;
    if (!bytes) continue;
    if (bytes != host_in_[i].bytes)
      Fail(ErrorCode::kNative, Cat("input ", i, ": ", host_in_[i].bytes, " bytes set for ", bytes));
    for (size_t off = 0; off < bytes;) {
      const size_t n = std::min(bytes - off, stage_wave_bytes_ - wave_bytes);
      wave.push_back({i, off, n});
      wave_bytes += n;
      off += n;
      if (wave_bytes == stage_wave_bytes_) flush();
    }
    transfers_.host_to_device_bytes += bytes;
    transfers_.host_to_device_count++;
  }
  if (!wave.empty()) flush();
}

size_t ExecutionContext::output_bytes(size_t i) const {
  return static_cast<size_t>(Numel(run_shapes_[i])) * DTypeSize(output_info(i).dtype);
}

void ExecutionContext::GetOutput(size_t i, void* host) {
  const size_t bytes = output_bytes(i);
  if (!bytes) return;
  if (staged_) {
    CopyHostMemory(host, staging_out_[i].get(), bytes);
    return;
  }
  engine_->backend().CopyToHost(host, TensorAddress(engine_->network().outputs[i]), bytes, *stream_);
  engine_->backend().Synchronize(*stream_);
}

void ExecutionContext::GetOutputs(const std::vector<size_t>& outputs, const std::vector<void*>& hosts) {
  if (!staged_) {
    for (size_t k = 0; k < outputs.size(); ++k) GetOutput(outputs[k], hosts[k]);
    return;
  }
  std::vector<HostRange> ranges;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const size_t i = outputs[k];
    ranges.push_back({hosts[k], staging_out_[i].get(), output_bytes(i)});
  }
  CopyHostRanges(ranges.data(), ranges.size());
}

std::shared_ptr<void> ExecutionContext::LendOutput(size_t i) {
  if (!staged_ || !lend_outputs_) return nullptr;
  if (lent_.size() < staging_out_.size()) lent_.resize(staging_out_.size());
  std::vector<Lent>& lent = lent_[i];
  const size_t need = staging_out_bytes_[i];
  // The next staging buffer: one given back (only this list holds it) that is large enough;
  // given-back ones too small for this shape are dropped.
  auto free = [](const Lent& l) { return l.buffer.use_count() == 1; };
  lent.erase(std::remove_if(lent.begin(), lent.end(), [&](const Lent& l) { return free(l) && l.bytes < need; }),
             lent.end());
  Lent next;
  auto back = std::find_if(lent.begin(), lent.end(), free);
  if (back != lent.end()) {
    // Its borrower's last reads happen before the drop we saw; the next run's copy writes it.
    std::atomic_thread_fence(std::memory_order_acquire);
    next = std::move(*back);
    lent.erase(back);
  } else {
    if (lent.size() >= kMaxLent) return nullptr;
    try {
      next = Lent{engine_->backend().AllocateHost(need), need};
    } catch (const Error&) {
      return nullptr;  // out of pinned memory: the caller copies, as without lending
    }
  }
  lent.push_back(Lent{staging_out_[i], staging_out_bytes_[i]});
  staging_out_[i] = std::move(next.buffer);
  staging_out_bytes_[i] = next.bytes;
  return lent.back().buffer;
}

std::shared_ptr<DeviceBuffer> ExecutionContext::TakeOutput(size_t i) { return std::move(device_out_[i]); }

}  // namespace hybridrt
