// Unary layers: every UnaryOp on float32/float16/bfloat16 (computed in fp32), relu, abs, neg
// and clip on int32/int64 (wrapping, as the cpu backend), not on bool, identity on any dtype
// (a device copy). Also the shared bias+activation epilogue of convolution, deconvolution
// and matmul, the tactic-timing fill, and the kernel-image probe.
#include <limits>
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "src/ir/element_value.h"

namespace hybridrt {
namespace cuda {

namespace {

template <typename T>
__global__ void UnaryFloat(const T* x, T* y, int64_t n, Act act) {
  HYBRIDRT_GRID_LOOP(i, n) { y[i] = FromFloat<T>(Activate(act, ToFloat(x[i]))); }
}

template <typename T>
__global__ void UnaryInt(const T* x, T* y, int64_t n, int op, T lo, T hi) {
  using U = std::make_unsigned_t<T>;
  using Op = UnaryOp;
  HYBRIDRT_GRID_LOOP(i, n) {
    const T v = x[i];
    T r = v;
    switch (static_cast<Op>(op)) {
      case Op::kRelu: r = v > 0 ? v : T(0); break;
      case Op::kAbs: r = v < 0 ? static_cast<T>(U(0) - static_cast<U>(v)) : v; break;
      case Op::kNeg: r = static_cast<T>(U(0) - static_cast<U>(v)); break;
      case Op::kSign: r = static_cast<T>((v > 0) - (v < 0)); break;
      case Op::kClip: {
        const T a = v < lo ? lo : v;
        r = hi < a ? hi : a;
        break;
      }
      default: break;
    }
    y[i] = r;
  }
}

__global__ void NotKernel(const uint8_t* x, uint8_t* y, int64_t n) {
  HYBRIDRT_GRID_LOOP(i, n) { y[i] = !x[i]; }
}

// I: the index type (int below 2^31 elements: 32-bit division is several times cheaper).
template <typename T, typename I>
__global__ void BiasActivationKernel(T* y, const T* bias, const T* z, I n, I channels, I inner, Act act) {
  for (I i = blockIdx.x * static_cast<I>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<I>(gridDim.x) * blockDim.x) {
    float v = ToFloat(y[i]);
    if (bias) v += ToFloat(bias[(inner == 1 ? i : i / inner) % channels]);
    if (z) v += ToFloat(z[i]);
    if (act.op != kNoActivation) v = Activate(act, v);
    y[i] = FromFloat<T>(v);
  }
}

// The same, 8 elements of a 2-byte type per thread: either channels-last (inner 1, channels a
// multiple of 8: 8 consecutive channels) or NCHW with inner a multiple of 8 (one channel).
template <typename T>
__global__ void BiasActivationVec8(T* y, const T* bias, const T* z, int n8, int channels, int inner, Act act) {
  for (int v = blockIdx.x * blockDim.x + threadIdx.x; v < n8; v += gridDim.x * blockDim.x) {
    const int i = v * 8;
    Vec8<T> yv = reinterpret_cast<const Vec8<T>*>(y)[v];
    Vec8<T> zv;
    if (z) zv = reinterpret_cast<const Vec8<T>*>(z)[v];
    Vec8<T> bv;
    float b1 = 0;
    if (bias && inner == 1) bv = *reinterpret_cast<const Vec8<T>*>(bias + i % channels);
    if (bias && inner != 1) b1 = ToFloat(bias[(i / inner) % channels]);
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      float f = ToFloat(yv.v[k]);
      if (bias) f += inner == 1 ? ToFloat(bv.v[k]) : b1;
      if (z) f += ToFloat(zv.v[k]);
      if (act.op != kNoActivation) f = Activate(act, f);
      yv.v[k] = FromFloat<T>(f);
    }
    reinterpret_cast<Vec8<T>*>(y)[v] = yv;
  }
}

template <typename T>
__global__ void FillPatternKernel(T* y, int64_t n) {
  HYBRIDRT_GRID_LOOP(i, n) {
    uint32_t h = static_cast<uint32_t>(i) * 2654435761u;
    h ^= h >> 15;
    y[i] = FromFloat<T>(static_cast<float>(h & 0xffff) / 32768.0f - 1.0f);
  }
}

__global__ void ProbeKernel(int* p) {
  if (p) *p = 1;
}

class UnaryKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    act_ = ReadActivation(params(), "");
    op_ = act_.op;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    const DType t = in_[0].dtype;
    const int64_t n = in_[0].numel;
    if (op_ == UnaryOp::kIdentity) {
      Check(cudaMemcpyAsync(args.outputs[0], args.inputs[0], in_[0].bytes, cudaMemcpyDeviceToDevice, s),
            "cudaMemcpyAsync");
      return;
    }
    const unsigned grid = GridFor(n);
    if (IsFloat(t)) {
      const Act act = MakeAct(act_);
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        UnaryFloat<T>
            <<<grid, kThreads, 0, s>>>(static_cast<const T*>(args.inputs[0]), static_cast<T*>(args.outputs[0]), n, act);
      });
    } else if (t == DType::kInt32) {
      UnaryInt<int32_t><<<grid, kThreads, 0, s>>>(static_cast<const int32_t*>(args.inputs[0]),
                                                  static_cast<int32_t*>(args.outputs[0]), n, static_cast<int>(op_),
                                                  ClampBound<int32_t>(act_.min), ClampBound<int32_t>(act_.max));
    } else if (t == DType::kInt64) {
      UnaryInt<int64_t><<<grid, kThreads, 0, s>>>(static_cast<const int64_t*>(args.inputs[0]),
                                                  static_cast<int64_t*>(args.outputs[0]), n, static_cast<int>(op_),
                                                  ClampBound<int64_t>(act_.min), ClampBound<int64_t>(act_.max));
    } else if (t == DType::kBool) {
      NotKernel<<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(args.inputs[0]),
                                          static_cast<uint8_t*>(args.outputs[0]), n);
    } else {
      Bad(ErrorCode::kNative, Cat("dtype ", DTypeName(t), " is not supported"));
    }
    CheckLaunch("unary kernel launch");
  }

 private:
  Activation act_;
  UnaryOp op_ = UnaryOp::kIdentity;
};

}  // namespace

cudaError_t LaunchBiasActivation(DType t, void* y, const void* bias, const void* z, int64_t n, int64_t channels,
                                 int64_t inner, const Act& act, cudaStream_t stream) {
  if (n == 0 || (!bias && !z && act.op == kNoActivation)) return cudaSuccess;
  DispatchFloat(t, [&](auto tag) {
    using T = decltype(tag);
    const int64_t c = std::max<int64_t>(channels, 1), in = std::max<int64_t>(inner, 1);
    // 8 elements a thread where they share their bias layout (no bias: any; a matrix product's
    // activation after its bias epilogue comes with channels = inner = 1).
    const bool vec = sizeof(T) == 2 && n % 8 == 0 && n < kInt32LoopLimit &&
                     (!bias || (in == 1 ? c % 8 == 0 : in % 8 == 0)) && Aligned16(y) && Aligned16(bias) && Aligned16(z);
    if (vec) {
      const int64_t n8 = n / 8;
      BiasActivationVec8<T><<<GridFor(n8), kThreads, 0, stream>>>(static_cast<T*>(y), static_cast<const T*>(bias),
                                                                  static_cast<const T*>(z), static_cast<int>(n8),
                                                                  static_cast<int>(c), static_cast<int>(in), act);
    } else if (n < kInt32LoopLimit) {
      BiasActivationKernel<T, int><<<GridFor(n), kThreads, 0, stream>>>(static_cast<T*>(y), static_cast<const T*>(bias),
                                                                        static_cast<const T*>(z), static_cast<int>(n),
                                                                        static_cast<int>(c), static_cast<int>(in), act);
    } else {
      BiasActivationKernel<T, int64_t><<<GridFor(n), kThreads, 0, stream>>>(
          static_cast<T*>(y), static_cast<const T*>(bias), static_cast<const T*>(z), n, c, in, act);
    }
  });
  return cudaGetLastError();
}

cudaError_t LaunchFillPattern(DType t, void* y, int64_t n, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  DispatchFloat(t, [&](auto tag) {
    using T = decltype(tag);
    FillPatternKernel<T><<<GridFor(n), kThreads, 0, stream>>>(static_cast<T*>(y), n);
  });
  return cudaGetLastError();
}

cudaError_t ProbeKernelImage() {
  cudaFuncAttributes attr;
  return cudaFuncGetAttributes(&attr, ProbeKernel);
}

std::unique_ptr<Kernel> MakeUnary(CudaBackend* b) { return std::make_unique<UnaryKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
