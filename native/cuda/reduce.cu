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
// enough blocks to fill the device even when N*C is small. On 2-byte types with C a multiple
// of 8, each thread reads 8 columns at once (16-byte loads) and sums them in fp32.
//
// The builder's excite form (fusion.h: a squeeze-excitation gate on a mean over H, W) ends
// in two small kernels instead of the combining one: blocks of (sample, 8 hidden units)
// finish the sample's means in shared memory and compute the hidden layer, a warp per unit;
// then a thread per (sample, channel) computes the gate. Neither waits on long loops in one
// block, which is what bounds these tiny layers at batch 1. With exciteScale (the multiply by
// the gate fused too) the last kernel also scales x: channels-last 2-byte tensors compute the
// gate of a block's channel tile in shared memory and scale the tile over a chunk of pixels
// in the same kernel.
#include <algorithm>
#include <cfloat>
#include <type_traits>

#include "layers/activation.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "cuda/reduce_excite.cuh"
#include "layers/reduce.h"

namespace hybridrt {
namespace cuda {

namespace {

using namespace reduce;  // NOLINT: the ops' names, as the kernels' switches read them

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
    case kMean: return len ? static_cast<float>(acc / static_cast<double>(len)) : 0.0f;  // empty: 0 (reduce.h)
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

// Pass 1 on 2-byte types, 8 columns per thread: blocks of R x vb threads, vb vector columns
// (8 channels each) wide and R rows at a time, each thread at most kVecRows rows of a slice
// (so that the loads of small tensors spread over many blocks); fp32 sums, combined over R
// by a tree in shared memory.
constexpr int kVecRows = 8;

template <typename T>
__global__ void ReduceColumnsPartialVec8(const T* x, double* partial, int64_t len, int64_t inner, int64_t chunk,
                                         int splits, int vb) {
  __shared__ float shared[8][256];
  const int t = threadIdx.x, rows = blockDim.x / vb, lc = t % vb, r0 = t / vb;
  const int64_t v_cols = inner / 8, vc = static_cast<int64_t>(blockIdx.x) * vb + lc;
  const int64_t o = blockIdx.z;
  const int s = blockIdx.y;
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (vc < v_cols) {
    const int64_t end = min(len, (s + 1) * chunk);
    const Vec8<T>* p = reinterpret_cast<const Vec8<T>*>(x + o * len * inner) + vc;
#pragma unroll 4
    for (int64_t j = s * chunk + r0; j < end; j += rows) {
      const Vec8<T> v = p[j * v_cols];
#pragma unroll
      for (int k = 0; k < 8; ++k) acc[k] += ToFloat(v.v[k]);
    }
  }
#pragma unroll
  for (int k = 0; k < 8; ++k) shared[k][t] = acc[k];
  __syncthreads();
  int pow2 = 1;
  while (pow2 * 2 <= rows) pow2 *= 2;
  if (r0 < rows - pow2) {
#pragma unroll
    for (int k = 0; k < 8; ++k) shared[k][t] += shared[k][t + pow2 * vb];
  }
  __syncthreads();
  for (int stride = pow2 / 2; stride > 0; stride /= 2) {
    if (r0 < stride) {
#pragma unroll
      for (int k = 0; k < 8; ++k) shared[k][t] += shared[k][t + stride * vb];
    }
    __syncthreads();
  }
  if (r0 == 0 && vc < v_cols) {
#pragma unroll
    for (int k = 0; k < 8; ++k) partial[(o * splits + s) * inner + vc * 8 + k] = shared[k][t];
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
    const ReduceGeometry rg = ReduceGeometryOf(params(), in_[0].shape, out_[0].numel);
    const ReduceParams& p = rg.params;
    const Shape& x = in_[0].shape;
    const std::vector<bool>& reduced = rg.rows.reduced;
    op_ = p.op;
    len_ = rg.rows.length;
    rows_ = rg.out_rows;
    transpose_ = MakePermute(x, rg.rows.perm, &identity_);
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
    if (contiguous && !identity_ && inner_ > 1 && rows_ / inner_ <= 65535 && IsFloat(in_[0].dtype) &&
        op_ != kLogSumExp) {
      columns_ = true;
      outer_ = rows_ / inner_;
      // 8 columns per thread: 2-byte sums (no squares, products or extremes: those keep the
      // double path's exact rounding).
      vec8_ = DTypeSize(in_[0].dtype) == 2 && inner_ % 8 == 0 && (op_ == kSum || op_ == kMean);
      if (vec8_) {
        const int64_t v_cols = inner_ / 8;
        vb_ = static_cast<int>(std::min<int64_t>(v_cols, 256));
        vrows_ = 256 / vb_;
      }
      const int64_t tiles = vec8_ ? (inner_ / 8 + vb_ - 1) / vb_ : (inner_ + 31) / 32;
      if (vec8_) {
        // Slices of at most kVecRows rows per thread: latency, not the block count, bounds
        // small reductions.
        const int64_t rows_per_slice = static_cast<int64_t>(vrows_) * kVecRows;
        splits_ = static_cast<int>(std::clamp<int64_t>((len_ + rows_per_slice - 1) / rows_per_slice, 1, 65535));
      } else {
        // Enough blocks to fill the device a few times; slices of at least 64 rows.
        const int64_t want = (4LL * backend_->properties().multiProcessorCount + outer_ * tiles - 1) / (outer_ * tiles);
        splits_ = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>({want, (len_ + 63) / 64, 65535})));
      }
      chunk_ = (len_ + splits_ - 1) / splits_;
    }
    excite_ = p.excite;
    if (excite_) {
      act1_ = MakeAct(p.excite1);
      act2_ = MakeAct(p.excite2);
      hidden_ = static_cast<int>(in_[1].shape[0]);
      channels_ = static_cast<int>(in_[1].shape[1]);
      hidden_blocks_ = (hidden_ + kHiddenPerBlock - 1) / kHiddenPerBlock;
      shared_scratch_ = channels_ * sizeof(float) <= 48 * 1024;
      if (!columns_ && !identity_)
        Fail(ErrorCode::kNative, "internal: an excite tail on a mean the column kernels cannot read");
      scale_ = p.excite_scale;
      fused_scale_ = scale_ && columns_ && DTypeSize(in_[0].dtype) == 2 && channels_ % 8 == 0;
    }
  }

  // Workspace: [column slices (double) | transposed x][row means (excite, rows path)]
  // [hidden layer h (excite)][means per block (excite, when shared memory is too small)],
  // each 256-aligned.
  static size_t Align(size_t b) { return (b + 255) / 256 * 256; }
  size_t ReduceBytes() const {
    if (columns_) return static_cast<size_t>(outer_ * splits_ * inner_) * sizeof(double);
    return identity_ ? 0 : in_[0].bytes;
  }
  size_t MeansBytes() const { return excite_ && !columns_ ? static_cast<size_t>(rows_) * DTypeSize(in_[0].dtype) : 0; }
  size_t GateBytes() const {
    return scale_ && !fused_scale_ ? static_cast<size_t>(rows_) * DTypeSize(in_[0].dtype) : 0;
  }
  size_t HiddenBytes() const { return excite_ ? static_cast<size_t>(rows_ / channels_ * hidden_) * sizeof(float) : 0; }

 public:
  size_t WorkspaceBytes() const override {
    if (!excite_) return ReduceBytes();
    const size_t scratch =
        shared_scratch_ ? 0 : static_cast<size_t>(rows_ / channels_ * hidden_blocks_ * channels_) * sizeof(float);
    return Align(ReduceBytes()) + Align(MeansBytes()) + Align(HiddenBytes()) + Align(GateBytes()) + scratch;
  }

  // The excite tail after the means (column slices in the workspace, or row means).
  void EnqueueExcite(const KernelArgs& args, cudaStream_t s) const {
    uint8_t* ws = static_cast<uint8_t*>(args.workspace);
    const double* partial = columns_ ? reinterpret_cast<const double*>(ws) : nullptr;
    const void* means = columns_ ? nullptr : ws + Align(ReduceBytes());
    float* h = reinterpret_cast<float*>(ws + Align(ReduceBytes()) + Align(MeansBytes()));
    uint8_t* gate = ws + Align(ReduceBytes()) + Align(MeansBytes()) + Align(HiddenBytes());
    float* global_m = shared_scratch_ ? nullptr : reinterpret_cast<float*>(gate + Align(GateBytes()));
    const size_t shared = shared_scratch_ ? channels_ * sizeof(float) : 0;
    const unsigned samples = static_cast<unsigned>(rows_ / channels_);
    DispatchFloat(in_[0].dtype, [&](auto tag) {
      using T = decltype(tag);
      auto in = [&](int k) { return static_cast<const T*>(args.inputs[k]); };
      ExciteHidden<T><<<dim3(samples, static_cast<unsigned>(hidden_blocks_)), kExciteThreads, shared, s>>>(
          partial, splits_, static_cast<const T*>(means), len_, in(1), in(2), h, channels_, hidden_, act1_, global_m);
      T* y = static_cast<T*>(args.outputs[0]);
      if (fused_scale_) {
        // Channel tiles of up to 256, pixel chunks of about 8 vectors per thread.
        const int tiles = (channels_ + kScaleTile - 1) / kScaleTile;
        const int vt = std::min(channels_, kScaleTile) / 8;
        const int per_chunk = std::max(1, kScaleVecPerBlock / vt);
        const unsigned chunks = static_cast<unsigned>((len_ + per_chunk - 1) / per_chunk);
        ExciteScaleNhwc<T><<<dim3(chunks, static_cast<unsigned>(tiles), samples), kScaleTile, 0, s>>>(
            static_cast<const T*>(args.inputs[0]), h, in(3), in(4), y, channels_, hidden_, len_, per_chunk, act2_);
        return;
      }
      T* g = scale_ ? reinterpret_cast<T*>(gate) : y;
      ExciteOutput<T><<<dim3(samples, static_cast<unsigned>((channels_ + kExciteThreads - 1) / kExciteThreads)),
                        kExciteThreads, 0, s>>>(h, in(3), in(4), g, channels_, hidden_, act2_);
      if (scale_) {
        ScaleByGate<T><<<GridFor(in_[0].numel), kThreads, 0, s>>>(static_cast<const T*>(args.inputs[0]), g, y,
                                                                  in_[0].numel, channels_, len_, !identity_);
      }
    });
    CheckLaunch("reduce excite kernel launch");
  }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    const DType t = in_[0].dtype;
    const void* x = args.inputs[0];
    if (columns_) {
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        double* partial = static_cast<double*>(args.workspace);
        if (vec8_) {
          const dim3 grid(static_cast<unsigned>((inner_ / 8 + vb_ - 1) / vb_), static_cast<unsigned>(splits_),
                          static_cast<unsigned>(outer_));
          ReduceColumnsPartialVec8<T>
              <<<grid, vb_ * vrows_, 0, s>>>(static_cast<const T*>(x), partial, len_, inner_, chunk_, splits_, vb_);
        } else {
          const dim3 grid(static_cast<unsigned>((inner_ + 31) / 32), static_cast<unsigned>(splits_),
                          static_cast<unsigned>(outer_));
          ReduceColumnsPartial<T>
              <<<grid, dim3(32, 8), 0, s>>>(static_cast<const T*>(x), partial, len_, inner_, chunk_, splits_, op_);
        }
        if (!excite_) {
          ReduceColumnsFinish<T><<<GridFor(outer_ * inner_), kThreads, 0, s>>>(
              partial, static_cast<T*>(args.outputs[0]), outer_, inner_, splits_, len_, op_);
        }
      });
      CheckLaunch("reduce kernel launch");
      if (excite_) EnqueueExcite(args, s);
      return;
    }
    if (excite_) {  // row means (identity: the spatial dims are last) into the workspace, then the tail
      void* means = static_cast<uint8_t*>(args.workspace) + Align(ReduceBytes());
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        if (len_ <= 32) {
          ReduceRowsThread<T>
              <<<GridFor(rows_), kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(means), rows_, len_, op_);
        } else {
          const unsigned grid = static_cast<unsigned>(std::min<int64_t>(rows_, 65535 * 16));
          ReduceRowsBlock<T>
              <<<grid, kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(means), rows_, len_, op_);
        }
      });
      CheckLaunch("reduce kernel launch");
      EnqueueExcite(args, s);
      return;
    }
    if (!identity_) {
      Check(LaunchStridedCopy(DTypeSize(t), x, args.workspace, transpose_, in_[0].numel, s), "reduce transpose launch");
      x = args.workspace;
    }
    if (t == DType::kInt32 || t == DType::kInt64) {
      auto run = [&](auto tag) {
        using T = decltype(tag);
        ReduceRowsInt<T><<<GridFor(rows_), kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(args.outputs[0]),
                                                             rows_, len_, op_);
      };
      if (t == DType::kInt32) run(int32_t{});
      else run(int64_t{});
    } else {
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        if (len_ <= 32) {
          ReduceRowsThread<T><<<GridFor(rows_), kThreads, 0, s>>>(static_cast<const T*>(x),
                                                                  static_cast<T*>(args.outputs[0]), rows_, len_, op_);
        } else {
          const unsigned grid = static_cast<unsigned>(std::min<int64_t>(rows_, 65535 * 16));
          ReduceRowsBlock<T>
              <<<grid, kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(args.outputs[0]), rows_, len_, op_);
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
  bool vec8_ = false;     // ... reading 8 columns per thread
  int vb_ = 1, vrows_ = 1;
  int64_t outer_ = 1, inner_ = 1, chunk_ = 1;
  int splits_ = 1;
  bool excite_ = false;  // the excite tail (builder form)
  Act act1_, act2_;
  int hidden_ = 0, channels_ = 1, hidden_blocks_ = 1;
  bool shared_scratch_ = true;  // the means of each excite block fit shared memory
  bool scale_ = false;          // exciteScale: the output is x * gate
  bool fused_scale_ = false;    // ... computed by ExciteScaleNhwc (else ExciteOutput, then ScaleByGate)
};

}  // namespace

std::unique_ptr<Kernel> MakeReduce(CudaBackend* b) { return std::make_unique<ReduceKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
