// Reduce over any set of axes (sum, mean, max, min, prod, sum_square, l1, l2, log_sum_exp)
// on float types, and sum/max/min/prod on int32/int64. The reduced axes are brought last by
// a strided copy into the workspace (skipped when they already are), so each output element
// reduces one contiguous row: a block per row for long rows, a thread per row for rows of up
// to 32 elements. Float reductions accumulate in double (as the cpu backend), whatever the
// storage type; max/min propagate NaN.
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
  }

 public:
  size_t WorkspaceBytes() const override { return identity_ ? 0 : in_[0].bytes; }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    const DType t = in_[0].dtype;
    const void* x = args.inputs[0];
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
};

}  // namespace

std::unique_ptr<Kernel> MakeReduce(CudaBackend* b) { return std::make_unique<ReduceKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
