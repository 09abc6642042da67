// Reduce over any set of axes (sum, mean, max, min, prod, sum_square, l1, l2, log_sum_exp)
// on float types, and sum/max/min/prod on int32/int64. The reduced axes are brought last by
// a strided copy into the workspace (skipped when they already are), so each output element
// reduces one contiguous row: a block per row for long rows, a thread per row for rows of up
// to 32 elements. Float reductions accumulate in double (as the cpu backend), whatever the
// storage type; max/min propagate NaN.
//
// Reductions over the middle of a tensor whose last axis is kept (a channels-last global
// pool: [N, H*W, C] -> [N, C]) read the columns in place instead: a grid of blocks, each 32
// columns wide and one slice of the rows deep, writes partial results (double) to the
// workspace, and a second kernel combines each column's slices. No transposed copy, and
// enough blocks to fill the device even when N*C is small.
#include <algorithm>
#include <cfloat>
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

enum Op { kSum, kMean, kMax, kMin, kProd, kSumSquare, kL1, kL2, kLogSumExp };

int ParseOp(const std::string& s) {
  static const char* names[] = {"sum", "mean", "max", "min", "prod", "sum_square", "l1", "l2", "log_sum_exp"};
  for (int i = 0; i < 9; ++i) {
    if (s == names[i]) return i;
  }
  Fail(ErrorCode::kNative, Cat("unknown reduce op '", s, "'"));
}

// Float reduction state: a double accumulator (sum-like ops) or a float extreme.
__device__ __forceinline__ double Init(int op) {
  switch (op) {
    case kMax: return -INFINITY;
    case kMin: return INFINITY;
    case kProd: return 1.0;
    default: return 0.0;
  }
}

__device__ __forceinline__ double Combine(int op, double a, double b) {
  switch (op) {
    case kMax: return (isnan(a) || isnan(b)) ? NAN : (a > b ? a : b);
    case kMin: return (isnan(a) || isnan(b)) ? NAN : (a < b ? a : b);
    case kProd: return a * b;
    default: return a + b;
  }
}

// The term element v contributes (for log_sum_exp, given the row's max m).
__device__ __forceinline__ double Term(int op, float v, float m) {
  switch (op) {
    case kSumSquare:
    case kL2: return static_cast<double>(v) * v;
    case kL1: return fabs(static_cast<double>(v));
    case kLogSumExp: return exp(static_cast<double>(v) - m);
    default: return v;
  }
}

__device__ __forceinline__ float Finish(int op, double acc, int64_t len, float m) {
  switch (op) {
    case kMean: return static_cast<float>(acc / static_cast<double>(len));
    case kL2: return static_cast<float>(sqrt(acc));
    case kLogSumExp: return isinf(m) ? m : static_cast<float>(m + log(acc));
    default: return static_cast<float>(acc);
  }
}

__device__ double BlockCombine(int op, double v, double* shared) {
  for (int o = 16; o > 0; o >>= 1) v = Combine(op, v, __shfl_down_sync(0xffffffffu, v, o));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < static_cast<int>(blockDim.x >> 5) ? shared[lane] : Init(op);
    for (int o = 16; o > 0; o >>= 1) v = Combine(op, v, __shfl_down_sync(0xffffffffu, v, o));
  }
  __syncthreads();
  return v;  // valid in thread 0
}

template <typename T>
__global__ void ReduceRowsBlock(const T* x, T* y, int64_t rows, int64_t len, int op) {
  __shared__ double shared[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* p = x + r * len;
    float m = 0.0f;
    if (op == kLogSumExp) {
      double mx = -INFINITY;
      for (int64_t j = threadIdx.x; j < len; j += blockDim.x) mx = fmax(mx, static_cast<double>(ToFloat(p[j])));
      mx = BlockCombine(kMax, mx, shared);
      if (threadIdx.x == 0) shared[0] = mx;
      __syncthreads();
      m = static_cast<float>(shared[0]);
      __syncthreads();
    }
    const int comb = op == kMax || op == kMin || op == kProd ? op : kSum;
    double acc = Init(comb);
    for (int64_t j = threadIdx.x; j < len; j += blockDim.x) {
      const float v = ToFloat(p[j]);
      acc = Combine(comb, acc, (op == kMax || op == kMin) ? static_cast<double>(v) : Term(op, v, m));
    }
    acc = BlockCombine(comb, acc, shared);
    if (threadIdx.x == 0) y[r] = FromFloat<T>(Finish(op, acc, len, m));
  }
}

template <typename T>
__global__ void ReduceRowsThread(const T* x, T* y, int64_t rows, int64_t len, int op) {
  HYBRIDRT_GRID_LOOP(r, rows) {
    const T* p = x + r * len;
    float m = 0.0f;
    if (op == kLogSumExp) {
      float mx = -INFINITY;
      for (int64_t j = 0; j < len; ++j) mx = fmaxf(mx, ToFloat(p[j]));
      m = mx;
    }
    const int comb = op == kMax || op == kMin || op == kProd ? op : kSum;
    double acc = Init(comb);
    for (int64_t j = 0; j < len; ++j) {
      const float v = ToFloat(p[j]);
      acc = Combine(comb, acc, (op == kMax || op == kMin) ? static_cast<double>(v) : Term(op, v, m));
    }
    y[r] = FromFloat<T>(Finish(op, acc, len, m));
  }
}

// Column reduction, pass 1: partial[o][s][c] over rows [s*chunk, (s+1)*chunk) of column c of
// slab o of x [outer, len, inner]. Blocks of 32 x 8 threads: 32 columns, 8 rows at a time.
template <typename T>
__global__ void ReduceColumnsPartial(const T* x, double* partial, int64_t len, int64_t inner, int64_t chunk, int splits,
                                     int op) {
  __shared__ double shared[8][33];
  const int64_t c = static_cast<int64_t>(blockIdx.x) * 32 + threadIdx.x;
  const int64_t o = blockIdx.z;
  const int s = blockIdx.y;
  const int comb = op == kMax || op == kMin || op == kProd ? op : kSum;
  double acc = Init(comb);
  if (c < inner) {
    const int64_t end = min(len, (s + 1) * chunk);
    const T* p = x + o * len * inner + c;
    for (int64_t j = s * chunk + threadIdx.y; j < end; j += 8) {
      const float v = ToFloat(p[j * inner]);
      acc = Combine(comb, acc, (op == kMax || op == kMin) ? static_cast<double>(v) : Term(op, v, 0.0f));
    }
  }
  shared[threadIdx.y][threadIdx.x] = acc;
  __syncthreads();
  if (threadIdx.y == 0 && c < inner) {
    for (int r = 1; r < 8; ++r) acc = Combine(comb, acc, shared[r][threadIdx.x]);
    partial[(o * splits + s) * inner + c] = acc;
  }
}

// Pass 2: y[o][c] = the combination of the column's slices.
template <typename T>
__global__ void ReduceColumnsFinish(const double* partial, T* y, int64_t outer, int64_t inner, int splits, int64_t len,
                                    int op) {
  const int comb = op == kMax || op == kMin || op == kProd ? op : kSum;
  HYBRIDRT_GRID_LOOP(i, outer * inner) {
    const int64_t o = i / inner, c = i % inner;
    double acc = Init(comb);
    for (int s = 0; s < splits; ++s) acc = Combine(comb, acc, partial[(o * splits + s) * inner + c]);
    y[i] = FromFloat<T>(Finish(op, acc, len, 0.0f));
  }
}

template <typename T>
__global__ void ReduceRowsInt(const T* x, T* y, int64_t rows, int64_t len, int op) {
  using U = std::make_unsigned_t<T>;
  HYBRIDRT_GRID_LOOP(r, rows) {
    const T* p = x + r * len;
    U acc = op == kProd ? U(1) : U(0);
    T ext = op == kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    for (int64_t j = 0; j < len; ++j) {
      const T v = p[j];
      if (op == kSum) acc += static_cast<U>(v);
      else if (op == kProd) acc *= static_cast<U>(v);
      else if (op == kMax) ext = v > ext ? v : ext;
      else ext = v < ext ? v : ext;
    }
    y[r] = (op == kSum || op == kProd) ? static_cast<T>(acc) : ext;
  }
}

class ReduceKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    op_ = ParseOp(params().String("op"));
    const Shape& x = in_[0].shape;
    std::vector<bool> reduced(x.size(), false);
    for (int64_t a : params().Ints("axes")) reduced[a] = true;
    std::vector<int64_t> perm;
    len_ = 1;
    for (size_t d = 0; d < x.size(); ++d) {
      if (!reduced[d]) perm.push_back(static_cast<int64_t>(d));
    }
    for (size_t d = 0; d < x.size(); ++d) {
      if (reduced[d]) {
        perm.push_back(static_cast<int64_t>(d));
        len_ *= x[d];
      }
    }
    transpose_ = MakePermute(x, perm, &identity_);
    rows_ = out_[0].numel;
    // Reduced axes one contiguous run with kept axes after it: the column kernels.
    int first = -1, last = -1;
    for (size_t d = 0; d < x.size(); ++d) {
      if (!reduced[d]) continue;
      if (first < 0) first = static_cast<int>(d);
      last = static_cast<int>(d);
    }
    bool contiguous = first >= 0;
    for (int d = first; contiguous && d <= last; ++d) contiguous = reduced[d];
    inner_ = 1;
    for (size_t d = last + 1; d < x.size(); ++d) inner_ *= x[d];
    if (contiguous && !identity_ && inner_ > 1 && rows_ / inner_ <= 65535 && IsFloat(in_[0].dtype) && op_ != kLogSumExp) {
      columns_ = true;
      outer_ = rows_ / inner_;
      const int64_t tiles = (inner_ + 31) / 32;
      // Enough blocks to fill the device a few times; slices of at least 64 rows.
      const int64_t want = (4LL * backend_->properties().multiProcessorCount + outer_ * tiles - 1) / (outer_ * tiles);
      splits_ = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>({want, (len_ + 63) / 64, 65535})));
      chunk_ = (len_ + splits_ - 1) / splits_;
    }
  }

 public:
  size_t WorkspaceBytes() const override {
    if (columns_) return static_cast<size_t>(outer_ * splits_ * inner_) * sizeof(double);
    return identity_ ? 0 : in_[0].bytes;
  }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    const DType t = in_[0].dtype;
    const void* x = args.inputs[0];
    if (columns_) {
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        double* partial = static_cast<double*>(args.workspace);
        const dim3 grid(static_cast<unsigned>((inner_ + 31) / 32), static_cast<unsigned>(splits_), static_cast<unsigned>(outer_));
        ReduceColumnsPartial<T><<<grid, dim3(32, 8), 0, s>>>(static_cast<const T*>(x), partial, len_, inner_, chunk_, splits_, op_);
        ReduceColumnsFinish<T><<<GridFor(outer_ * inner_), kThreads, 0, s>>>(partial, static_cast<T*>(args.outputs[0]), outer_,
                                                                            inner_, splits_, len_, op_);
      });
      CheckLaunch("reduce kernel launch");
      return;
    }
    if (!identity_) {
      Check(LaunchStridedCopy(DTypeSize(t), x, args.workspace, transpose_, in_[0].numel, s), "reduce transpose launch");
      x = args.workspace;
    }
    if (t == DType::kInt32 || t == DType::kInt64) {
      auto run = [&](auto tag) {
        using T = decltype(tag);
        ReduceRowsInt<T><<<GridFor(rows_), kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(args.outputs[0]), rows_, len_, op_);
      };
      if (t == DType::kInt32) run(int32_t{});
      else run(int64_t{});
    } else {
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        if (len_ <= 32) {
          ReduceRowsThread<T><<<GridFor(rows_), kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(args.outputs[0]), rows_, len_, op_);
        } else {
          const unsigned grid = static_cast<unsigned>(std::min<int64_t>(rows_, 65535 * 16));
          ReduceRowsBlock<T><<<grid, kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(args.outputs[0]), rows_, len_, op_);
        }
      });
    }
    CheckLaunch("reduce kernel launch");
  }

 private:
  int op_ = kSum;
  int64_t rows_ = 0, len_ = 1;
  Strided transpose_;
  bool identity_ = true;
  bool columns_ = false;  // the column kernels (see the file comment)
  int64_t outer_ = 1, inner_ = 1, chunk_ = 1;
  int splits_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> MakeReduce(CudaBackend* b) { return std::make_unique<ReduceKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
