// A stand-in for the cuda backend plugin (cuda_plugin.h), built by
// cuda-plugin.test.ts the way CMakeLists.txt links the real one (against
// hybridrt.node, native/cuda/plugin.map, -z defs): it says a device is there
// and throws a hybridrt::Error (a core type, from the core's Fail) when asked
// for a backend, so the test sees that an Error thrown in a plugin is caught by
// the core as that type. FAKE_ABI replaces the ABI string (a plugin of another
// build).
#include "src/engine/cuda_plugin.h"
#include "src/util/error.h"

#ifndef FAKE_ABI
#define FAKE_ABI hybridrt::kCudaPluginAbi
#endif

extern "C" {

const char *hybridrt_cuda_plugin_abi() { return FAKE_ABI; }

void hybridrt_cuda_query_device(int device, hybridrt::DeviceStatus *status) {
  status->available = device == 0 || device == 1;
  status->devices = 2;
  status->arch = "sm_00";
  status->description = hybridrt::Cat("stand-in plugin, ", 2, " fake GPUs");
  if (!status->available) status->reason = hybridrt::Cat("stand-in plugin: no device ", device);
}

hybridrt::Backend *hybridrt_cuda_create_backend(const hybridrt::BackendOptions *options) {
  hybridrt::Fail(hybridrt::ErrorCode::kBackend,
                 hybridrt::Cat("stand-in plugin: no backend for ", options->threads, " threads"));
}

int hybridrt_cuda_runs_pointwise() { return 0; }

}  // extern "C"
