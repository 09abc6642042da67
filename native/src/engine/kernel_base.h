// The base of every backend's kernels (cpu::CpuKernel and cuda::CudaKernel derive from it):
// what Prepare was told (the layer, its descs and constants) and the tactic bookkeeping, one
// rule for both backends:
//
//   build:               Analyze() derives the geometry; Choose() picks a tactic (may time);
//   a plan's tactic:     Accept() checks it against Tactics(); one the kernel does not know
//                        is an Error(kPlan) naming the layer and the backend;
//   another shape of a   the build's tactic where Accept() takes it here, else Untimed()
//   dynamic engine:      (KernelSetup::tactic_hint: a per-shape choice may not exist here);
//
// then PrepareKernel() with the tactic known. A backend adds what its kernels share (threads
// on cpu, the stream and uploads on cuda) in BackendSetup().
#pragma once

#include <string>
#include <vector>

#include "src/engine/backend.h"
#include "src/util/error.h"

namespace hybridrt {

class KernelBase : public Kernel {
 public:
  void Prepare(const KernelSetup& setup) final {
    layer_ = setup.layer;
    in_ = setup.inputs;
    out_ = setup.outputs;
    constants_ = setup.constants;
    BackendSetup(setup);
    Analyze();
    if (setup.tactic.empty()) {
      tactic_ = Choose();
    } else if (!setup.tactic_hint) {
      tactic_ = Accept(setup.tactic);
    } else {
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
  std::string Label() const { return LayerLabel(*layer_); }

 protected:
  // The backend's name, for errors ("cpu", "cuda").
  virtual const char* BackendName() const = 0;
  // What the backend keeps of the setup beyond the layer and its descs.
  virtual void BackendSetup(const KernelSetup& setup) {}
  // Geometry from in_/out_/params, before the tactic is chosen.
  virtual void Analyze() {}
  // The tactics this kernel knows; the first is the default.
  virtual std::vector<std::string> Tactics() const { return {"default"}; }
  // Picks the tactic at build time (a cuda kernel may time candidates on the device).
  virtual std::string Choose() { return Tactics()[0]; }
  // A tactic chosen without timing, for shapes where the build's does not exist (see Prepare).
  virtual std::string Untimed() { return Choose(); }
  // Checks a tactic a plan recorded; an unknown one is an Error(kPlan).
  virtual std::string Accept(const std::string& requested) {
    for (const std::string& t : Tactics()) {
      if (t == requested) return t;
    }
    Bad(ErrorCode::kPlan,
        Cat("plan: tactic '", requested, "' is not one the ", BackendName(), " backend has for this layer"));
  }
  // After the tactic is known: packed weights, tables, descriptors, workspace size.
  virtual void PrepareKernel() {}

  const Params& params() const { return layer_->params; }
  const std::string& tactic() const { return tactic_; }
  [[noreturn]] void Bad(ErrorCode code, const std::string& message) const {
    Fail(code, Cat(LayerLabel(*layer_), ": ", message));
  }

  const Layer* layer_ = nullptr;
  std::vector<TensorDesc> in_;
  std::vector<TensorDesc> out_;
  std::vector<const void*> constants_;

 private:
  std::string tactic_;
};

}  // namespace hybridrt
