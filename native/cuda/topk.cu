// TopK (ONNX) along one axis, over the lines layers/topk.h cuts x into, in that header's
// order (as cpu/topk.cc). Lines up to kRankMaxLen: one block per line; each thread takes elements
// of the line and counts, over the line staged through shared memory in tiles, the elements
// ranked before it; an element of rank r < k is written to place r (the ranks of a total order
// are distinct, so every place gets exactly one element). That is O(len^2) a line: right for
// detection heads (a few thousand candidates) and class scores. Longer lines are sorted
// instead: (value, index) entries padded to a power of two in the workspace, a bitonic network
// over all lines at once (one launch per step, O(len log^2 len)), then the first k taken.
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/topk.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr int kTile = 1024;

// The type elements compare in: integers as they are, floats (half ones widened exactly) as float.
template <typename T>
using KeyOf = std::conditional_t<std::is_integral_v<T>, T, float>;

template <typename T>
__device__ __forceinline__ KeyOf<T> Key(T v) {
  if constexpr (std::is_integral_v<T>) return v;
  else return ToFloat(v);
}

template <typename T>
__global__ void TopKLines(const T* x, T* values, int64_t* indices, TopKGeometry g) {
  using K = KeyOf<T>;
  __shared__ K tile[kTile];
  const AxisSplit s = g.split, o = g.out();
  const int64_t len = s.len, inner = s.inner, k = g.k;
  const bool largest = g.largest;
  for (int64_t l = blockIdx.x; l < s.lines(); l += gridDim.x) {
    const T* line = x + s.LineStart(l);
    const int64_t out = o.LineStart(l);
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
          rank += TopKBefore(tile[j], t0 + j, v, i, largest);
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

constexpr int64_t kRankMaxLen = 4096;

template <typename K>
struct Entry {
  K v;
  int64_t i;  // < 0: padding, after every element
};
constexpr size_t kEntryBytes = 16;  // Entry<K> for every K (int32_t, int64_t, float)

template <typename K>
__device__ __forceinline__ bool Precedes(const Entry<K>& a, const Entry<K>& b, bool largest) {
  if (b.i < 0) return a.i >= 0;
  if (a.i < 0) return false;
  return TopKBefore(a.v, a.i, b.v, b.i, largest);
}

template <typename T>
__global__ void EntriesFill(const T* x, Entry<KeyOf<T>>* e, AxisSplit s, int64_t p) {
  using K = KeyOf<T>;
  HYBRIDRT_GRID_LOOP(t, s.lines() * p) {
    const int64_t l = t / p, i = t % p;
    e[t] = i < s.len ? Entry<K>{Key(x[s.LineStart(l) + i * s.inner]), i} : Entry<K>{K{}, -1};
  }
}

// One step of the network: blocks of `size` sorted alternately up and down, pairs `stride` apart.
template <typename K>
__global__ void BitonicStep(Entry<K>* e, int64_t n, int64_t p, int64_t size, int64_t stride, bool largest) {
  HYBRIDRT_GRID_LOOP(t, n) {
    const int64_t i = t % p, partner = i ^ stride;
    if (partner <= i) continue;
    Entry<K>& a = e[t];
    Entry<K>& b = e[t - i + partner];
    const bool up = (i & size) == 0;
    if (up ? Precedes(b, a, largest) : Precedes(a, b, largest)) {
      const Entry<K> c = a;
      a = b;
      b = c;
    }
  }
}

template <typename T>
__global__ void EntriesTake(const T* x, const Entry<KeyOf<T>>* e, T* values, int64_t* indices, TopKGeometry g,
                            int64_t p) {
  const AxisSplit s = g.split, out = g.out();
  const int64_t k = g.k;
  HYBRIDRT_GRID_LOOP(t, s.lines() * k) {
    const int64_t l = t / k, r = t % k;
    const int64_t i = e[l * p + r].i;
    const int64_t o = out.LineStart(l) + r * s.inner;
    values[o] = x[s.LineStart(l) + i * s.inner];
    indices[o] = i;
  }
}

class TopKLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    g_ = ReadTopK(*layer_, in_[0].shape);
    padded_ = 1;
    while (padded_ < g_.split.len) padded_ *= 2;
  }

 public:
  size_t WorkspaceBytes() const override {
    return g_.split.len > kRankMaxLen ? static_cast<size_t>(g_.split.lines() * padded_) * kEntryBytes : 0;
  }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (g_.split.lines() == 0 || g_.k == 0) return;
    if (g_.split.len > kRankMaxLen) {
      Sort(args, stream);
      return;
    }
    const unsigned blocks = static_cast<unsigned>(std::min<int64_t>(g_.split.lines(), kMaxBlocks));
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      TopKLines<T><<<blocks, kThreads, 0, S(stream)>>>(static_cast<const T*>(args.inputs[0]),
                                                       static_cast<T*>(args.outputs[0]),
                                                       static_cast<int64_t*>(args.outputs[1]), g_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("topk kernel launch");
  }

 private:
  void Sort(const KernelArgs& args, Stream& stream) const {
    const int64_t n = g_.split.lines() * padded_;
    auto launch = [&](auto tag) {
      using T = decltype(tag);
      using K = KeyOf<T>;
      static_assert(sizeof(Entry<K>) == kEntryBytes, "the workspace holds 16-byte entries");
      const T* x = static_cast<const T*>(args.inputs[0]);
      Entry<K>* e = static_cast<Entry<K>*>(args.workspace);
      EntriesFill<T><<<GridFor(n), kThreads, 0, S(stream)>>>(x, e, g_.split, padded_);
      for (int64_t size = 2; size <= padded_; size *= 2) {
        for (int64_t stride = size / 2; stride > 0; stride /= 2)
          BitonicStep<K><<<GridFor(n), kThreads, 0, S(stream)>>>(e, n, padded_, size, stride, g_.largest);
      }
      EntriesTake<T><<<GridFor(g_.split.lines() * g_.k), kThreads, 0, S(stream)>>>(
          x, e, static_cast<T*>(args.outputs[0]), static_cast<int64_t*>(args.outputs[1]), g_, padded_);
    };
    DispatchNumeric(in_[0].dtype, launch);
    CheckLaunch("topk sort launch");
  }

  TopKGeometry g_;
  int64_t padded_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> MakeTopK(CudaBackend* b) { return std::make_unique<TopKLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
