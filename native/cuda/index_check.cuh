// An index of gather and scatter kernels checked on the device: one outside [-len, len) is
// recorded in the stream's status record (the first one only; the run fails at Synchronize with
// the kernel's StatusMessage, IndexOutOfRange) and gives -1, which the kernel never follows.
#pragma once

#include <cstdint>

#include "cuda/cuda_backend.h"
#include "cuda/kernel_base.h"
#include "src/util/error.h"

namespace hybridrt {
namespace cuda {

__device__ __forceinline__ int64_t CheckedIndex(int64_t v, int64_t len, int64_t pos, StatusRecord* st,
                                                unsigned long long kernel) {
  if (v < -len || v >= len) {
    if (atomicCAS(&st->flag, 0ull, 1ull) == 0ull) {
      st->kernel = kernel;
      st->value = v;
      st->position = pos;
      st->extent = len;
    }
    return -1;
  }
  return v < 0 ? v + len : v;
}

// A kernel whose indices CheckedIndex checks: its run-time error names the index, as the cpu
// backend's does.
class IndexCheckingKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;
  std::string StatusMessage(const StatusRecord& r) const override {
    return IndexOutOfRange(r.value, r.position, r.extent);
  }
};

}  // namespace cuda
}  // namespace hybridrt
