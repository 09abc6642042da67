// Build-time timing of tactic candidates: each candidate runs once to warm up, then `reps`
// times between two events on the build stream; the mean per run is what candidates are
// compared by. A candidate whose run reports failure is +infinity (never chosen).
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <functional>

#include "cuda/cuda_backend.h"

namespace hybridrt {
namespace cuda {

class TacticTimer {
 public:
  explicit TacticTimer(cudaStream_t stream) : stream_(stream) {
    Check(cudaEventCreate(&start_), "cudaEventCreate (tactic timing)");
    Check(cudaEventCreate(&stop_), "cudaEventCreate (tactic timing)");
  }
  ~TacticTimer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  TacticTimer(const TacticTimer&) = delete;
  TacticTimer& operator=(const TacticTimer&) = delete;

  // Milliseconds per run of `run` (which queues its work on the stream and says whether it
  // could), or +infinity.
  float Time(const std::function<bool()>& run, int reps = 5) {
    if (!run()) {
      cudaGetLastError();
      return INFINITY;
    }
    Check(cudaEventRecord(start_, stream_), "cudaEventRecord (tactic timing)");
    bool ok = true;
    for (int r = 0; r < reps && ok; ++r) ok = run();
    Check(cudaEventRecord(stop_, stream_), "cudaEventRecord (tactic timing)");
    Check(cudaEventSynchronize(stop_), "cudaEventSynchronize (tactic timing)");
    float ms = 0;
    Check(cudaEventElapsedTime(&ms, start_, stop_), "cudaEventElapsedTime (tactic timing)");
    if (!ok) {
      cudaGetLastError();
      return INFINITY;
    }
    return ms / static_cast<float>(reps);
  }

 private:
  cudaStream_t stream_;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

}  // namespace cuda
}  // namespace hybridrt
