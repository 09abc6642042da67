// The entry points of the cuda backend plugin, libhybridrt_cuda.so (cuda_plugin.h): the only
// symbols the plugin exports (native/cuda/plugin.map). The core resolves them with dlsym.
#include <type_traits>

#include "cuda/cuda_backend.h"
#include "src/engine/cuda_plugin.h"

extern "C" {

const char* hybridrt_cuda_plugin_abi() { return hybridrt::kCudaPluginAbi; }

void hybridrt_cuda_query_device(int device, hybridrt::DeviceStatus* status) {
  *status = hybridrt::QueryCudaDevice(device);
}

hybridrt::Backend* hybridrt_cuda_create_backend(const hybridrt::BackendOptions* options) {
  return hybridrt::CreateCudaBackend(*options).release();
}

int hybridrt_cuda_runs_pointwise() {
#ifdef HYBRIDRT_WITH_NVRTC
  return 1;
#else
  return 0;
#endif
}

}  // extern "C"

// The definitions above have the types the core casts dlsym's pointers to.
static_assert(std::is_same_v<decltype(&hybridrt_cuda_plugin_abi), hybridrt::CudaPluginAbiFn>);
static_assert(std::is_same_v<decltype(&hybridrt_cuda_query_device), hybridrt::CudaQueryDeviceFn>);
static_assert(std::is_same_v<decltype(&hybridrt_cuda_create_backend), hybridrt::CudaCreateBackendFn>);
static_assert(std::is_same_v<decltype(&hybridrt_cuda_runs_pointwise), hybridrt::CudaRunsPointwiseFn>);
