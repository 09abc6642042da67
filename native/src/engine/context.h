// An ExecutionContext: what one run needs besides the engine (TensorRT's
// IExecutionContext): its own arena (activations + workspace, sized by the engine's memory
// plan), its own stream, and the per-layer argument lists resolved against that arena. One
// run at a time per context (the binding refuses a second while one is in flight); several
// contexts of one engine run concurrently, since kernels are const and shared.
//
// A run: SetInput (host data) or BindInput (a device buffer) for every input, on the JS
// thread; then Execute on any thread; then GetOutput (host) or TakeOutput (a device buffer,
// for outputs marked with SetOutputOnDevice). Where the backend's memory is not host memory
// (cuda), host inputs and outputs pass through pinned staging buffers of the context, so
// that Execute queues every copy asynchronously on the context's stream and waits once at
// the end; device inputs and outputs are device-to-device copies. Execute counts each kind
// of copy (transfers()), which is what run statistics report.
//
// Staged host inputs are read where Execute runs, not by SetInput: the caller's memory must
// stay as it is until Execute returns. Execute copies them into staging in waves of
// kStageWaveBytes, each wave on the copy threads (host_copy.h), and queues a wave's transfer
// before copying the next, so that the DMA of one wave overlaps the copy of the next (a 19 MB
// batch of images: ~1 ms of copy and ~1 ms of DMA one after the other before).
//
// Staged host outputs are copied while later layers run, where the backend has events (cuda):
// each output's copy waits on a second stream for the last layer that writes its memory, so a
// KV cache's layers cross PCIe while the next layers compute (GPT-2 decode: 24 outputs of
// 0.4 MB). The layer loop records an event after each such layer (in a graph, as the graph's
// own record node: every replay records it); runs with a per-layer profile copy after the
// layers, as do outputs no layer writes and data-dependent ones. ContextOptions::
// overlap_outputs false (HYBRIDRT_OVERLAP_OUTPUTS=0) copies every output after the layers.
//
// CUDA graphs: where the backend can capture (cuda), the layer loop is captured once per
// context and replayed by every later run: the layers' arguments are fixed addresses in this
// context's arena, so a graph recorded once stays valid. The first run is eager (it loads
// every kernel and lets the libraries set themselves up, which must not happen inside a
// capture), the second captures and launches, the rest replay. A capture that fails leaves the
// context eager for good and says why (graph_state()). ContextOptions::cuda_graphs false
// (HYBRIDRT_CUDA_GRAPHS=0 when the context is created) turns graphs off.
//
// Shapes: a context runs at its engine's declared shapes until SetInputShapes gives others
// (a dynamic engine, within its ranges): it then takes the engine's instance for those shapes
// (engine.h: shapes, memory plan and kernels), making it on first use, and re-resolves the
// layers' arguments. The arena is allocated for the largest of the declared, min and max
// instances, and grows only where an instance needs more; CUDA graphs are kept per instance
// (the last kGraphsPerContext) and dropped when the arena moves.
//
// Timing (SetTiming): stream-ordered timestamps around the input copies, the layers and the
// output copies (kCoarse), and around every layer (kLayers: a per-layer profile; such runs
// are eager, held back by a StreamGate until all of it is queued, since timestamps inside a
// CUDA graph cannot be timed). Layers that launch nothing (constants, aliases) are not in the
// loop, so not in the graph either, and their per-layer time is 0; an engine of nothing else
// captures an empty graph (0 nodes), which CUDA instantiates and replays as a no-op.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "src/engine/backend.h"
#include "src/engine/engine.h"

namespace hybridrt {

struct TransferCounts {
  uint64_t host_to_device_bytes = 0, host_to_device_count = 0;
  uint64_t device_to_host_bytes = 0, device_to_host_count = 0;
  uint64_t device_to_device_bytes = 0, device_to_device_count = 0;
};

enum class TimingMode { kOff, kCoarse, kLayers };

// What the last run measured (valid only when it ran with timing on).
struct RunTiming {
  bool valid = false;
  bool layers_valid = false;
  double host_to_device_ms = 0, compute_ms = 0, device_to_host_ms = 0, total_ms = 0;
  std::vector<double> layer_ms;  // per layer (kLayers only; 0 for layers that did not run)
};

// What a context is told when it is created (the binding reads it then; util/env_switches.h).
struct ContextOptions {
  bool cuda_graphs = true;      // where the backend can capture
  bool lend_outputs = true;     // LendOutput lends (else it returns nullptr: outputs are copied)
  bool stage_waves = true;      // host inputs staged in waves (else copied whole, then transferred)
  bool overlap_outputs = true;  // staged host outputs copied while later layers run (where events exist)
};

// CUDA graphs a context keeps, one per instance it ran recently: enough for every batch of a
// server's dynamic batcher up to 32 (a graph lost is captured again, warm-up run included).
constexpr size_t kGraphsPerContext = 32;

class ExecutionContext {
 public:
  ExecutionContext(std::shared_ptr<Engine> engine, const ContextOptions& options);

  const Engine& engine() const { return *engine_; }
  const TensorInfo& input_info(size_t i) const;
  const TensorInfo& output_info(size_t i) const;

  // The shapes of the next runs (one per input), on the JS thread before SetInput/BindInput:
  // an Error (kShape) where they leave the engine's ranges. A failure (that, or memory for a
  // larger arena or staging) leaves no shapes set: the next call sets them again, and nothing
  // but SetInputShapes may be called before it succeeds. Making a new instance (every layer's
  // kernel prepared; on cuda, cuDNN plans) happens here, on the calling thread.
  void SetInputShapes(const std::vector<Shape>& shapes);
  // What the last SetInputShapes spent making a new instance (0 when it found one).
  double last_prepare_ms() const { return last_prepare_ms_; }
  // Host data for input i (the caller has checked dtype and size): copied now where the
  // backend's memory is host memory, else read by Execute (staged(): the file comment).
  void SetInput(size_t i, const void* host, size_t bytes);
  // Whether host inputs and outputs pass through staging (and SetInput's memory is read by Execute).
  bool staged() const { return staged_; }
  static constexpr size_t kStageWaveBytes = size_t{4} << 20;
  // Input i comes from a device buffer of the input's byte size (held until Execute ends).
  void BindInput(size_t i, std::shared_ptr<DeviceBuffer> buffer);
  // Whether Execute leaves output i in a new device buffer instead of host memory.
  void SetOutputOnDevice(size_t i, bool on_device);
  // Runs every layer and waits for the device. Any thread; one call at a time.
  void Execute();
  // Output i's shape in the last run: output_info(i)'s, except a data-dependent output's
  // (network.h: DataDependentDim), whose data-dependent dim is the count the run found.
  const Shape& output_shape(size_t i) const;
  // Bytes of output i in the last run (output_shape(i)'s).
  size_t output_bytes(size_t i) const;
  // Copies output i to host memory of output_shape(i)'s byte size (a host output).
  void GetOutput(size_t i, void* host);
  // GetOutput of several outputs (outputs[k] into hosts[k]); staged ones as one copy split over
  // the copy threads (host_copy.h), so that many small outputs (a KV cache's) share them.
  void GetOutputs(const std::vector<size_t>& outputs, const std::vector<void*>& hosts);
  // Output i's staging buffer with the last run's output in it, lent instead of copied out
  // (GetOutput), where the context is staged (else nullptr): the next Execute stages output i
  // in another buffer of this context, one a borrower has dropped since (use_count 1), or a new
  // one while fewer than kMaxLent of output i are out (pinning memory is slow, so few). Else
  // nullptr, as where no pinned memory can be had: the caller then copies. A lent buffer
  // outlives the context if held.
  std::shared_ptr<void> LendOutput(size_t i);
  static constexpr size_t kMaxLent = 4;
  // The device buffer of output i (a device output), once; nullptr after. A data-dependent
  // output's holds the bound's bytes, of which output_shape(i)'s are the tensor.
  std::shared_ptr<DeviceBuffer> TakeOutput(size_t i);
  // Copies made by the last Execute.
  const TransferCounts& transfers() const { return transfers_; }
  // Timing of the following runs (see the file comment), and what the last run measured.
  void SetTiming(TimingMode mode) { timing_mode_ = mode; }
  const RunTiming& timing() const { return timing_; }
  // "off" (no graphs here), "warm-up" (before the first run), "ready" (the next run
  // captures), "captured", or "failed: <why>".
  std::string graph_state() const;
  // Operations in the captured graph (0 before capture).
  size_t graph_nodes() const { return shape_ && shape_->graph ? shape_->graph->nodes() : 0; }

 private:
  enum class GraphState { kOff, kWarmup, kReady, kCaptured, kFailed };
  // Per instance this context ran: its graph and where capture stands.
  struct PerShape {
    std::shared_ptr<const ShapeInstance> inst;
    GraphState graph_state = GraphState::kWarmup;
    std::string graph_failure;
    std::unique_ptr<Graph> graph;
  };
  // Points args_, skip_ and staging at shape_'s instance in the arena.
  void Resolve();
  PerShape& ShapeState(std::shared_ptr<const ShapeInstance> inst);
  void EnqueueLayers(Stream& stream);
  void EnqueueLayersProfiled(Stream& stream);
  const void* TensorAddress(int32_t id) const;
  size_t TensorBytes(int32_t id) const;

  std::shared_ptr<Engine> engine_;
  std::shared_ptr<void> arena_;
  uint8_t* arena_base_ = nullptr;
  uint64_t arena_capacity_ = 0;
  std::unique_ptr<Stream> stream_;  // declared before shapes_: their graphs are destroyed first
  // Output copies overlapped with the layers (the file comment; context_outputs.cc), declared
  // before shapes_ too: a graph records the events. Per output, the last layer that writes its
  // memory at the current instance (-1: copied after the layers); per layer, an event where
  // one is recorded (made on first use, kept for the graphs that record it).
  std::unique_ptr<Stream> copy_stream_;
  std::unique_ptr<Event> copies_done_;
  std::vector<std::unique_ptr<Event>> layer_events_;
  std::vector<int> output_ready_;
  std::vector<size_t> overlap_order_;  // outputs with a ready layer, by that layer
  void FindOutputReadiness();
  // Queues the staged copy of output o on `stream`, after the layers were queued: on the copy
  // stream (outputs of overlap_order_ only) behind the event of its ready layer.
  void QueueOutputCopy(size_t o, Stream& stream);
  bool graphs_on_ = true;
  bool lend_outputs_ = true;
  size_t stage_wave_bytes_ = kStageWaveBytes;  // SIZE_MAX without waves (ContextOptions::stage_waves)
  std::list<PerShape> shapes_;                 // most recently used first; shape_ is the front
  PerShape* shape_ = nullptr;
  double last_prepare_ms_ = 0;
  std::vector<KernelArgs> args_;  // per layer
  std::vector<bool> skip_;        // per layer: constants, aliases, and layers whose outputs are all empty
  bool staged_ = false;           // host data goes through staging (backend memory is not host memory)
  std::vector<std::shared_ptr<void>> staging_in_, staging_out_;  // per input / output (staged_ only)
  std::vector<size_t> staging_in_bytes_, staging_out_bytes_;     // what each holds
  struct Lent {
    std::shared_ptr<void> buffer;
    size_t bytes;
  };
  std::vector<std::vector<Lent>> lent_;               // per output: staging buffers lent (LendOutput), for reuse
  std::vector<std::shared_ptr<DeviceBuffer>> bound_;  // per input, this run
  struct HostInput {
    const void* data = nullptr;
    size_t bytes = 0;
  };
  std::vector<HostInput> host_in_;  // per input, this run: staged host data Execute reads
  void UploadStaged(Stream& stream);
  std::vector<bool> output_on_device_;                     // per output
  std::vector<std::shared_ptr<DeviceBuffer>> device_out_;  // per output, last run
  // Data-dependent layers (network.h): their layer indices, one int64 count each in counts_
  // (backend memory; counts_host_ where that is not host memory), and per output the index of
  // its count or -1. run_shapes_: every output's shape in the last run.
  std::vector<size_t> count_layers_;
  std::shared_ptr<void> counts_, counts_host_;
  std::vector<int> output_count_;
  std::vector<Shape> run_shapes_;
  void ReadCounts();
  TransferCounts transfers_;
  TimingMode timing_mode_ = TimingMode::kOff;
  RunTiming timing_;
  std::unique_ptr<Timer> timer_;  // points: 0 start, 1 inputs copied, 2 layers done, 3 end, 4 + i before layer i
};

}  // namespace hybridrt
