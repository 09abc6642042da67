// Common base of cpu kernels: keeps what Prepare was told (descs, params, layer name,
// threads) and offers the helpers every kernel needs: failing with the layer's name,
// checking a plan's tactic, and ParallelFor on the layer's thread budget.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "src/engine/backend.h"
#include "src/util/error.h"
#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {

class CpuKernel : public Kernel {
 public:
  void Prepare(const KernelSetup& setup) override {
    layer_ = setup.layer;
    in_ = setup.inputs;
    out_ = setup.outputs;
    constants_ = setup.constants;
    threads_ = setup.threads;
    Analyze();
    tactic_ = ChooseTactic(setup.tactic);
    PrepareKernel();
  }
  std::string Tactic() const override { return tactic_; }

 protected:
  // The tactics this kernel knows; the first is the default when `requested` is empty.
  virtual std::vector<std::string> Tactics() const { return {"default"}; }
  // Picks the tactic for the shapes at hand (only called when no plan dictates one).
  virtual std::string Preferred() const { return Tactics()[0]; }
  // Called before the tactic is chosen, with in_/out_/params available (derive geometry here).
  virtual void Analyze() {}
  // Called at the end of Prepare, once the tactic is known.
  virtual void PrepareKernel() {}

  const Params& params() const { return layer_->params; }
  const std::string& tactic() const { return tactic_; }
  [[noreturn]] void Bad(ErrorCode code, const std::string& message) const {
    Fail(code, Cat(LayerLabel(*layer_), ": ", message));
  }
  void Par(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) const {
    ParallelFor(threads_, n, grain, fn);
  }

  const Layer* layer_ = nullptr;
  std::vector<TensorDesc> in_;
  std::vector<TensorDesc> out_;
  std::vector<const void*> constants_;
  int threads_ = 1;

 private:
  std::string ChooseTactic(const std::string& requested) const {
    std::vector<std::string> known = Tactics();
    if (requested.empty()) return Preferred();
    for (const std::string& t : known) {
      if (t == requested) return t;
    }
    Fail(ErrorCode::kPlan, Cat("plan: ", LayerLabel(*layer_), " has tactic '", requested,
                               "', which the cpu backend does not have for it"));
  }
  std::string tactic_;
};

// Calls f(T{}) with T the C++ type a kernel computes numeric dtype t in: int32_t, int64_t, or
// float (half tensors reach float kernels through the half adapter).
template <typename F>
void DispatchNumeric(DType t, F&& f) {
  switch (t) {
    case DType::kInt32: return f(int32_t{});
    case DType::kInt64: return f(int64_t{});
    default: return f(float{});
  }
}

// Grain (elements per chunk) for cheap elementwise loops: big enough that a chunk amortizes
// the pool's hand-off.
constexpr int64_t kElementGrain = 32 * 1024;

}  // namespace cpu
}  // namespace hybridrt
