// The cpu backend: portable fp32 kernels for every layer kind of network.ts, run on the
// calling thread plus the shared thread pool (src/util/thread_pool.h). It is the correctness
// reference for other backends and what runs where there is no NVIDIA GPU. float16/bfloat16
// tensors are accepted everywhere: data-movement layers copy their bits as they are, and
// compute layers run in fp32 through HalfAdapter (half_adapter.h) and round back.
#pragma once

#include <memory>

#include "src/engine/backend.h"

namespace hybridrt {
namespace cpu {

// CreateCpuBackend, QueryCpuDevice and the kernel form (SetKernelForm, KernelForm) are declared in
// src/engine/backend.h.
// Whether the AVX2+FMA and AVX-512F kernels can run on this CPU (checked once at run time).
bool HasAvx2Fma();
bool HasAvx512();

// The cpu "stream": kernels run synchronously inside Enqueue, on at most `threads` threads.
class CpuStream : public Stream {
 public:
  explicit CpuStream(int threads) : threads_(threads) {}
  int threads() const { return threads_; }

 private:
  int threads_;
};

}  // namespace cpu
}  // namespace hybridrt
