// Quantize: y = saturate(round_half_even(x / scale) + zero_point) into int8/uint8;
// dequantize: y = (x - zero_point) * scale from int8/uint8/int32, in the scale's float type.
// Per-tensor when the scale has one element, else per channel along `axis`. Arithmetic in
// fp32 as onnxruntime (and cpu/quantize.cc) does.
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/quantize.h"

namespace hybridrt {
namespace cuda {

namespace {

// Element i of a tensor of dtype code t, as float (floats) or integer (ints).
__device__ __forceinline__ float LoadFloat(const void* p, int64_t i, int t) {
  switch (static_cast<DType>(t)) {
    case DType::kFloat16: return ToFloat(static_cast<const __half*>(p)[i]);
    case DType::kBFloat16: return ToFloat(static_cast<const __nv_bfloat16*>(p)[i]);
    default: return static_cast<const float*>(p)[i];
  }
}

__device__ __forceinline__ int64_t LoadInt(const void* p, int64_t i, int t) {
  if (!p) return 0;
  switch (static_cast<DType>(t)) {
    case DType::kInt8: return static_cast<const int8_t*>(p)[i];
    case DType::kUInt8: return static_cast<const uint8_t*>(p)[i];
    case DType::kInt32: return static_cast<const int32_t*>(p)[i];
    default: return 0;
  }
}

struct QuantGeometry {
  int64_t channels, inner;
  int x_type, scale_type, int_type, y_type;
};

__global__ void QuantizeKernel(const void* x, const void* scale, const void* zp, void* y, int64_t n, QuantGeometry g) {
  HYBRIDRT_GRID_LOOP(i, n) {
    const int64_t c = (i / g.inner) % g.channels;
    const float s = LoadFloat(scale, c, g.scale_type);
    const int64_t z = LoadInt(zp, c, g.int_type);
    const float q = rintf(LoadFloat(x, i, g.x_type) / s);
    int64_t v = isnan(q) ? z : static_cast<int64_t>(fmaxf(-1e9f, fminf(1e9f, q))) + z;
    if (static_cast<DType>(g.int_type) == DType::kInt8) {
      v = v < -128 ? -128 : v > 127 ? 127 : v;
      static_cast<int8_t*>(y)[i] = static_cast<int8_t>(v);
    } else {
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      static_cast<uint8_t*>(y)[i] = static_cast<uint8_t>(v);
    }
  }
}

template <typename T>
__global__ void DequantizeKernel(const void* x, const void* scale, const void* zp, T* y, int64_t n, QuantGeometry g) {
  HYBRIDRT_GRID_LOOP(i, n) {
    const int64_t c = (i / g.inner) % g.channels;
    const float s = LoadFloat(scale, c, g.scale_type);
    const int64_t z = LoadInt(zp, c, g.int_type);
    y[i] = FromFloat<T>(static_cast<float>(LoadInt(x, i, g.int_type) - z) * s);
  }
}

class QuantizeLayer : public CudaKernel {
 public:
  QuantizeLayer(CudaBackend* b, bool quantize) : CudaKernel(b), quantize_(quantize) {}

 protected:
  void PrepareKernel() override {
    const TensorDesc& x = in_[0];
    const TensorDesc& scale = in_[1];
    const QuantizeLines lines = QuantizeLinesOf(params(), x.shape, scale.numel);
    g_.channels = std::max<int64_t>(lines.channels, 1);
    g_.inner = std::max<int64_t>(lines.inner, 1);
    g_.x_type = static_cast<int>(x.dtype);
    g_.scale_type = static_cast<int>(scale.dtype);
    g_.int_type = static_cast<int>(quantize_ ? out_[0].dtype : x.dtype);
    g_.y_type = static_cast<int>(out_[0].dtype);
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    const void* zp = args.inputs.size() > 2 ? args.inputs[2] : nullptr;
    const cudaStream_t s = S(stream);
    if (quantize_) {
      QuantizeKernel<<<GridFor(n), kThreads, 0, s>>>(args.inputs[0], args.inputs[1], zp, args.outputs[0], n, g_);
    } else {
      DispatchFloat(out_[0].dtype, [&](auto tag) {
        using T = decltype(tag);
        DequantizeKernel<T><<<GridFor(n), kThreads, 0, s>>>(args.inputs[0], args.inputs[1], zp,
                                                            static_cast<T*>(args.outputs[0]), n, g_);
      });
    }
    CheckLaunch(quantize_ ? "quantize kernel launch" : "dequantize kernel launch");
  }

 private:
  bool quantize_;
  QuantGeometry g_{};
};

}  // namespace

std::unique_ptr<Kernel> MakeQuantize(CudaBackend* b) { return std::make_unique<QuantizeLayer>(b, true); }
std::unique_ptr<Kernel> MakeDequantize(CudaBackend* b) { return std::make_unique<QuantizeLayer>(b, false); }

}  // namespace cuda
}  // namespace hybridrt
