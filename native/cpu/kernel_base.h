// Common base of cpu kernels: the engine's KernelBase (the layer, its descs, the tactic
// bookkeeping) and the layer's thread budget, with ParallelFor on it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "src/engine/backend.h"
#include "src/engine/kernel_base.h"
#include "src/util/error.h"
#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {

class CpuKernel : public KernelBase {
 protected:
  const char* BackendName() const override { return "cpu"; }
  void BackendSetup(const KernelSetup& setup) override { threads_ = setup.threads; }
  void Par(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) const {
    ParallelFor(threads_, n, grain, fn);
  }

  int threads_ = 1;
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

// How many lines (or planes) of `len` elements make one chunk of work: about 4096 elements, at
// least one line. 4096 floats are 16 KiB, so a chunk's lines (and what a kernel keeps per line,
// as a depthwise run's sums) stay in L1/L2 while a task works through them, and a chunk is still
// enough work to amortize the pool's hand-off. An empty line counts as one element.
inline int64_t LinesPerChunk(int64_t len) { return std::max<int64_t>(1, 4096 / std::max<int64_t>(len, 1)); }

}  // namespace cpu
}  // namespace hybridrt
