// The backends of this addon and how to create them (see backend.h). The cpu backend is part
// of the addon. The cuda backend is a plugin beside it (cuda_plugin.h): libhybridrt_cuda.so,
// built only where CMake found CUDA, cuBLAS(Lt) and cuDNN, and linked against those libraries,
// while the addon links none of them. The plugin is loaded on first use of "cuda"; where it
// cannot be (a library it needs is missing), QueryDevice("cuda") says why in dlerror()'s
// words, which name the missing library, and backend 'auto' takes cpu. Whether the addon has
// cuda is thus decided at run time, by the plugin file, not by the build that made the addon.
#include <sys/stat.h>

#include <memory>

#include "src/engine/backend.h"
#include "src/engine/cuda_plugin.h"
#include "src/util/error.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif

namespace hybridrt {
namespace {

// The cuda plugin, loaded at most once per process and never unloaded (kernels, streams and
// device buffers it made may live until exit).
struct CudaPlugin {
  bool present = false;  // the file exists beside the addon
  bool loaded = false;   // and loaded, with every entry point
  std::string reason;    // why not loaded
  CudaQueryDeviceFn query = nullptr;
  CudaCreateBackendFn create = nullptr;
  CudaRunsPointwiseFn runs_pointwise = nullptr;
};

// No build command here: the one to run differs between a checkout and an installed package
// (src/engine/native.ts nativeBuildHint), and this text reaches users of both.
const char kNotBuilt[] =
    "this addon was built without the cuda backend (CUDA toolkit, cuBLAS/cuBLASLt or cuDNN "
    "were not found at build time; to have it, build the addon from source where they are: "
    "docs/cuda.md)";

#ifndef _WIN32
// The folder hybridrt.node was loaded from (dladdr on a function of the core), with a
// trailing slash, or "" where the loader cannot say.
std::string AddonDir() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&CompiledBackends), &info) || !info.dli_fname) return "";
  std::string path = info.dli_fname;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

template <typename Fn>
Fn Symbol(void* handle, const char* name, std::string* missing) {
  void* p = dlsym(handle, name);
  if (!p) *missing += (missing->empty() ? "" : ", ") + std::string(name);
  return reinterpret_cast<Fn>(p);
}

CudaPlugin LoadCudaPlugin() {
  CudaPlugin plugin;
  const std::string file = AddonDir() + kCudaPluginFile;
  struct stat st {};
  plugin.present = stat(file.c_str(), &st) == 0;
  if (!plugin.present) {
    plugin.reason = kNotBuilt;
    return plugin;
  }
  // RTLD_NOW: a missing library or symbol fails here, with dlerror() naming it, rather than
  // at a first call. RTLD_LOCAL: nothing of the plugin joins the global scope.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    plugin.reason =
        Cat("the cuda backend plugin ", file, " could not be loaded: ", why ? why : "unknown error",
            " (the cuda backend needs the NVIDIA driver and the CUDA runtime, cuBLAS/cuBLASLt, cuDNN and NVRTC "
            "libraries, found through the loader's path, e.g. LD_LIBRARY_PATH; docs/cuda.md)");
    return plugin;
  }
  std::string missing;
  auto abi = Symbol<CudaPluginAbiFn>(handle, kCudaPluginAbiSymbol, &missing);
  plugin.query = Symbol<CudaQueryDeviceFn>(handle, kCudaQueryDeviceSymbol, &missing);
  plugin.create = Symbol<CudaCreateBackendFn>(handle, kCudaCreateBackendSymbol, &missing);
  plugin.runs_pointwise = Symbol<CudaRunsPointwiseFn>(handle, kCudaRunsPointwiseSymbol, &missing);
  if (!missing.empty()) {
    plugin.reason = Cat("the cuda backend plugin ", file, " lacks its entry points (", missing,
                        "): it is not a hybridrt cuda plugin; rebuild the addon");
    return plugin;
  }
  const std::string theirs = abi();
  if (theirs != kCudaPluginAbi) {
    plugin.reason = Cat("the cuda backend plugin ", file, " is from another build ('", theirs, "', this addon needs '",
                        kCudaPluginAbi, "'); rebuild the addon");
    return plugin;
  }
  plugin.loaded = true;
  return plugin;
}
#else
CudaPlugin LoadCudaPlugin() {
  CudaPlugin plugin;
  plugin.reason = kNotBuilt;
  return plugin;
}
#endif

const CudaPlugin& Cuda() {
  static const CudaPlugin plugin = LoadCudaPlugin();
  return plugin;
}

}  // namespace

std::vector<std::string> CompiledBackends() {
  std::vector<std::string> names = {"cpu"};
  if (Cuda().present) names.push_back("cuda");
  return names;
}

bool RunsPointwise(const std::string& backend) {
  if (backend == "cpu") return true;
  if (backend == "cuda") return Cuda().loaded && Cuda().runs_pointwise() != 0;
  return false;
}

DeviceStatus QueryDevice(const std::string& backend, int device) {
  if (backend == "cpu") {
    DeviceStatus status = cpu::QueryCpuDevice();
    status.devices = 1;
    if (device != 0) {
      status.available = false;
      status.reason = Cat("the cpu backend has one device (0), not device ", device,
                          " (a device ordinal other than 0 is for the cuda backend)");
    }
    return status;
  }
  DeviceStatus status;
  if (backend == "cuda") {
    if (!Cuda().loaded) {
      status.reason = Cuda().reason;
      return status;
    }
    Cuda().query(device, &status);
    return status;
  }
  std::string have;
  for (const std::string& name : CompiledBackends()) have += (have.empty() ? "" : ", ") + name;
  status.reason = Cat("unknown backend '", backend, "'; this addon has: ", have);
  return status;
}

std::unique_ptr<Backend> CreateBackend(const std::string& name, const BackendOptions& options) {
  if (name == "cpu" && options.device == 0) return cpu::CreateCpuBackend(options);
  DeviceStatus status = QueryDevice(name, options.device);
  if (!status.available) Fail(ErrorCode::kBackend, Cat("backend '", name, "' is not available: ", status.reason));
  if (name == "cuda") return std::unique_ptr<Backend>(Cuda().create(&options));
  Fail(ErrorCode::kBackend, Cat("backend '", name, "' is not available"));
}

}  // namespace hybridrt
