// The cuda backend (backend.h on an NVIDIA GPU): device memory through cudaMalloc (one
// arena per execution context) and the stream-ordered allocator (device tensors), weights
// uploaded once per engine, one non-blocking cudaStream_t per context with its own cuDNN
// and cuBLASLt handles, pinned host memory for staging copies. Kernels (kernels.h) enqueue
// on the context's stream and never synchronize or allocate, so a whole engine can be
// captured into a CUDA graph.
//
// Errors: every CUDA, cuDNN and cuBLAS status is checked; a failure is an Error naming the
// layer (kernels) or the operation (backend). Failures of queued work surface at
// Synchronize. Kernels that find bad data at run time (gather's out-of-range indices) write
// a status record on the device instead of trapping; Synchronize reads it back and throws an
// Error(kInput) naming the layer, the index and its position.
//
// Devices: a backend runs on one device ordinal (BackendOptions::device). Every entry point
// below, and the destructor of everything it made (memory, streams, events, graphs), makes
// that device current on the calling thread for the call (OnDevice); the engine holds the
// device current where kernels are prepared and enqueued (backend.h DeviceScope).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "src/engine/backend.h"
#include "src/util/error.h"

typedef struct cudnnContext* cudnnHandle_t;
typedef struct cublasLtContext* cublasLtHandle_t;

namespace hybridrt {
namespace cuda {

// "cudaMemcpyAsync: an illegal memory access was encountered (cudaErrorIllegalAddress)".
std::string CudaMessage(cudaError_t e, const std::string& what);
inline void Check(cudaError_t e, const std::string& what) {
  if (e != cudaSuccess) Fail(ErrorCode::kNative, CudaMessage(e, what));
}

class CudaKernel;

// Makes `device` current on this thread until the scope ends, then the previous device again
// where this process had selected it before (cuda_device.cc says why; backend.h DeviceScope
// says where). Never throws, since destructors use it: a device that
// cannot be selected fails the CUDA calls that follow.
int SelectDevice(int device);  // returns the previous device (-1: none known)
void RestoreDevice(int device, int previous);
class OnDevice {
 public:
  explicit OnDevice(int device) : device_(device), previous_(SelectDevice(device)) {}
  ~OnDevice() { RestoreDevice(device_, previous_); }
  OnDevice(const OnDevice&) = delete;
  OnDevice& operator=(const OnDevice&) = delete;

 private:
  int device_, previous_;
};

// Where a kernel reports bad data found at run time (see the file comment).
struct StatusRecord {
  unsigned long long flag;    // 0: nothing to report
  unsigned long long kernel;  // the reporting CudaKernel
  long long value, position, extent;
};

class CudaStream : public Stream {
 public:
  CudaStream(int device, bool cudnn, bool cublaslt);
  ~CudaStream() override;
  cudaStream_t get() const { return stream_; }
  cudnnHandle_t cudnn() const;
  cublasLtHandle_t cublaslt() const;
  // The device status record; marks the stream so that Synchronize reads it back.
  StatusRecord* status() {
    status_used_ = true;
    return status_dev_;
  }
  // Waits for everything queued; throws a failure of queued work, or what a kernel reported
  // in the status record (clearing it for the next run).
  void Finish();
  // The gate flag of this stream (pinned, mapped; made on first use): 0 closed, 1 open.
  volatile int* gate_flag();
  const volatile int* gate_flag_device() const { return gate_device_; }

 private:
  int device_;
  cudaStream_t stream_ = nullptr;
  cudnnHandle_t cudnn_ = nullptr;
  cublasLtHandle_t cublaslt_ = nullptr;
  StatusRecord* status_dev_ = nullptr;
  StatusRecord* status_host_ = nullptr;  // pinned
  bool status_used_ = false;
  int* gate_host_ = nullptr;  // pinned, mapped
  int* gate_device_ = nullptr;
};

class CudaBackend : public Backend {
 public:
  explicit CudaBackend(int device);
  ~CudaBackend() override;

  std::string Name() const override { return "cuda"; }
  std::string DeviceArch() const override { return arch_; }
  std::unique_ptr<Kernel> CreateKernel(const KernelSetup& setup) override;
  std::unique_ptr<Stream> CreateStream() override;
  std::shared_ptr<void> Allocate(size_t bytes) override;
  std::shared_ptr<const void> UploadWeights(const void* host, size_t bytes) override;
  void CopyToDevice(void* dst, const void* src, size_t bytes, Stream& stream) override;
  void CopyToHost(void* dst, const void* src, size_t bytes, Stream& stream) override;
  void Synchronize(Stream& stream) override;
  bool HostVisible() const override { return false; }
  std::shared_ptr<void> AllocateHost(size_t bytes) override;
  void CopyOnDevice(void* dst, const void* src, size_t bytes, Stream& stream) override;
  std::shared_ptr<DeviceBuffer> AllocateBuffer(size_t bytes, Stream& stream) override;
  std::unique_ptr<Timer> CreateTimer(size_t points) override;
  std::unique_ptr<Graph> Capture(Stream& stream, const std::function<void()>& enqueue) override;
  std::unique_ptr<StreamGate> HoldStream(Stream& stream) override;
  std::unique_ptr<Event> CreateEvent() override;
  std::unique_ptr<Stream> CreateCopyStream() override;
  void Record(Event& event, Stream& stream) override;
  void WaitFor(Stream& stream, Event& event) override;
  // "sm_90 NVIDIA H200 cuDNN 91900 cuBLASLt 130100": timings stay valid while these hold.
  std::string DeviceKey() const override;
  int EnterDevice() const override { return SelectDevice(device_); }
  void LeaveDevice(int previous) const override { RestoreDevice(device_, previous); }
  int device() const { return device_; }

  // Build-time resources for kernels that time their tactics (one build at a time per
  // backend: an engine's kernels are prepared in sequence).
  cudaStream_t build_stream();
  cudnnHandle_t build_cudnn();
  cublasLtHandle_t build_cublaslt();
  const cudaDeviceProp& properties() const { return props_; }

 private:
  int device_;
  std::string arch_;
  cudaDeviceProp props_{};
  bool uses_cudnn_ = false, uses_cublaslt_ = false;
  cudaStream_t build_stream_ = nullptr;
  cudnnHandle_t build_cudnn_ = nullptr;
  cublasLtHandle_t build_cublaslt_ = nullptr;
};

}  // namespace cuda

// What the plugin's entry points (plugin.cc) return: a device's status (computed once per
// device) and a new backend.
DeviceStatus QueryCudaDevice(int device);
std::unique_ptr<Backend> CreateCudaBackend(const BackendOptions& options);

}  // namespace hybridrt
