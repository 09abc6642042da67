// The cuda Backend (see cuda_backend.h): device query, memory, streams, copies, kernel factory.
#include "cuda/cuda_backend.h"

#include <cublasLt.h>
#include <cudnn.h>

#include <cmath>
#include <cstring>
#include <map>
#include <vector>

#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/quant_form.h"

namespace hybridrt {
namespace cuda {

std::string CudaMessage(cudaError_t e, const std::string& what) {
  return Cat(what, ": ", cudaGetErrorString(e), " (", cudaGetErrorName(e), ")");
}

namespace {

// Frees of device tensors are queued here (stream-ordered), never on a context's stream,
// and never with cudaFree, which would wait for the whole device. One per device, made with
// the device current (the caller's OnDevice), never destroyed (see napi_device_tensor.cc on
// static destructors).
cudaStream_t FreeStream(int device) {
  static std::mutex mu;
  static auto* streams = new std::map<int, cudaStream_t>();
  std::lock_guard<std::mutex> lock(mu);
  cudaStream_t& s = (*streams)[device];
  if (!s) Check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  return s;
}

class CudaBuffer : public DeviceBuffer {
 public:
  CudaBuffer(void* p, size_t bytes, int device) : p_(p), bytes_(bytes), device_(device) {}
  ~CudaBuffer() override {
    OnDevice on(device_);
    cudaFreeAsync(p_, FreeStream(device_));
  }
  void* data() const override { return p_; }
  size_t bytes() const override { return bytes_; }
  std::string backend() const override { return "cuda"; }
  void Download(void* host) const override {
    OnDevice on(device_);
    if (bytes_) Check(cudaMemcpy(host, p_, bytes_, cudaMemcpyDeviceToHost), "device tensor download (cudaMemcpy)");
  }

 private:
  void* p_;
  size_t bytes_;
  int device_;
};

void CheckCudnn(cudnnStatus_t s, const char* what) {
  if (s != CUDNN_STATUS_SUCCESS) Fail(ErrorCode::kNative, Cat(what, ": ", cudnnGetErrorString(s)));
}

void CheckLt(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) Fail(ErrorCode::kNative, Cat(what, ": cuBLAS status ", static_cast<int>(s)));
}

std::string ArchOf(const cudaDeviceProp& p) { return Cat("sm_", p.major, p.minor); }

// CUDA events, created once per context that asks for timing.
class EventTimer : public Timer {
 public:
  EventTimer(size_t points, int device) : events_(points, nullptr), device_(device) {
    for (cudaEvent_t& e : events_) Check(cudaEventCreate(&e), "cudaEventCreate (run timing)");
  }
  ~EventTimer() override {
    OnDevice on(device_);
    for (cudaEvent_t e : events_) {
      if (e) cudaEventDestroy(e);
    }
  }
  void Record(size_t point, Stream& stream) override {
    Check(cudaEventRecord(events_[point], static_cast<CudaStream&>(stream).get()), "cudaEventRecord (run timing)");
  }
  // NaN where the two events cannot be compared (e.g. one was never recorded): timing must
  // never fail the run it measures.
  double ElapsedMs(size_t from, size_t to) const override {
    float ms = 0;
    if (cudaEventElapsedTime(&ms, events_[from], events_[to]) != cudaSuccess) {
      cudaGetLastError();
      return std::nan("");
    }
    return ms;
  }

 private:
  std::vector<cudaEvent_t> events_;
  int device_;
};

class CudaGraph : public Graph {
 public:
  CudaGraph(cudaGraphExec_t exec, size_t nodes, int device) : exec_(exec), nodes_(nodes), device_(device) {}
  ~CudaGraph() override {
    OnDevice on(device_);
    cudaGraphExecDestroy(exec_);
  }
  void Launch(Stream& stream) override {
    Check(cudaGraphLaunch(exec_, static_cast<CudaStream&>(stream).get()), "cudaGraphLaunch");
  }
  size_t nodes() const override { return nodes_; }

 private:
  cudaGraphExec_t exec_;
  size_t nodes_;
  int device_;
};

// Opens on destruction: the host's store to the mapped flag reaches the waiting kernel.
class CudaGate : public StreamGate {
 public:
  explicit CudaGate(volatile int* flag) : flag_(flag) {}
  ~CudaGate() override { *flag_ = 1; }

 private:
  volatile int* flag_;
};

}  // namespace

// ---------------------------------------------------------------------------------------

CudaStream::CudaStream(int device, bool cudnn, bool cublaslt) : device_(device) {
  OnDevice on(device_);
  Check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  Check(cudaMalloc(&status_dev_, sizeof(StatusRecord)), "cudaMalloc (status record)");
  Check(cudaMemset(status_dev_, 0, sizeof(StatusRecord)), "cudaMemset (status record)");
  Check(cudaHostAlloc(&status_host_, sizeof(StatusRecord), cudaHostAllocDefault), "cudaHostAlloc (status record)");
  std::memset(status_host_, 0, sizeof(StatusRecord));
  if (cudnn) {
    CheckCudnn(cudnnCreate(&cudnn_), "cudnnCreate");
    CheckCudnn(cudnnSetStream(cudnn_, stream_), "cudnnSetStream");
  }
  if (cublaslt) CheckLt(cublasLtCreate(&cublaslt_), "cublasLtCreate");
}

CudaStream::~CudaStream() {
  OnDevice on(device_);
  if (stream_) cudaStreamSynchronize(stream_);
  if (cudnn_) cudnnDestroy(cudnn_);
  if (cublaslt_) cublasLtDestroy(cublaslt_);
  if (status_dev_) cudaFree(status_dev_);
  if (status_host_) cudaFreeHost(status_host_);
  if (gate_host_) cudaFreeHost(gate_host_);
  if (stream_) cudaStreamDestroy(stream_);
}

volatile int* CudaStream::gate_flag() {
  if (!gate_host_) {
    Check(cudaHostAlloc(&gate_host_, sizeof(int), cudaHostAllocMapped), "cudaHostAlloc (stream gate)");
    Check(cudaHostGetDevicePointer(reinterpret_cast<void**>(&gate_device_), gate_host_, 0),
          "cudaHostGetDevicePointer (stream gate)");
  }
  return gate_host_;
}

cudnnHandle_t CudaStream::cudnn() const {
  if (!cudnn_) Fail(ErrorCode::kNative, "internal: cuDNN handle used by a stream created without one");
  return cudnn_;
}

cublasLtHandle_t CudaStream::cublaslt() const {
  if (!cublaslt_) Fail(ErrorCode::kNative, "internal: cuBLASLt handle used by a stream created without one");
  return cublaslt_;
}

void CudaStream::Finish() {
  if (status_used_) {
    Check(cudaMemcpyAsync(status_host_, status_dev_, sizeof(StatusRecord), cudaMemcpyDeviceToHost, stream_),
          "cudaMemcpyAsync (status record)");
  }
  cudaError_t e = cudaStreamSynchronize(stream_);
  if (e != cudaSuccess)
    Fail(ErrorCode::kNative, CudaMessage(e, "a kernel or copy of this run failed (cudaStreamSynchronize)"));
  if (!status_used_ || status_host_->flag == 0) return;
  const StatusRecord r = *status_host_;
  std::memset(status_host_, 0, sizeof(StatusRecord));
  Check(cudaMemsetAsync(status_dev_, 0, sizeof(StatusRecord), stream_), "cudaMemsetAsync (status record)");
  Check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  const CudaKernel* k = reinterpret_cast<const CudaKernel*>(r.kernel);
  Fail(ErrorCode::kInput, Cat(k->Label(), ": ", k->StatusMessage(r)));
}

// ---------------------------------------------------------------------------------------

CudaBackend::CudaBackend(int device) : device_(device) {
  OnDevice on(device_);
  Check(cudaGetDeviceProperties(&props_, device_), "cudaGetDeviceProperties");
  arch_ = ArchOf(props_);
  // Keep memory that device tensors free in the pool (stream-ordered reuse) instead of
  // returning it to the driver at every synchronization.
  cudaMemPool_t pool;
  if (cudaDeviceGetDefaultMemPool(&pool, device_) == cudaSuccess) {
    uint64_t threshold = UINT64_MAX;
    cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold);
  }
  cudaGetLastError();
}

CudaBackend::~CudaBackend() {
  OnDevice on(device_);
  if (build_cudnn_) cudnnDestroy(build_cudnn_);
  if (build_cublaslt_) cublasLtDestroy(build_cublaslt_);
  if (build_stream_) cudaStreamDestroy(build_stream_);
}

std::unique_ptr<Kernel> CudaBackend::CreateKernel(const KernelSetup& setup) {
  switch (setup.layer->kind) {
    case LayerKind::kConvolution:
      if (!IsQuantForm(setup.layer->params)) {
        uses_cudnn_ = true;
        return MakeConvolution(this);
      }
      uses_cudnn_ = uses_cublaslt_ = true;  // its cuDNN and cuBLASLt int8 tactics run on the context's streams
      return MakeQuantConvolution(this);    // the int8 form (layers/quant_form.h; quant_conv.cu)
    case LayerKind::kDeconvolution: uses_cudnn_ = true; return MakeDeconvolution(this);
    case LayerKind::kMatmul:
      if (IsQuantForm(setup.layer->params)) {
        uses_cudnn_ = uses_cublaslt_ = true;  // as for the int8 convolution
        return MakeQuantConvolution(this);    // as a 1x1 convolution
      }
      uses_cublaslt_ = true;
      return MakeMatmul(this);
    case LayerKind::kElementwise:
      if (IsQuantForm(setup.layer->params)) return MakeQuantAdd(this);  // the int8 add (layers/quant_add.h)
      return MakeElementwise(this);
    case LayerKind::kUnary: return MakeUnary(this);
    case LayerKind::kPooling: return MakePooling(this);
    case LayerKind::kReduce: return MakeReduce(this);
    case LayerKind::kSoftmax: return MakeSoftmax(this);
    case LayerKind::kNormalization: return MakeNormalization(this);
    case LayerKind::kShuffle: return MakeShuffle(this);
    case LayerKind::kConcat: return MakeConcat(this);
    case LayerKind::kSplit: return MakeSplit(this);
    case LayerKind::kSlice: return MakeSlice(this);
    case LayerKind::kGather: return MakeGather(this);
    case LayerKind::kPad: return MakePad(this);
    case LayerKind::kResize: return MakeResize(this);
    case LayerKind::kCast: return MakeCast(this);
    case LayerKind::kSelect: return MakeSelect(this);
    case LayerKind::kShape: return MakeShapeOf(this);
    case LayerKind::kRange: return MakeRange(this);
    case LayerKind::kCumSum: return MakeCumSum(this);
    case LayerKind::kArgMinMax: return MakeArgMinMax(this);
    case LayerKind::kAttention: return MakeAttention(this);
    case LayerKind::kScatter: return MakeScatter(this);
    case LayerKind::kTopK: return MakeTopK(this);
    case LayerKind::kRoiAlign: return MakeRoiAlign(this);
    case LayerKind::kGridSample: return MakeGridSample(this);
    case LayerKind::kRecurrent: return MakeRecurrent(this);
    case LayerKind::kNonZero: return MakeNonZero(this);
    case LayerKind::kNms: return MakeNms(this);
    case LayerKind::kQuantize: return MakeQuantize(this);
    case LayerKind::kDequantize: return MakeDequantize(this);
    case LayerKind::kPointwise: return MakePointwise(this);
    default: Fail(ErrorCode::kNative, Cat(LayerLabel(*setup.layer), ": the cuda backend has no kernel for this kind"));
  }
}

std::unique_ptr<Stream> CudaBackend::CreateStream() {
  return std::make_unique<CudaStream>(device_, uses_cudnn_, uses_cublaslt_);
}

std::unique_ptr<Stream> CudaBackend::CreateCopyStream() { return std::make_unique<CudaStream>(device_, false, false); }

std::shared_ptr<void> CudaBackend::Allocate(size_t bytes) {
  OnDevice on(device_);
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, bytes ? bytes : 256);
  if (e != cudaSuccess) {
    cudaGetLastError();
    Fail(ErrorCode::kNative, CudaMessage(e, Cat("allocating ", bytes, " bytes of device memory (cudaMalloc)")));
  }
  return std::shared_ptr<void>(p, [device = device_](void* q) {
    OnDevice on(device);
    cudaFree(q);
  });
}

std::shared_ptr<const void> CudaBackend::UploadWeights(const void* host, size_t bytes) {
  OnDevice on(device_);
  std::shared_ptr<void> p = Allocate(bytes);
  if (bytes) Check(cudaMemcpy(p.get(), host, bytes, cudaMemcpyHostToDevice), "uploading weights (cudaMemcpy)");
  return p;
}

void CudaBackend::CopyToDevice(void* dst, const void* src, size_t bytes, Stream& stream) {
  OnDevice on(device_);
  Check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, static_cast<CudaStream&>(stream).get()),
        "host-to-device copy (cudaMemcpyAsync)");
}

void CudaBackend::CopyToHost(void* dst, const void* src, size_t bytes, Stream& stream) {
  OnDevice on(device_);
  Check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, static_cast<CudaStream&>(stream).get()),
        "device-to-host copy (cudaMemcpyAsync)");
}

void CudaBackend::CopyOnDevice(void* dst, const void* src, size_t bytes, Stream& stream) {
  OnDevice on(device_);
  Check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, static_cast<CudaStream&>(stream).get()),
        "device-to-device copy (cudaMemcpyAsync)");
}

void CudaBackend::Synchronize(Stream& stream) {
  OnDevice on(device_);
  static_cast<CudaStream&>(stream).Finish();
}

std::shared_ptr<void> CudaBackend::AllocateHost(size_t bytes) {
  OnDevice on(device_);
  void* p = nullptr;
  cudaError_t e = cudaHostAlloc(&p, bytes ? bytes : 256, cudaHostAllocDefault);
  if (e != cudaSuccess) {
    cudaGetLastError();
    Fail(ErrorCode::kNative, CudaMessage(e, Cat("allocating ", bytes, " bytes of pinned host memory (cudaHostAlloc)")));
  }
  return std::shared_ptr<void>(p, [device = device_](void* q) {
    OnDevice on(device);
    cudaFreeHost(q);
  });
}

std::shared_ptr<DeviceBuffer> CudaBackend::AllocateBuffer(size_t bytes, Stream& stream) {
  OnDevice on(device_);
  void* p = nullptr;
  cudaError_t e = cudaMallocAsync(&p, bytes ? bytes : 256, static_cast<CudaStream&>(stream).get());
  if (e != cudaSuccess) {
    cudaGetLastError();
    Fail(ErrorCode::kNative, CudaMessage(e, Cat("allocating a device tensor of ", bytes, " bytes (cudaMallocAsync)")));
  }
  return std::make_shared<CudaBuffer>(p, bytes, device_);
}

std::unique_ptr<Timer> CudaBackend::CreateTimer(size_t points) {
  OnDevice on(device_);
  return std::make_unique<EventTimer>(points, device_);
}

// Thread-local capture mode: other threads (other contexts, device-tensor frees) go on
// freely, while an unsafe call on this thread (an allocation, a synchronization) invalidates
// the capture instead of slipping into it.
std::unique_ptr<Graph> CudaBackend::Capture(Stream& stream, const std::function<void()>& enqueue) {
  OnDevice on(device_);
  cudaStream_t s = static_cast<CudaStream&>(stream).get();
  Check(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
  cudaGraph_t graph = nullptr;
  try {
    enqueue();
  } catch (...) {
    cudaStreamEndCapture(s, &graph);
    if (graph) cudaGraphDestroy(graph);
    cudaGetLastError();
    throw;
  }
  cudaError_t e = cudaStreamEndCapture(s, &graph);
  if (e != cudaSuccess || !graph) {
    if (graph) cudaGraphDestroy(graph);
    cudaGetLastError();
    Fail(ErrorCode::kNative, CudaMessage(e, "capturing the layers into a CUDA graph (cudaStreamEndCapture)"));
  }
  size_t nodes = 0;
  cudaGraphGetNodes(graph, nullptr, &nodes);
  cudaGraphExec_t exec = nullptr;
  e = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  if (e != cudaSuccess) {
    cudaGetLastError();
    Fail(ErrorCode::kNative, CudaMessage(e, "cudaGraphInstantiate"));
  }
  return std::make_unique<CudaGraph>(exec, nodes, device_);
}

// Events without timing (lighter to record); a record made during a capture is the graph's
// external record node, so that work outside the graph can wait for that point of a replay.
class CudaEvent : public Event {
 public:
  explicit CudaEvent(int device) : device_(device) {
    Check(cudaEventCreateWithFlags(&event_, cudaEventDisableTiming), "cudaEventCreateWithFlags");
  }
  ~CudaEvent() override {
    OnDevice on(device_);
    cudaEventDestroy(event_);
  }
  cudaEvent_t get() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
  int device_;
};

std::unique_ptr<Event> CudaBackend::CreateEvent() {
  OnDevice on(device_);
  return std::make_unique<CudaEvent>(device_);
}

void CudaBackend::Record(Event& event, Stream& stream) {
  OnDevice on(device_);
  cudaStream_t s = static_cast<CudaStream&>(stream).get();
  cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
  Check(cudaStreamIsCapturing(s, &capturing), "cudaStreamIsCapturing");
  const unsigned flags = capturing == cudaStreamCaptureStatusActive ? cudaEventRecordExternal : cudaEventRecordDefault;
  Check(cudaEventRecordWithFlags(static_cast<CudaEvent&>(event).get(), s, flags), "cudaEventRecordWithFlags");
}

void CudaBackend::WaitFor(Stream& stream, Event& event) {
  OnDevice on(device_);
  Check(cudaStreamWaitEvent(static_cast<CudaStream&>(stream).get(), static_cast<CudaEvent&>(event).get(), 0),
        "cudaStreamWaitEvent");
}

// The previous gate of this stream has been passed (its run was synchronized): close the
// flag again, then queue the waiting kernel.
std::unique_ptr<StreamGate> CudaBackend::HoldStream(Stream& stream) {
  OnDevice on(device_);
  CudaStream& cs = static_cast<CudaStream&>(stream);
  volatile int* flag = cs.gate_flag();
  *flag = 0;
  Check(LaunchGate(cs.gate_flag_device(), cs.get()), "stream gate launch");
  return std::make_unique<CudaGate>(flag);
}

// The timing cache's device key. "tactics N" moves when a kernel's tactic set grows, so that
// timings cached before it are timed again among the new tactics (2: the int8 convolution's
// split-k tactics, 74df5af; 3: its 128-byte k stages; 4: the matmul's one-row `gemv`; 6: cuDNN's int8 convolutions on
// by default; 7: cuDNN's int8 convolutions also over input channels padded to 4 and with SiLU, sigmoid, tanh and GELU
// epilogues, a886b1a and 44a4a87, after 6 had timed layers on an H100; 8: cuDNN's int8 graph
// plans strided layers whose last input rows go unread, 2437a49, where 7 had cached a tile; 9:
// cuBLASLt's int8 GEMM for int8 matmuls and 1x1 convolutions, 8d9f988).
std::string CudaBackend::DeviceKey() const {
  return Cat(arch_, " ", props_.name, " cuDNN ", cudnnGetVersion(), " cuBLASLt ", cublasLtGetVersion(), " tactics 9");
}

cudaStream_t CudaBackend::build_stream() {
  OnDevice on(device_);
  if (!build_stream_)
    Check(cudaStreamCreateWithFlags(&build_stream_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  return build_stream_;
}

cudnnHandle_t CudaBackend::build_cudnn() {
  OnDevice on(device_);
  if (!build_cudnn_) {
    CheckCudnn(cudnnCreate(&build_cudnn_), "cudnnCreate");
    CheckCudnn(cudnnSetStream(build_cudnn_, build_stream()), "cudnnSetStream");
  }
  return build_cudnn_;
}

cublasLtHandle_t CudaBackend::build_cublaslt() {
  OnDevice on(device_);
  if (!build_cublaslt_) CheckLt(cublasLtCreate(&build_cublaslt_), "cublasLtCreate");
  return build_cublaslt_;
}

}  // namespace cuda

// ---------------------------------------------------------------------------------------
// Declared in cuda_backend.h; plugin.cc exports it to the core (QueryCudaDevice: cuda_device.cc).

std::unique_ptr<Backend> CreateCudaBackend(const BackendOptions& options) {
  return std::make_unique<cuda::CudaBackend>(options.device);
}

}  // namespace hybridrt
