// Common base of cuda kernels: keeps what Prepare was told (descs, params, layer) and offers
// what every kernel needs: the context's cudaStream_t, launch checks and failures that name
// the layer, tactic bookkeeping, and device copies of kernel-owned tables (index maps,
// interpolation taps) made once at build time.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cuda/cuda_backend.h"
#include "src/engine/backend.h"
#include "src/util/error.h"

namespace hybridrt {
namespace cuda {

class CudaKernel : public Kernel {
 public:
  explicit CudaKernel(CudaBackend* backend) : backend_(backend) {}

  void Prepare(const KernelSetup& setup) override {
    layer_ = setup.layer;
    in_ = setup.inputs;
    out_ = setup.outputs;
    constants_ = setup.constants;
    switches_ = setup.tactic_switches;
    ranged_ = setup.ranged;
    Analyze();
    if (setup.tactic.empty()) {
      tactic_ = Choose();
    } else if (!setup.tactic_hint) {
      tactic_ = Accept(setup.tactic);
    } else {
      // Another shape of a dynamic engine: the build's tactic where it exists here, else the
      // kernel's untimed choice (a heuristic index can name nothing at other shapes).
      try {
        tactic_ = Accept(setup.tactic);
      } catch (const Error& e) {
        if (e.code() != ErrorCode::kPlan) throw;
        tactic_ = Untimed();
      }
    }
    PrepareKernel();
  }
  std::string Tactic() const override { return tactic_; }
  double TacticMs() const override { return tactic_ms_; }
  // What to say when this kernel's status record reports bad data (see cuda_backend.h).
  virtual std::string StatusMessage(const StatusRecord& r) const { return "reported a run-time error"; }
  std::string Label() const { return LayerLabel(*layer_); }

 protected:
  // Geometry from in_/out_/params, before the tactic is chosen.
  virtual void Analyze() {}
  // The tactics this kernel knows; the first is the default.
  virtual std::vector<std::string> Tactics() const { return {"default"}; }
  // Picks the tactic at build time (may time candidates on the device).
  virtual std::string Choose() { return Tactics()[0]; }
  // A tactic chosen without timing, for shapes where the build's does not exist (see Prepare).
  // The default is Choose(), which most kernels answer without timing; those that time override it.
  virtual std::string Untimed() { return Choose(); }
  // Checks a tactic a plan recorded; an unknown one is an Error(kPlan).
  virtual std::string Accept(const std::string& requested) {
    for (const std::string& t : Tactics()) {
      if (t == requested) return t;
    }
    Bad(ErrorCode::kPlan, Cat("plan: tactic '", requested, "' is not one the cuda backend has for this layer"));
  }
  // After the tactic is known: tables, descriptors, workspace size.
  virtual void PrepareKernel() {}

  const Params& params() const { return layer_->params; }
  const std::string& tactic() const { return tactic_; }
  static cudaStream_t S(Stream& s) { return static_cast<CudaStream&>(s).get(); }
  [[noreturn]] void Bad(ErrorCode code, const std::string& message) const {
    Fail(code, Cat(LayerLabel(*layer_), ": ", message));
  }
  void Check(cudaError_t e, const char* what) const {
    if (e != cudaSuccess) Bad(ErrorCode::kNative, CudaMessage(e, what));
  }
  // After a kernel launch: a bad configuration or a missing kernel image.
  void CheckLaunch(const char* what) const { Check(cudaGetLastError(), what); }
  // A device copy of host data, owned by the kernel for the engine's lifetime.
  std::shared_ptr<void> Upload(const void* host, size_t bytes) const {
    void* p = nullptr;
    Check(cudaMalloc(&p, bytes ? bytes : 1), "cudaMalloc (kernel table)");
    std::shared_ptr<void> owned(p, [](void* q) { cudaFree(q); });
    if (bytes) Check(cudaMemcpy(p, host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy (kernel table)");
    return owned;
  }

  CudaBackend* backend_;
  double tactic_ms_ = std::nan("");  // set by Choose() where it times candidates
  const Layer* layer_ = nullptr;
  std::vector<TensorDesc> in_;
  std::vector<TensorDesc> out_;
  std::vector<const void*> constants_;
  TacticSwitches switches_;  // the build config's (tests and measurements: env_switches.h)
  bool ranged_ = false;      // KernelSetup::ranged: prepared again at other shapes

 private:
  std::string tactic_;
};

}  // namespace cuda
}  // namespace hybridrt
