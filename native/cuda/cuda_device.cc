// The cuda devices (cuda_backend.h): which device is current on a thread (OnDevice), and what
// each device is (QueryCudaDevice, plugin.cc's query entry point).
#include <cublasLt.h>
#include <cudnn.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>

#include "cuda/cuda_backend.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {
// The devices this process has selected (bit d: device d, for d < 64). A thread that never
// chose a device reads device 0 from cudaGetDevice; restoring 0 there would make the runtime
// set up a context on GPU 0 (cudaSetDevice initializes it since CUDA 12) in a process that
// only uses GPU 1. So the previous device is restored only where it was in use already.
std::atomic<uint64_t> g_selected{0};
uint64_t Bit(int device) { return device >= 0 && device < 64 ? uint64_t{1} << device : 0; }
}  // namespace

int SelectDevice(int device) {
  int previous = -1;
  if (cudaGetDevice(&previous) != cudaSuccess) {
    cudaGetLastError();
    previous = -1;
  }
  g_selected.fetch_or(Bit(device), std::memory_order_relaxed);
  if (previous != device && cudaSetDevice(device) != cudaSuccess) cudaGetLastError();
  return previous;
}

void RestoreDevice(int device, int previous) {
  if (previous < 0 || previous == device || !(g_selected.load(std::memory_order_relaxed) & Bit(previous))) return;
  if (cudaSetDevice(previous) != cudaSuccess) cudaGetLastError();
}

}  // namespace cuda

namespace {

// Device `device`'s status (0 <= device < count): made on the device (the kernel probe).
DeviceStatus StatusOf(int device, int count) {
  DeviceStatus s;
  s.devices = count;
  cudaDeviceProp p{};
  cudaError_t e = cudaGetDeviceProperties(&p, device);
  if (e != cudaSuccess) {
    cudaGetLastError();
    s.reason = cuda::CudaMessage(e, Cat("cudaGetDeviceProperties (device ", device, ")"));
    return s;
  }
  s.arch = Cat("sm_", p.major, p.minor);
  {
    cuda::OnDevice on(device);
    e = cuda::ProbeKernelImage();
  }
  if (e != cudaSuccess) {
    cudaGetLastError();
    s.reason = Cat("this addon has no kernels for ", p.name, " (", s.arch,
                   "): rebuild it with HYBRIDRT_CUDA_ARCHS=", p.major, p.minor, " (", cudaGetErrorString(e), ")");
    return s;
  }
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  size_t cudnn = cudnnGetVersion();
  size_t lt = cublasLtGetVersion();
  s.available = true;
  // The model, not the ordinal: what engines and timings stay valid for (cache keys, artifacts).
  s.description = Cat(p.name, ", ", s.arch, ", ", (p.totalGlobalMem >> 30), " GiB, driver CUDA ", driver / 1000, ".",
                      driver % 1000 / 10, ", runtime ", runtime / 1000, ".", runtime % 1000 / 10, ", cuDNN ",
                      cudnn / 10000, ".", cudnn % 10000 / 100, ".", cudnn % 100, ", cuBLASLt ", lt);
  return s;
}

// The machine's devices: their count, or why there are none usable (found once).
const DeviceStatus& Devices() {
  static const DeviceStatus status = [] {
    DeviceStatus s;
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      cudaGetLastError();
      if (e == cudaErrorNoDevice) {
        s.reason = "no NVIDIA GPU was found (cudaGetDeviceCount: no CUDA-capable device)";
      } else if (e == cudaErrorInsufficientDriver) {
        s.reason = Cat("the NVIDIA driver is missing or older than the CUDA ", CUDART_VERSION / 1000, ".",
                       CUDART_VERSION % 1000 / 10, " runtime this addon was built with (", cudaGetErrorString(e), ")");
      } else {
        s.reason = Cat("no usable NVIDIA driver or GPU: ", cuda::CudaMessage(e, "cudaGetDeviceCount"));
      }
      return s;
    }
    if (count == 0) s.reason = "no NVIDIA GPU was found (cudaGetDeviceCount returned 0)";
    s.devices = count;
    return s;
  }();
  return status;
}

}  // namespace

// Each device's status is made on first query of that device only, so that a process using
// one GPU of several makes no CUDA context on the others.
DeviceStatus QueryCudaDevice(int device) {
  const DeviceStatus& all = Devices();
  if (all.devices == 0) return all;
  if (device < 0 || device >= all.devices) {
    DeviceStatus s;
    s.devices = all.devices;
    s.reason = Cat("there is no cuda device ", device, ": this machine has ", all.devices,
                   all.devices == 1 ? " GPU (device 0)" : Cat(" GPUs (devices 0 to ", all.devices - 1, ")"));
    return s;
  }
  static std::mutex mu;
  static auto* made = new std::map<int, DeviceStatus>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = made->find(device);
  if (it == made->end()) it = made->emplace(device, StatusOf(device, all.devices)).first;
  return it->second;
}

}  // namespace hybridrt
