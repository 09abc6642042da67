// Elementwise binary layers with numpy broadcasting (float types computed in fp32, int32,
// int64, bool) plus a fused activation on float outputs; select (ONNX Where) with three-way
// broadcasting over elements of any size; and the broadcast-scale copy matmul uses for its
// C input. Integer semantics are the cpu backend's, from one header (src/ir/int_arith.h):
// add/sub/mul wrap, division truncates toward zero, x/0 gives 0 and MIN/-1 wraps, fmod and mod
// remainders.
#include <type_traits>

#include <iterator>

#include "cuda/device_common.cuh"
#include "layers/elementwise.h"
#include "src/ir/int_arith.h"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

// Float ops first, numbered as formulas.inc's HybridrtBinaryOp (FloatOp passes them on).
using namespace binary;  // NOLINT: the ops' names, as the kernels' switch reads them

static_assert(static_cast<int>(kAdd) == static_cast<int>(kHrAdd) &&
                  static_cast<int>(kDiv) == static_cast<int>(kHrDiv) &&
                  static_cast<int>(kPrelu) == static_cast<int>(kHrPrelu) &&
                  static_cast<int>(kFmod) == static_cast<int>(kHrFmod),
              "the float ops are numbered as formulas.inc's HybridrtBinaryOp (FloatOp passes them on)");

bool IsCompare(int op) { return binary::IsCompare(static_cast<Op>(op)); }

__device__ __forceinline__ float FloatOp(int op, float p, float q) { return HybridrtBinary(op, p, q); }

template <typename T>
__global__ void BinaryFloat(const T* a, const T* b, T* y, int64_t n, Strided s, int op, Act act) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[2];
    StridedOffsets<2>(s, i, off);
    float v = FloatOp(op, ToFloat(a[off[0]]), ToFloat(b[off[1]]));
    if (act.op != kNoActivation) v = Activate(act, v);
    y[i] = FromFloat<T>(v);
  }
}

// BinaryFloat where everything fits 32-bit indices (Fits32).
template <typename T>
__global__ void BinaryFloat32(const T* a, const T* b, T* y, int n, Strided s, int op, Act act) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    int off[2];
    StridedOffsets32<2>(s, i, off);
    float v = FloatOp(op, ToFloat(a[off[0]]), ToFloat(b[off[1]]));
    if (act.op != kNoActivation) v = Activate(act, v);
    y[i] = FromFloat<T>(v);
  }
}

// BinaryFloat on 2-byte types, 8 outputs per thread (Vec8Ok): along the last merged dim each
// operand is contiguous (stride 1: one 16-byte load) or broadcast (stride 0: one element).
template <typename T>
__global__ void BinaryFloatVec8(const T* a, const T* b, T* y, int n8, Strided s, int op, Act act) {
  const int last = s.nd - 1;
  const bool a_vec = s.stride[0][last] == 1, b_vec = s.stride[1][last] == 1;
  for (int v = blockIdx.x * blockDim.x + threadIdx.x; v < n8; v += gridDim.x * blockDim.x) {
    int off[2];
    StridedOffsets32<2>(s, v * 8, off);
    Vec8<T> av, bv, yv;
    if (a_vec) av = *reinterpret_cast<const Vec8<T>*>(a + off[0]);
    if (b_vec) bv = *reinterpret_cast<const Vec8<T>*>(b + off[1]);
    const float a1 = a_vec ? 0.0f : ToFloat(a[off[0]]), b1 = b_vec ? 0.0f : ToFloat(b[off[1]]);
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      float f = FloatOp(op, a_vec ? ToFloat(av.v[k]) : a1, b_vec ? ToFloat(bv.v[k]) : b1);
      if (act.op != kNoActivation) f = Activate(act, f);
      yv.v[k] = FromFloat<T>(f);
    }
    reinterpret_cast<Vec8<T>*>(y)[v] = yv;
  }
}

// Whether BinaryFloatVec8 applies: 2-byte elements, the last merged dim a multiple of 8 along
// which each operand has stride 0 or 1, every other stride a multiple of 8 (so that vector
// accesses are 16-byte aligned), 32-bit indices.
bool Vec8Ok(const Strided& s, int64_t n, size_t elem) {
  if (elem != 2 || n % 8 != 0 || !Fits32(s, n, 2)) return false;
  const int last = s.nd - 1;
  if (s.dims[last] % 8 != 0) return false;
  for (int k = 0; k < 2; ++k) {
    if (s.stride[k][last] != 0 && s.stride[k][last] != 1) return false;
    for (int d = 0; d < last; ++d) {
      if (s.stride[k][d] % 8 != 0) return false;
    }
  }
  return true;
}

template <typename T>
__global__ void CompareKernel(const T* a, const T* b, uint8_t* y, int64_t n, Strided s, int op) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[2];
    StridedOffsets<2>(s, i, off);
    const float p = ToFloat(a[off[0]]), q = ToFloat(b[off[1]]);
    y[i] = op == kEqual ? p == q : op == kLess ? p < q : p > q;
  }
}

template <typename T>
__global__ void CompareInt(const T* a, const T* b, uint8_t* y, int64_t n, Strided s, int op) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[2];
    StridedOffsets<2>(s, i, off);
    const T p = a[off[0]], q = b[off[1]];
    y[i] = op == kEqual ? p == q : op == kLess ? p < q : p > q;
  }
}

template <typename T>
__global__ void BinaryInt(const T* a, const T* b, T* y, int64_t n, Strided s, int op) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[2];
    StridedOffsets<2>(s, i, off);
    const T p = a[off[0]], q = b[off[1]];
    T r = 0;
    switch (op) {
      case kAdd: r = WrapAdd(p, q); break;
      case kSub: r = WrapSub(p, q); break;
      case kMul: r = WrapMul(p, q); break;
      case kDiv: r = IntDiv(p, q); break;
      case kFmod: r = IntFmod(p, q); break;
      case kMod: r = IntMod(p, q); break;
      case kMax: r = p < q ? q : p; break;
      case kMin: r = q < p ? q : p; break;
      default: break;
    }
    y[i] = r;
  }
}

__global__ void BinaryBool(const uint8_t* a, const uint8_t* b, uint8_t* y, int64_t n, Strided s, int op) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[2];
    StridedOffsets<2>(s, i, off);
    const bool p = a[off[0]] != 0, q = b[off[1]] != 0;  // bytes other than 0/1 count as true
    y[i] = op == kAnd ? (p && q) : op == kOr ? (p || q) : (p == q);
  }
}

template <typename B>
__global__ void SelectKernel(const uint8_t* c, const B* a, const B* b, B* y, int64_t n, Strided s) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[3];
    StridedOffsets<3>(s, i, off);
    y[i] = c[off[0]] ? a[off[1]] : b[off[2]];
  }
}

template <typename T>
__global__ void BroadcastScaleKernel(const T* x, T* y, int64_t n, Strided s, float scale) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t off[1];
    StridedOffsets<1>(s, i, off);
    y[i] = FromFloat<T>(scale * ToFloat(x[off[0]]));
  }
}

class ElementwiseKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    op_ = binary::Read(params());
    act_ = MakeAct(ReadActivation(params(), "activation."));
    strided_ = MakeBroadcast(out_[0].shape, {in_[0].shape, in_[1].shape});
    small_ = Fits32(strided_, out_[0].numel, 2);
    vec8_ = !IsCompare(op_) && IsFloat(in_[0].dtype) && Vec8Ok(strided_, out_[0].numel, DTypeSize(in_[0].dtype));
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const cudaStream_t s = S(stream);
    const int64_t n = out_[0].numel;
    const unsigned grid = GridFor(n);
    const DType t = in_[0].dtype;
    const void* a = args.inputs[0];
    const void* b = args.inputs[1];
    void* y = args.outputs[0];
    if (IsFloat(t)) {
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        if (IsCompare(op_)) {
          CompareKernel<T><<<grid, kThreads, 0, s>>>(static_cast<const T*>(a), static_cast<const T*>(b),
                                                     static_cast<uint8_t*>(y), n, strided_, op_);
        } else if (vec8_ && Aligned16(a) && Aligned16(b) && Aligned16(y)) {
          BinaryFloatVec8<T><<<GridFor(n / 8), kThreads, 0, s>>>(static_cast<const T*>(a), static_cast<const T*>(b),
                                                                 static_cast<T*>(y), static_cast<int>(n / 8), strided_,
                                                                 op_, act_);
        } else if (small_) {
          BinaryFloat32<T><<<grid, kThreads, 0, s>>>(static_cast<const T*>(a), static_cast<const T*>(b),
                                                     static_cast<T*>(y), static_cast<int>(n), strided_, op_, act_);
        } else {
          BinaryFloat<T><<<grid, kThreads, 0, s>>>(static_cast<const T*>(a), static_cast<const T*>(b),
                                                   static_cast<T*>(y), n, strided_, op_, act_);
        }
      });
    } else if (t == DType::kInt32 || t == DType::kInt64) {
      auto run = [&](auto tag) {
        using T = decltype(tag);
        if (IsCompare(op_)) {
          CompareInt<T><<<grid, kThreads, 0, s>>>(static_cast<const T*>(a), static_cast<const T*>(b),
                                                  static_cast<uint8_t*>(y), n, strided_, op_);
        } else {
          BinaryInt<T><<<grid, kThreads, 0, s>>>(static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(y),
                                                 n, strided_, op_);
        }
      };
      if (t == DType::kInt32) run(int32_t{});
      else run(int64_t{});
    } else if (t == DType::kBool) {
      BinaryBool<<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(a), static_cast<const uint8_t*>(b),
                                           static_cast<uint8_t*>(y), n, strided_, op_);
    } else {
      Bad(ErrorCode::kNative, Cat("dtype ", DTypeName(t), " is not supported"));
    }
    CheckLaunch("elementwise kernel launch");
  }

 private:
  int op_ = kAdd;
  Act act_;
  Strided strided_;
  bool small_ = false, vec8_ = false;
};

class SelectLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override { strided_ = MakeBroadcast(out_[0].shape, {in_[0].shape, in_[1].shape, in_[2].shape}); }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    DispatchBits(DTypeSize(out_[0].dtype), [&](auto tag) {
      using B = decltype(tag);
      SelectKernel<B><<<GridFor(n), kThreads, 0, S(stream)>>>(
          static_cast<const uint8_t*>(args.inputs[0]), static_cast<const B*>(args.inputs[1]),
          static_cast<const B*>(args.inputs[2]), static_cast<B*>(args.outputs[0]), n, strided_);
    });
    CheckLaunch("select kernel launch");
  }

 private:
  Strided strided_;
};

}  // namespace

cudaError_t LaunchBroadcastScale(DType t, const void* x, void* y, const Strided& s, int64_t n, float scale,
                                 cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  DispatchFloat(t, [&](auto tag) {
    using T = decltype(tag);
    BroadcastScaleKernel<T>
        <<<GridFor(n), kThreads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), n, s, scale);
  });
  return cudaGetLastError();
}

std::unique_ptr<Kernel> MakeElementwise(CudaBackend* b) { return std::make_unique<ElementwiseKernel>(b); }
std::unique_ptr<Kernel> MakeSelect(CudaBackend* b) { return std::make_unique<SelectLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
