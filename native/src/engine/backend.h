// The backend interface: everything the engine asks of a device, so that the cpu backend
// (native/cpu/) and a cuda backend (native/cuda/) plug into the same builder, plans and
// execution contexts.
//
// Life of a layer:
//   build:   Backend::CreateKernel(setup) -> Kernel; Kernel::Prepare(setup) checks that the
//            layer is supported, picks a tactic (or takes the one a plan recorded), may pack or
//            upload constant inputs, and fixes WorkspaceBytes().
//   run:     Kernel::Enqueue(args, stream) queues the layer's work on the context's stream.
//            Pointers in args are device pointers (host memory on cpu): activations in the
//            context's arena, constants where UploadWeights put them, and a private workspace.
// Kernels are shared by every execution context of an engine: Enqueue is const and must be
// safe to call concurrently with different args and streams (no mutable state in a kernel;
// per-run scratch goes in the workspace).
//
// A cuda backend maps this one to one: Allocate = cudaMalloc (arena per context),
// UploadWeights = one device copy of each constant per engine, CreateStream = a cudaStream_t
// per context, Enqueue = kernel launches / cuDNN / cuBLASLt calls on that stream without
// synchronizing, Synchronize = cudaStreamSynchronize, Copy* = cudaMemcpyAsync through pinned
// buffers. Backend errors are hybridrt::Error naming the layer (see error.h).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/ir/dtype.h"
#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/env_switches.h"

namespace hybridrt {

struct TensorDesc {
  DType dtype = DType::kFloat32;
  Shape shape;
  int64_t numel = 0;
  size_t bytes = 0;
};

TensorDesc MakeTensorDesc(DType dtype, const Shape& shape);

// What a backend is told about one layer. The layer has passed validation (validator.h):
// its params are complete and in range, and the descs follow the kind's shape rule.
struct KernelSetup {
  const Layer* layer = nullptr;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  // Host data of the inputs that are constants (nullptr for activations). Valid for the
  // engine's lifetime; a kernel may read, pack or upload them in Prepare.
  std::vector<const void*> constants;
  // The tactic a plan recorded for this layer, or empty at build time (the kernel chooses).
  // A tactic the kernel does not know is an Error (the plan is from another build).
  std::string tactic;
  // Set for a dynamic engine's per-shape instance (instances.cc): `tactic` is what the build
  // chose at opt, and a kernel whose tactics are per shape (a cuBLASLt heuristic's index) may
  // find it does not exist at these shapes; it then takes its choice without timing.
  bool tactic_hint = false;
  // The engine serves a range of shapes (a dynamic engine): the kernel is prepared again at
  // other shapes, so one that compiles code (a pointwise layer's NVRTC kernel) compiles code
  // that takes the sizes as arguments, which every shape can reuse.
  bool ranged = false;
  int threads = 1;  // cpu: how many threads a layer may use
  // The build config's debugging switches of tactic choice (BuildConfig::tactic_switches).
  TacticSwitches tactic_switches;
};

struct KernelArgs {
  std::vector<const void*> inputs;
  std::vector<void*> outputs;
  void* workspace = nullptr;  // WorkspaceBytes() bytes, 256-byte aligned, private to this run
  // A data-dependent layer's (network.h: DataDependentLayer): one int64 in backend memory where
  // the kernel writes its output's count; the context reads it after the run.
  int64_t* count = nullptr;
};

// An ordered queue of device work owned by one execution context.
class Stream {
 public:
  virtual ~Stream() = default;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual void Prepare(const KernelSetup& setup) = 0;
  virtual size_t WorkspaceBytes() const { return 0; }
  // The implementation chosen, recorded in plans (e.g. "im2col_gemm").
  virtual std::string Tactic() const { return "default"; }
  // Milliseconds the chosen tactic took when it was timed at build time (NaN: not timed).
  virtual double TacticMs() const;
  virtual void Enqueue(const KernelArgs& args, Stream& stream) const = 0;
};

// Timestamps taken in stream order (cuda: events; cpu: the host clock, since cpu work runs
// inside Enqueue): what run timing and per-layer profiles are measured with. Points are
// numbered by the caller; ElapsedMs is valid once the stream was synchronized.
class Timer {
 public:
  virtual ~Timer() = default;
  virtual void Record(size_t point, Stream& stream) = 0;
  virtual double ElapsedMs(size_t from, size_t to) const = 0;
};

// Work captured once and replayed on a stream (cuda: an instantiated CUDA graph).
class Graph {
 public:
  virtual ~Graph() = default;
  virtual void Launch(Stream& stream) = 0;
  // Operations in the graph (kernels, copies, memsets): what the layers launch.
  virtual size_t nodes() const = 0;
};

// Holds back the work of a stream queued after it until it is destroyed, so that the work
// then runs back to back (per-layer profiles without the gaps of queueing one layer at a
// time). Destroying it releases the stream; a gate never holds for more than a second.
class StreamGate {
 public:
  virtual ~StreamGate() = default;
};

// A point in one stream's work that another stream can wait for (cuda: an event).
class Event {
 public:
  virtual ~Event() = default;
};

// A tensor's bytes in a backend's memory that outlive the run (and the engine) that made
// them: what a device tensor of TypeScript holds. Freed when the last holder lets go.
class DeviceBuffer {
 public:
  virtual ~DeviceBuffer() = default;
  virtual void* data() const = 0;
  virtual size_t bytes() const = 0;
  virtual std::string backend() const = 0;
  // Copies the bytes to host memory and waits for the copy (any thread).
  virtual void Download(void* host) const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string Name() const = 0;
  // Recorded in plans; a plan built for another device architecture is refused on load.
  virtual std::string DeviceArch() const = 0;
  virtual std::unique_ptr<Kernel> CreateKernel(const KernelSetup& setup) = 0;
  virtual std::unique_ptr<Stream> CreateStream() = 0;
  // Device memory of `bytes` (256-byte aligned); freed when the last holder lets go.
  virtual std::shared_ptr<void> Allocate(size_t bytes) = 0;
  // A device copy of a constant, kept for the engine's lifetime (cpu: the host data itself).
  virtual std::shared_ptr<const void> UploadWeights(const void* host, size_t bytes) = 0;
  virtual void CopyToDevice(void* dst, const void* src, size_t bytes, Stream& stream) = 0;
  virtual void CopyToHost(void* dst, const void* src, size_t bytes, Stream& stream) = 0;
  // Blocks until everything queued on the stream has finished; a failure of queued work is
  // thrown here.
  virtual void Synchronize(Stream& stream) = 0;

  // Device residency (defaults for backends whose device memory is host memory, like cpu).
  // Whether a host pointer may be read by kernels and copies directly (no staging needed).
  virtual bool HostVisible() const { return true; }
  // Host memory for staging copies (cuda: pinned, so that copies are asynchronous DMA).
  virtual std::shared_ptr<void> AllocateHost(size_t bytes);
  virtual void CopyOnDevice(void* dst, const void* src, size_t bytes, Stream& stream);
  // A buffer that outlives this backend, allocated in stream order on `stream`.
  virtual std::shared_ptr<DeviceBuffer> AllocateBuffer(size_t bytes, Stream& stream);

  // Run timing (default: the host clock, right where work runs synchronously).
  virtual std::unique_ptr<Timer> CreateTimer(size_t points);
  // Records what `enqueue` queues on `stream` into a graph, without running it; nullptr where
  // the backend has no graphs (cpu). A failure is an Error, after which the stream is usable
  // as before and nothing of the failed capture has run.
  virtual std::unique_ptr<Graph> Capture(Stream& stream, const std::function<void()>& enqueue) { return nullptr; }
  // A gate on `stream` (see StreamGate), or nullptr where queued work runs at once (cpu).
  virtual std::unique_ptr<StreamGate> HoldStream(Stream& stream) { return nullptr; }
  // Order between streams: Record marks what `stream` has queued so far (inside a Capture, the
  // graph's own record of that point, made by every launch), WaitFor holds the work queued on
  // `stream` afterwards until the last Record of `event` has run. CreateEvent: nullptr where
  // work runs as it is queued (cpu), and then there is one order and nothing to wait for.
  virtual std::unique_ptr<Event> CreateEvent() { return nullptr; }
  // A stream for copies only (no library handles of its own; default: CreateStream's).
  virtual std::unique_ptr<Stream> CreateCopyStream() { return CreateStream(); }
  virtual void Record(Event& event, Stream& stream) {}
  virtual void WaitFor(Stream& stream, Event& event) {}
  // What a tactic timed on this device stays valid for: the device and library versions
  // (timing cache key; default: the architecture).
  virtual std::string DeviceKey() const { return DeviceArch(); }

  // Makes this backend's device current on the calling thread (cuda: its device ordinal) and
  // returns what LeaveDevice restores; the cpu backend keeps its thread pool's workers awake
  // between the two (PoolHoldBegin). Use DeviceScope, never these directly.
  virtual int EnterDevice() const { return -1; }
  virtual void LeaveDevice(int previous) const {}
};

// The one rule of several devices: kernels are prepared and enqueued, and every other call
// on a backend's device objects is made, with the backend's device current on the calling
// thread. The engine holds a DeviceScope where it prepares kernels (a build, a new shape
// instance) and where a context runs (Execute); a backend's own entry points and the
// destructors of what it made (memory, streams, events, graphs) select their device
// themselves, since they run on any thread (a worker, a finalizer). The previous device is
// current again when the scope ends.
class DeviceScope {
 public:
  explicit DeviceScope(const Backend& backend) : backend_(backend), previous_(backend.EnterDevice()) {}
  ~DeviceScope() { backend_.LeaveDevice(previous_); }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  const Backend& backend_;
  int previous_;
};

struct BackendOptions {
  int threads = 0;  // cpu: 0 = every core
  int device = 0;   // cuda: the device ordinal (cudaSetDevice's); other backends: 0 only
};

struct DeviceStatus {
  bool available = false;
  std::string arch;         // as DeviceArch() reports it
  std::string description;  // for people: "x86_64, avx2+fma, 2 threads"
  std::string reason;       // why not available
  int devices = 0;          // devices of this backend on the machine (cpu: 1)
};

// Backends compiled into this addon ("cpu", and "cuda" where it was built).
std::vector<std::string> CompiledBackends();
// Device `device` of `backend` (an ordinal; cpu has only 0): unavailable, saying how many there
// are, where there is no such device.
DeviceStatus QueryDevice(const std::string& backend, int device = 0);
// Whether this addon's `backend` runs pointwise layers (pointwise.h): the cpu backend always,
// the cuda backend when it was built with NVRTC.
bool RunsPointwise(const std::string& backend);
// An Error (kBackend) naming the backend when it is unknown, not compiled in, or has no device
// (options.device: no device of that ordinal, saying how many there are).
std::unique_ptr<Backend> CreateBackend(const std::string& name, const BackendOptions& options);

// The cpu backend, part of every addon: declared here, where the registry (backend_registry.cc)
// asks for it, and defined in native/cpu/cpu_backend.cc, so that the engine core includes
// nothing of a backend's folder.
namespace cpu {
std::unique_ptr<Backend> CreateCpuBackend(const BackendOptions& options);
DeviceStatus QueryCpuDevice();
// The micro-kernel form of the cpu kernels (HYBRIDRT_CPU_KERNEL: "portable", "avx2", "avx512",
// or "" for the best this CPU runs): one per process, not per build, since packed weights are
// shared between engines (cpu/sgemm.h PackedMatrix) and the vector and int8 kernels follow the
// SGEMM's form. The binding sets it once, when the addon loads (napi/addon.cc, from
// util/env_switches.h), before any kernel runs; the kernels' tables (cpu/sgemm.cc, cpu/igemm.cc)
// read it here when they first choose. Only the first call counts.
void SetKernelForm(const std::string& form);
const std::string& KernelForm();
}  // namespace cpu

}  // namespace hybridrt
