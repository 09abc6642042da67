// Cast between every pair of engine dtypes, with the cpu backend's rules (cpu/cast.cc): each
// element goes through float (from float32/float16/bfloat16) or int64 (from integers and
// bool); floats round to nearest even; float -> integer truncates toward zero and saturates
// (NaN -> 0); integer -> integer wraps; anything -> bool is x != 0.
//
// With `perm` (a builder form, layout.h: the engine's input cast and its channels-last
// transpose in one pass) float casts read their input through the permutation; other casts
// transpose into the workspace first.
#include <type_traits>

#include "layers/cast.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

struct BoolTag {};
template <typename T>
struct Storage {
  using type = T;
};
template <>
struct Storage<BoolTag> {
  using type = uint8_t;
};
template <typename T>
constexpr bool kIsFloat = std::is_same_v<T, float> || std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;

template <typename F>
void DispatchAll(DType t, F&& f) {
  switch (t) {
    case DType::kFloat32: f(float{}); return;
    case DType::kFloat16: f(__half{}); return;
    case DType::kBFloat16: f(__nv_bfloat16{}); return;
    case DType::kInt32: f(int32_t{}); return;
    case DType::kInt64: f(int64_t{}); return;
    case DType::kInt8: f(int8_t{}); return;
    case DType::kUInt8: f(uint8_t{}); return;
    case DType::kBool: f(BoolTag{}); return;
  }
}

template <typename To>
__device__ __forceinline__ typename Storage<To>::type FromFloatValue(float x) {
  if constexpr (kIsFloat<To>) {
    return FromFloat<To>(x);
  } else if constexpr (std::is_same_v<To, BoolTag>) {
    return x != 0.0f;
  } else {
    return SaturatedInt<To>(x);  // layers/cast.h
  }
}

template <typename To>
__device__ __forceinline__ typename Storage<To>::type FromIntValue(int64_t v) {
  if constexpr (kIsFloat<To>) {
    return FromFloat<To>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, BoolTag>) {
    return v != 0;
  } else {
    return static_cast<To>(v);
  }
}

template <typename From, typename To>
__global__ void CastKernel(const typename Storage<From>::type* x, typename Storage<To>::type* y, int64_t n) {
  HYBRIDRT_GRID_LOOP(i, n) {
    if constexpr (kIsFloat<From>) {
      y[i] = FromFloatValue<To>(ToFloat(x[i]));
    } else if constexpr (std::is_same_v<From, BoolTag>) {
      y[i] = FromIntValue<To>(x[i] != 0);
    } else {
      y[i] = FromIntValue<To>(static_cast<int64_t>(x[i]));
    }
  }
}

template <typename From, typename To>
__global__ void CastPermuted(const From* x, To* y, int64_t n, Strided st) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[1];
    StridedOffsets<1>(st, i, off);
    y[i] = FromFloat<To>(ToFloat(x[off[0]]));
  }
}

// NCHW -> NHWC for few channels (an image's 3): a thread per pixel reads its C planes
// (coalesced across threads) and writes its C contiguous elements.
// 32-bit index arithmetic (the caller checks the tensor fits it): 64-bit divisions are long
// software sequences.
template <typename From, typename To>
__global__ void CastToNhwc(const From* x, To* y, unsigned pixels, unsigned hw, int c) {
  for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < pixels; i += gridDim.x * blockDim.x) {
    const unsigned n = i / hw, p = i - n * hw;
    const From* src = x + n * c * hw + p;
    To* dst = y + i * c;
    for (int k = 0; k < c; ++k) dst[k] = FromFloat<To>(ToFloat(src[k * hw]));
  }
}

class CastLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const CastParams p = ReadCast(params());
    if (!p.has_perm) return;
    bool identity = false;
    perm_ = MakePermute(in_[0].shape, p.perm, &identity);
    permuted_ = !identity;
    const Shape& x = in_[0].shape;
    to_nhwc_ = permuted_ && x.size() == 4 && p.perm == std::vector<int64_t>{0, 2, 3, 1} && x[1] <= 16 &&
               in_[0].numel < kInt32LoopLimit;
  }

 public:
  size_t WorkspaceBytes() const override {
    return permuted_ && !(IsFloat(in_[0].dtype) && IsFloat(out_[0].dtype)) ? in_[0].bytes : 0;
  }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const DType from = in_[0].dtype, to = out_[0].dtype;
    const cudaStream_t s = S(stream);
    const void* input = args.inputs[0];
    if (permuted_) {
      if (from == to) {
        Check(LaunchStridedCopy(DTypeSize(from), input, args.outputs[0], perm_, in_[0].numel, s),
              "cast transpose launch");
        return;
      }
      if (IsFloat(from) && IsFloat(to)) {
        DispatchFloat(from, [&](auto ftag) {
          DispatchFloat(to, [&](auto ttag) {
            using F = decltype(ftag);
            using T = decltype(ttag);
            const Shape& x = in_[0].shape;
            if (to_nhwc_) {
              const int64_t pixels = x[0] * x[2] * x[3];
              CastToNhwc<F, T><<<GridFor(pixels), kThreads, 0, s>>>(
                  static_cast<const F*>(input), static_cast<T*>(args.outputs[0]), static_cast<unsigned>(pixels),
                  static_cast<unsigned>(x[2] * x[3]), static_cast<int>(x[1]));
              return;
            }
            CastPermuted<F, T><<<GridFor(in_[0].numel), kThreads, 0, s>>>(
                static_cast<const F*>(input), static_cast<T*>(args.outputs[0]), in_[0].numel, perm_);
          });
        });
        CheckLaunch("cast kernel launch");
        return;
      }
      Check(LaunchStridedCopy(DTypeSize(from), input, args.workspace, perm_, in_[0].numel, s), "cast transpose launch");
      input = args.workspace;
    }
    if (from == to) {
      Check(cudaMemcpyAsync(args.outputs[0], args.inputs[0], in_[0].bytes, cudaMemcpyDeviceToDevice, s),
            "cudaMemcpyAsync");
      return;
    }
    const int64_t n = in_[0].numel;
    DispatchAll(from, [&](auto ftag) {
      DispatchAll(to, [&](auto ttag) {
        using F = decltype(ftag);
        using T = decltype(ttag);
        CastKernel<F, T><<<GridFor(n), kThreads, 0, s>>>(static_cast<const typename Storage<F>::type*>(input),
                                                         static_cast<typename Storage<T>::type*>(args.outputs[0]), n);
      });
    });
    CheckLaunch("cast kernel launch");
  }

 private:
  Strided perm_;
  bool permuted_ = false;
  bool to_nhwc_ = false;  // NCHW -> NHWC with few channels: CastToNhwc
};

}  // namespace

std::unique_ptr<Kernel> MakeCast(CudaBackend* b) { return std::make_unique<CastLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
