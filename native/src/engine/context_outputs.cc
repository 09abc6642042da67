// Staged output copies overlapped with the layers (context.h, "Staged host outputs").
//
// When an output is complete: the last layer that runs and writes any byte of the output's
// memory. Reading memory ranges rather than tensor ids covers every way a layer's writes reach
// an output: the output itself, an alias or view of it (same bytes, another id), a layer
// writing in place. Layers that launch nothing (skip_) write nothing. A layer's workspace never
// lies over a live tensor (the memory plan), and an output is live from its first write to the
// end, so a workspace written after that point is elsewhere.
#include <algorithm>

#include "src/engine/context.h"

namespace hybridrt {

void ExecutionContext::FindOutputReadiness() {
  const Network& net = engine_->network();
  const ShapeInstance& inst = *shape_->inst;
  output_ready_.assign(net.outputs.size(), -1);
  overlap_order_.clear();
  if (!copy_stream_) return;
  for (size_t o = 0; o < net.outputs.size(); ++o) {
    if (output_count_[o] >= 0) continue;  // data-dependent: sized after the run
    const int32_t out = net.outputs[o];
    const int64_t begin = inst.memory.offsets[out];
    const int64_t end = begin + static_cast<int64_t>(TensorBytes(out));
    if (begin < 0 || end == begin) continue;  // a constant, or empty
    int ready = -1;
    for (size_t i = 0; i < net.layers.size(); ++i) {
      if (skip_[i]) continue;
      for (int32_t id : net.layers[i].outputs) {
        const int64_t b = inst.memory.offsets[id];
        if (b >= 0 && b < end && begin < b + static_cast<int64_t>(TensorBytes(id))) ready = static_cast<int>(i);
      }
    }
    if (ready < 0) continue;
    // The event first: an output is marked ready at a layer only once that layer has one (a
    // failed CreateEvent leaves it copied after the layers, never waiting on a missing event).
    if (!layer_events_[static_cast<size_t>(ready)])
      layer_events_[static_cast<size_t>(ready)] = engine_->backend().CreateEvent();
    output_ready_[o] = ready;
    overlap_order_.push_back(o);
  }
  std::stable_sort(overlap_order_.begin(), overlap_order_.end(),
                   [&](size_t a, size_t b) { return output_ready_[a] < output_ready_[b]; });
}

void ExecutionContext::QueueOutputCopy(size_t o, Stream& stream) {
  Backend& backend = engine_->backend();
  const int32_t id = engine_->network().outputs[o];
  const size_t bytes = TensorBytes(id);
  if (&stream == copy_stream_.get()) backend.WaitFor(stream, *layer_events_[static_cast<size_t>(output_ready_[o])]);
  backend.CopyToHost(staging_out_[o].get(), TensorAddress(id), bytes, stream);
  transfers_.device_to_host_bytes += bytes;
  transfers_.device_to_host_count++;
}

}  // namespace hybridrt
