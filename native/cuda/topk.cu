// TopK (ONNX) along one axis, as cpu/topk.cc orders it (largest or smallest first, equal values
// by lower index, NaN above every number): one block per line (x viewed as (outer, len,
// inner)); each thread takes elements of the line and counts, over the line staged through
// shared memory in tiles, the elements ranked before it; an element of rank r < k is written to
// place r. The ranks of a total order are distinct, so every place gets exactly one element.
// NOTE: O(len^2) work per line: right for detection heads (a few thousand candidates) and class
// scores; lines of 10^5 and more want a radix select instead.
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr int kTile = 1024;

template <typename T>
__device__ __forceinline__ auto Key(T v) {
  if constexpr (std::is_integral_v<T>) return v;
  else return ToFloat(v);
}

template <typename K>
__device__ __forceinline__ bool IsNan(K v) {
  if constexpr (std::is_integral_v<K>) return false;
  else return v != v;
}

// a above b in the order NaN > +inf > ... > -inf.
template <typename K>
__device__ __forceinline__ bool Above(K a, K b) {
  if (IsNan(a)) return !IsNan(b);
  return !IsNan(b) && a > b;
}

template <typename T>
__global__ void TopKLines(const T* x, T* values, int64_t* indices, AxisSplit s, int64_t k, bool largest) {
  using K = decltype(Key(T{}));
  __shared__ K tile[kTile];
  const int64_t len = s.len, inner = s.inner;
  for (int64_t l = blockIdx.x; l < s.lines(); l += gridDim.x) {
    const T* line = x + s.LineStart(l);
    const int64_t out = (l / inner) * k * inner + l % inner;
    // Uniform loops (every thread reaches each barrier); a thread past the line only helps load.
    for (int64_t base = 0; base < len; base += blockDim.x) {
      const int64_t i = base + threadIdx.x;
      const bool mine = i < len;
      const K v = mine ? Key(line[i * inner]) : K{};
      int64_t rank = 0;
      for (int64_t t0 = 0; t0 < len; t0 += kTile) {
        const int64_t n = len - t0 < kTile ? len - t0 : kTile;
        __syncthreads();
        for (int64_t j = threadIdx.x; j < n; j += blockDim.x) tile[j] = Key(line[(t0 + j) * inner]);
        __syncthreads();
        if (!mine) continue;
        for (int64_t j = 0; j < n; ++j) {
          const K w = tile[j];
          const bool before = largest ? Above(w, v) : Above(v, w);
          rank += before || (!Above(w, v) && !Above(v, w) && t0 + j < i);
        }
      }
      if (mine && rank < k) {
        values[out + rank * inner] = line[i * inner];
        indices[out + rank * inner] = i;
      }
    }
    __syncthreads();
  }
}

class TopKLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    split_ = SplitAtAxis(in_[0].shape, params().Int("axis"));
    k_ = params().Int("k");
    largest_ = params().Bool("largest");
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (split_.lines() == 0 || k_ == 0) return;
    const unsigned blocks = static_cast<unsigned>(std::min<int64_t>(split_.lines(), kMaxBlocks));
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      TopKLines<T><<<blocks, kThreads, 0, S(stream)>>>(static_cast<const T*>(args.inputs[0]),
                                                       static_cast<T*>(args.outputs[0]),
                                                       static_cast<int64_t*>(args.outputs[1]), split_, k_, largest_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("topk kernel launch");
  }

 private:
  AxisSplit split_;
  int64_t k_ = 0;
  bool largest_ = true;
};

}  // namespace

std::unique_ptr<Kernel> MakeTopK(CudaBackend* b) { return std::make_unique<TopKLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
