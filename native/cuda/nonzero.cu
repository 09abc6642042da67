// NonZero (ONNX NonZero): the int64 indices of x's nonzero elements in row-major order, written
// as [rank, count] at the run's count into the output allocated at the bound (network.h:
// DataDependentLayer), the count through KernelArgs::count (device memory the context copies
// back after the run). Elements are read by their bits as cpu/nonzero.cc reads them (a float
// is zero where every bit but the sign is). Three launches, all on the stream, so a CUDA graph
// holds them: each block counts its tile of kTile elements; one block scans the tiles' counts
// into offsets (and writes the count); each block then scans its tile's flags and writes its
// indices, row d at d * count. The count never leaves the device before the run ends.
// NOTE: run on an H100 at 163ac62 (test/engine/nonzero.test.ts through test/gpu/engine-layers.test.ts;
// docs/cuda.md, "Latest runs").
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr int kPerThread = 8;
constexpr int64_t kTile = int64_t{kThreads} * kPerThread;
constexpr int kMaxRank = 8;

struct Dims {
  int rank = 0;
  int64_t d[kMaxRank] = {};
};

template <typename T>
__global__ void CountTiles(const T* x, T mask, int64_t n, int64_t* tile_counts) {
  using Reduce = cub::BlockReduce<int64_t, kThreads>;
  __shared__ typename Reduce::TempStorage tmp;
  const int64_t base = blockIdx.x * kTile + threadIdx.x * int64_t{kPerThread};
  int64_t c = 0;
  for (int k = 0; k < kPerThread; ++k) c += base + k < n && (x[base + k] & mask) != 0;
  const int64_t sum = Reduce(tmp).Sum(c);
  if (threadIdx.x == 0) tile_counts[blockIdx.x] = sum;
}

// One block: tile_counts becomes exclusive offsets; *count the total.
__global__ void ScanTiles(int64_t* tile_counts, int64_t tiles, int64_t* count) {
  using Scan = cub::BlockScan<int64_t, kThreads>;
  __shared__ typename Scan::TempStorage tmp;
  __shared__ int64_t carry;
  if (threadIdx.x == 0) carry = 0;
  __syncthreads();
  for (int64_t start = 0; start < tiles; start += kThreads) {
    const int64_t i = start + threadIdx.x;
    const int64_t v = i < tiles ? tile_counts[i] : 0;
    int64_t offset, total;
    Scan(tmp).ExclusiveSum(v, offset, total);
    if (i < tiles) tile_counts[i] = carry + offset;
    __syncthreads();
    if (threadIdx.x == 0) carry += total;
    __syncthreads();
  }
  if (threadIdx.x == 0) *count = carry;
}

template <typename T>
__global__ void WriteTiles(const T* x, T mask, int64_t n, Dims dims, const int64_t* tile_offsets, const int64_t* count,
                           int64_t* y) {
  using Scan = cub::BlockScan<int64_t, kThreads>;
  __shared__ typename Scan::TempStorage tmp;
  const int64_t base = blockIdx.x * kTile + threadIdx.x * int64_t{kPerThread};
  int64_t c = 0;
  for (int k = 0; k < kPerThread; ++k) c += base + k < n && (x[base + k] & mask) != 0;
  int64_t at;
  Scan(tmp).ExclusiveSum(c, at);
  at += tile_offsets[blockIdx.x];
  const int64_t total = *count;
  for (int k = 0; k < kPerThread; ++k) {
    const int64_t i = base + k;
    if (i >= n || (x[i] & mask) == 0) continue;
    int64_t rest = i;
    for (int d = dims.rank - 1; d >= 0; --d) {
      y[d * total + at] = rest % dims.d[d];
      rest /= dims.d[d];
    }
    ++at;
  }
}

class NonZeroLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const Shape& s = in_[0].shape;
    if (s.size() > kMaxRank)
      Fail(ErrorCode::kNative, Cat(LayerLabel(*layer_), ": rank ", s.size(), " above ", kMaxRank));
    dims_.rank = static_cast<int>(s.size());
    for (size_t d = 0; d < s.size(); ++d) dims_.d[d] = s[d];
    tiles_ = (in_[0].numel + kTile - 1) / kTile;
  }

 public:
  size_t WorkspaceBytes() const override { return static_cast<size_t>(tiles_) * sizeof(int64_t); }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (tiles_ == 0) return;  // an empty input: the layer is skipped and the context reads 0
    switch (DTypeSize(in_[0].dtype)) {
      case 1: return Launch<uint8_t>(args, stream, 0xff);
      case 2: return Launch<uint16_t>(args, stream, IsFloat(in_[0].dtype) ? 0x7fff : 0xffff);
      case 4: return Launch<uint32_t>(args, stream, in_[0].dtype == DType::kFloat32 ? 0x7fffffffu : 0xffffffffu);
      default: return Launch<unsigned long long>(args, stream, ~0ull);
    }
  }

 private:
  template <typename T>
  void Launch(const KernelArgs& args, Stream& stream, T mask) const {
    const auto* x = static_cast<const T*>(args.inputs[0]);
    auto* tiles = static_cast<int64_t*>(args.workspace);
    const int64_t n = in_[0].numel;
    const unsigned grid = static_cast<unsigned>(tiles_);
    CountTiles<T><<<grid, kThreads, 0, S(stream)>>>(x, mask, n, tiles);
    ScanTiles<<<1, kThreads, 0, S(stream)>>>(tiles, tiles_, args.count);
    WriteTiles<T><<<grid, kThreads, 0, S(stream)>>>(x, mask, n, dims_, tiles, args.count,
                                                    static_cast<int64_t*>(args.outputs[0]));
    CheckLaunch("nonzero kernel launch");
  }

  Dims dims_;
  int64_t tiles_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeNonZero(CudaBackend* b) { return std::make_unique<NonZeroLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
