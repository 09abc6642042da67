// Common base of cuda kernels: the engine's KernelBase (the layer, its descs, the tactic
// bookkeeping) and what every cuda kernel needs: the context's cudaStream_t, launch checks
// that name the layer, and device copies of kernel-owned tables (index maps,
// interpolation taps) made once at build time.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cuda/cuda_backend.h"
#include "src/engine/backend.h"
#include "src/engine/kernel_base.h"
#include "src/util/error.h"

namespace hybridrt {
namespace cuda {

class CudaKernel : public KernelBase {
 public:
  explicit CudaKernel(CudaBackend* backend) : backend_(backend) {}

  double TacticMs() const override { return tactic_ms_; }
  // What to say when this kernel's status record reports bad data (see cuda_backend.h).
  virtual std::string StatusMessage(const StatusRecord& r) const { return "reported a run-time error"; }

 protected:
  const char* BackendName() const override { return "cuda"; }
  void BackendSetup(const KernelSetup& setup) override {
    switches_ = setup.tactic_switches;
    ranged_ = setup.ranged;
  }

  static cudaStream_t S(Stream& s) { return static_cast<CudaStream&>(s).get(); }
  void Check(cudaError_t e, const char* what) const {
    if (e != cudaSuccess) Bad(ErrorCode::kNative, CudaMessage(e, what));
  }
  // After a kernel launch: a bad configuration or a missing kernel image.
  void CheckLaunch(const char* what) const { Check(cudaGetLastError(), what); }
  // A device copy of host data, owned by the kernel for the engine's lifetime (the backend's
  // memory, freed on its device wherever the kernel is destroyed).
  std::shared_ptr<void> Upload(const void* host, size_t bytes) const {
    std::shared_ptr<void> owned = backend_->Allocate(bytes);
    if (bytes) Check(cudaMemcpy(owned.get(), host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy (kernel table)");
    return owned;
  }

  CudaBackend* backend_;
  double tactic_ms_ = std::nan("");  // set by Choose() where it times candidates
  TacticSwitches switches_;          // the build config's (tests and measurements: env_switches.h)
  bool ranged_ = false;              // KernelSetup::ranged: prepared again at other shapes
};

}  // namespace cuda
}  // namespace hybridrt
