// The stream gate of per-layer profiles (backend.h StreamGate): one thread that waits until
// the host sets a flag in pinned, mapped memory, so that the work queued behind it on the
// stream starts only once it is all queued. It gives up after about a second, so that a gate
// the host never opens cannot hang the device.
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

__global__ void GateKernel(const volatile int* open) {
  for (int i = 0; i < 1000000 && *open == 0; ++i) __nanosleep(1000);
}

}  // namespace

cudaError_t LaunchGate(const volatile int* open, cudaStream_t stream) {
  GateKernel<<<1, 1, 0, stream>>>(open);
  return cudaGetLastError();
}

}  // namespace cuda
}  // namespace hybridrt
