// The pointwise layer (pointwise.h) on the cuda backend: a kernel generated for the layer
// (pointwise_codegen.h), compiled by NVRTC for this device at build time (and again when a
// plan is loaded), loaded with the runtime's library API and launched like any kernel, so
// CUDA graphs capture it. Layers with the same source (a transformer's repeated blocks)
// share one compiled library, kept for the life of the process. Tactics: "nvrtc" bakes the
// sizes into the source (a static engine); "nvrtc_sizes" passes them as an argument (a dynamic
// engine: a new shape reuses the kernel its merged geometry's pattern compiled, instead of
// compiling one of its own).
// An addon built without NVRTC never makes pointwise layers (RunsPointwise); a plan that
// holds one is refused with a message saying so.
#include <cuda_runtime.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "cuda/pointwise_codegen.h"
#include "layers/pointwise.h"

#ifdef HYBRIDRT_WITH_NVRTC
#include <nvrtc.h>
#endif

namespace hybridrt {
namespace cuda {

namespace {

#ifdef HYBRIDRT_WITH_NVRTC

// Compiles `source` for the current device and returns its kernel; the libraries are cached
// by source (and device), never unloaded.
cudaKernel_t CompiledKernel(const std::string& source, const std::string& label) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, cudaKernel_t>();
  int device = 0, major = 0, minor = 0;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
  cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
  const std::string arch = Cat("--gpu-architecture=sm_", major, minor);
  const std::string key = Cat(device, "|", arch, "|", source);
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(key);
  if (it != cache->end()) return it->second;
  auto nvrtc = [&](nvrtcResult r, const char* what) {
    if (r != NVRTC_SUCCESS) Fail(ErrorCode::kNative, Cat(label, ": ", what, ": ", nvrtcGetErrorString(r)));
  };
  nvrtcProgram prog = nullptr;
  nvrtc(nvrtcCreateProgram(&prog, source.c_str(), "hybridrt_pointwise.cu", 0, nullptr, nullptr), "nvrtcCreateProgram");
  std::unique_ptr<nvrtcProgram, void (*)(nvrtcProgram*)> owned(&prog, [](nvrtcProgram* p) { nvrtcDestroyProgram(p); });
  const char* options[] = {arch.c_str(), "--std=c++17"};
  if (nvrtcCompileProgram(prog, 2, options) != NVRTC_SUCCESS) {
    size_t size = 0;
    nvrtcGetProgramLogSize(prog, &size);
    std::string log(size, '\0');
    nvrtcGetProgramLog(prog, log.data());
    Fail(ErrorCode::kNative,
         Cat(label, ": NVRTC could not compile the generated kernel (", arch, "):\n", log, "\nsource:\n", source));
  }
  size_t size = 0;
  nvrtc(nvrtcGetCUBINSize(prog, &size), "nvrtcGetCUBINSize");
  std::vector<char> cubin(size);
  nvrtc(nvrtcGetCUBIN(prog, cubin.data()), "nvrtcGetCUBIN");
  cudaLibrary_t library = nullptr;
  cudaError_t e = cudaLibraryLoadData(&library, cubin.data(), nullptr, nullptr, 0, nullptr, nullptr, 0);
  if (e != cudaSuccess) Fail(ErrorCode::kNative, CudaMessage(e, Cat(label, ": cudaLibraryLoadData")));
  cudaKernel_t kernel = nullptr;
  e = cudaLibraryGetKernel(&kernel, library, kPointwiseKernelName);
  if (e != cudaSuccess) Fail(ErrorCode::kNative, CudaMessage(e, Cat(label, ": cudaLibraryGetKernel")));
  (*cache)[key] = kernel;
  return kernel;
}

class PointwiseKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    // The kernel's parameters (x0.., y, n), by address; the validator bounds the inputs.
    const void* ptrs[kMaxPointwiseInputs];
    void* argv[kMaxPointwiseInputs + 3];
    const size_t num = args.inputs.size();
    for (size_t k = 0; k < num; ++k) {
      ptrs[k] = args.inputs[k];
      argv[k] = &ptrs[k];
    }
    void* y = args.outputs[0];
    unsigned int n32 = static_cast<unsigned int>(n_);
    unsigned long long n64 = static_cast<unsigned long long>(n_);
    argv[num] = &y;
    argv[num + 1] = geometry_.wide ? static_cast<void*>(&n64) : static_cast<void*>(&n32);
    argv[num + 2] = const_cast<uint8_t*>(sizes_.data());  // read only where the kernel takes sizes
    Check(cudaLaunchKernel(reinterpret_cast<const void*>(kernel_), dim3(grid_), dim3(256), argv, 0, S(stream)),
          "cudaLaunchKernel (pointwise)");
  }

 protected:
  std::vector<std::string> Tactics() const override { return {"nvrtc", "nvrtc_sizes"}; }
  std::string Choose() override { return ranged_ ? "nvrtc_sizes" : "nvrtc"; }

  void PrepareKernel() override {
    PointwiseProgram program;
    try {
      program = PointwiseOf(*layer_);
    } catch (const Error& e) {
      Bad(ErrorCode::kNative, e.what());
    }
    std::vector<Shape> shapes;
    std::vector<DType> types;
    for (const TensorDesc& d : in_) {
      shapes.push_back(d.shape);
      types.push_back(d.dtype);
    }
    geometry_ = MakePointwiseGeometry(shapes, types, out_[0].shape, out_[0].dtype);
    n_ = geometry_.numel / geometry_.vec;
    const int64_t blocks = (n_ + 255) / 256;
    grid_ = static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(blocks, int64_t{1} << 20)));
    const bool size_args = tactic() == "nvrtc_sizes";
    if (size_args) sizes_ = PointwiseSizeArgs(geometry_);
    kernel_ = CompiledKernel(PointwiseSource(program, geometry_, size_args), Label());
  }

 private:
  PointwiseGeometry geometry_;
  std::vector<uint8_t> sizes_;  // the size argument ("nvrtc_sizes" with merged dims), else empty
  int64_t n_ = 0;
  unsigned grid_ = 1;
  cudaKernel_t kernel_ = nullptr;
};

#else

class PointwiseKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;
  void Enqueue(const KernelArgs&, Stream&) const override {}

 protected:
  std::vector<std::string> Tactics() const override { return {"nvrtc", "nvrtc_sizes"}; }
  void PrepareKernel() override {
    Bad(ErrorCode::kPlan,
        "plan: a pointwise layer needs NVRTC, which this addon's cuda backend was built without "
        "(rebuild the engine from the model)");
  }
};

#endif

}  // namespace

std::unique_ptr<Kernel> MakePointwise(CudaBackend* b) { return std::make_unique<PointwiseKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
