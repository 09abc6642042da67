// Execution of an engine on one arena (see context.h).
#include "src/context.h"

#include "src/error.h"

namespace hybridrt {

ExecutionContext::ExecutionContext(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {
  Backend& backend = engine_->backend();
  uint64_t bytes = engine_->memory().arena_bytes + engine_->workspace_bytes();
  arena_ = backend.Allocate(static_cast<size_t>(bytes));
  arena_base_ = static_cast<uint8_t*>(arena_.get());
  stream_ = backend.CreateStream();
  const Network& net = engine_->network();
  void* workspace = arena_base_ + engine_->memory().arena_bytes;
  args_.resize(net.layers.size());
  skip_.assign(net.layers.size(), true);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (l.kind == LayerKind::kConstant) continue;
    bool any_output = false;
    for (int32_t id : l.outputs) any_output |= Numel(net.tensors[id].shape) > 0;
    skip_[i] = !any_output;
    KernelArgs& a = args_[i];
    for (int32_t id : l.inputs) a.inputs.push_back(TensorAddress(id));
    for (int32_t id : l.outputs) a.outputs.push_back(const_cast<void*>(TensorAddress(id)));
    a.workspace = workspace;
  }
}

const void* ExecutionContext::TensorAddress(int32_t id) const {
  int64_t off = engine_->memory().offsets[id];
  if (off < 0) return engine_->constant_data(id);
  return arena_base_ + off;
}

const TensorInfo& ExecutionContext::input_info(size_t i) const {
  return engine_->network().tensors[engine_->network().inputs[i]];
}

const TensorInfo& ExecutionContext::output_info(size_t i) const {
  return engine_->network().tensors[engine_->network().outputs[i]];
}

void ExecutionContext::SetInput(size_t i, const void* host, size_t bytes) {
  void* dst = const_cast<void*>(TensorAddress(engine_->network().inputs[i]));
  if (bytes) engine_->backend().CopyToDevice(dst, host, bytes, *stream_);
}

void ExecutionContext::Execute() {
  const Network& net = engine_->network();
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (skip_[i]) continue;
    engine_->kernel(i)->Enqueue(args_[i], *stream_);
  }
  engine_->backend().Synchronize(*stream_);
}

void ExecutionContext::GetOutput(size_t i, void* host) {
  const TensorInfo& t = output_info(i);
  size_t bytes = static_cast<size_t>(Numel(t.shape)) * DTypeSize(t.dtype);
  if (bytes) engine_->backend().CopyToHost(host, TensorAddress(engine_->network().outputs[i]), bytes, *stream_);
  engine_->backend().Synchronize(*stream_);
}

}  // namespace hybridrt
