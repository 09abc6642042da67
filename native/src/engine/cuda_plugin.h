// The contract between the core (backend_registry.cc, in hybridrt.node) and the cuda backend
// plugin (libhybridrt_cuda.so, built from native/cuda/ where CMake finds CUDA, cuBLAS(Lt) and
// cuDNN). The core dlopens the plugin from its own folder on first use of the cuda backend and
// resolves these extern "C" entry points with dlsym; the plugin takes every core symbol it
// uses (Error, Cat, the IR, the memory planner) from the already loaded addon, so there is one
// copy of the core and one type_info of hybridrt::Error in the process (CMakeLists.txt says why).
//
// The plugin and the addon come from one build: the core refuses a plugin whose
// kCudaPluginAbi string differs from its own. Bump the number when backend.h or anything the
// plugin includes from native/src changes its layout.
#pragma once

#include "src/engine/backend.h"

namespace hybridrt {

constexpr const char* kCudaPluginAbi = "hybridrt cuda plugin 3";

// The plugin's file name beside hybridrt.node.
#ifdef __APPLE__
constexpr const char* kCudaPluginFile = "libhybridrt_cuda.dylib";
#else
constexpr const char* kCudaPluginFile = "libhybridrt_cuda.so";
#endif

// Entry points: their names (for dlsym) and types.
constexpr const char* kCudaPluginAbiSymbol = "hybridrt_cuda_plugin_abi";
constexpr const char* kCudaQueryDeviceSymbol = "hybridrt_cuda_query_device";
constexpr const char* kCudaCreateBackendSymbol = "hybridrt_cuda_create_backend";
constexpr const char* kCudaRunsPointwiseSymbol = "hybridrt_cuda_runs_pointwise";

using CudaPluginAbiFn = const char* (*)();
// Fills *status for device ordinal `device` (as QueryDevice("cuda", device) reports it); never
// throws.
using CudaQueryDeviceFn = void (*)(int device, DeviceStatus* status);
// A new cuda backend, owned by the caller; throws hybridrt::Error as CreateBackend does.
using CudaCreateBackendFn = Backend* (*)(const BackendOptions* options);
// 1 where the plugin was built with NVRTC (pointwise layers run), else 0.
using CudaRunsPointwiseFn = int (*)();

}  // namespace hybridrt
