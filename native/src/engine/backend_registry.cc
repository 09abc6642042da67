// The backends compiled into this addon and how to create them (see backend.h). The cuda
// backend (native/cuda/) is linked only when CMake found CUDA, cuBLAS(Lt) and cuDNN; it
// provides CreateCudaBackend and QueryCudaDevice, declared here.
#include "cpu/cpu_backend.h"
#include "src/engine/backend.h"
#include "src/util/error.h"

namespace hybridrt {

#ifdef HYBRIDRT_WITH_CUDA
std::unique_ptr<Backend> CreateCudaBackend(const BackendOptions& options);
DeviceStatus QueryCudaDevice();
#endif

std::vector<std::string> CompiledBackends() {
  std::vector<std::string> names = {"cpu"};
#ifdef HYBRIDRT_WITH_CUDA
  names.push_back("cuda");
#endif
  return names;
}

bool RunsPointwise(const std::string& backend) {
  if (backend == "cpu") return true;
#ifdef HYBRIDRT_WITH_NVRTC
  return backend == "cuda";
#else
  return false;
#endif
}

DeviceStatus QueryDevice(const std::string& backend) {
  if (backend == "cpu") return cpu::QueryCpuDevice();
  DeviceStatus status;
  if (backend == "cuda") {
#ifdef HYBRIDRT_WITH_CUDA
    return QueryCudaDevice();
#else
    status.reason =
        "this addon was built without the cuda backend (CUDA toolkit, cuBLAS/cuBLASLt or cuDNN "
        "were not found at build time; see `npm run build:native`)";
    return status;
#endif
  }
  status.reason = Cat("unknown backend '", backend, "'; this addon has: cpu",
#ifdef HYBRIDRT_WITH_CUDA
                      ", cuda"
#else
                      ""
#endif
  );
  return status;
}

std::unique_ptr<Backend> CreateBackend(const std::string& name, const BackendOptions& options) {
  if (name == "cpu") return cpu::CreateCpuBackend(options);
  DeviceStatus status = QueryDevice(name);
  if (!status.available) Fail(ErrorCode::kBackend, Cat("backend '", name, "' is not available: ", status.reason));
#ifdef HYBRIDRT_WITH_CUDA
  if (name == "cuda") return CreateCudaBackend(options);
#endif
  Fail(ErrorCode::kBackend, Cat("backend '", name, "' is not available"));
}

}  // namespace hybridrt
