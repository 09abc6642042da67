// Max pooling (float types; int8/uint8) and average pooling (float types, summed in fp32)
// over 1 to 3 spatial dims with strides, dilations, asymmetric pads and ceil mode; one thread
// per output element. Padding cells are never read; the average's divisor counts the taps
// inside the input, or with countIncludePad those inside [-padsBegin, in + padsEnd) (a
// ceil-mode window's overhang beyond the end padding never counts), as cpu/pooling.cc.
// 2-d pooling also reads and writes channels-last tensors (layout 'nhwc', layout.h), and has
// a kernel of its own for tensors under 2^31 elements (32-bit index arithmetic, the tap
// counts computed per dim): the general one spends most of its time dividing 64-bit indices.
#include <limits>
#include <type_traits>

#include "layers/pooling.h"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

struct PoolGeometry {
  int64_t in[3], out[3], kernel[3], stride[3], pad[3], pad_end[3], dilation[3];
  int64_t planes;
  int64_t channels;  // nhwc: elements between two spatial positions (else 1, one plane each)
  bool max, include_pad, nhwc;
};

template <typename T, typename Acc>
__global__ void PoolKernel(const T* x, T* y, int64_t n, PoolGeometry g) {
  HYBRIDRT_GRID_LOOP(i, n) {
    int64_t o[3];
    int64_t r = g.nhwc ? i / g.channels : i;
    o[2] = r % g.out[2];
    r /= g.out[2];
    o[1] = r % g.out[1];
    r /= g.out[1];
    o[0] = r % g.out[0];
    const int64_t plane = r / g.out[0];  // nhwc: the batch index
    const int64_t step = g.nhwc ? g.channels : 1;
    const T* xp = g.nhwc ? x + plane * g.in[0] * g.in[1] * g.in[2] * g.channels + i % g.channels
                         : x + plane * g.in[0] * g.in[1] * g.in[2];
    int64_t first[3], last[3], valid = 1, padded = 1;
    for (int d = 0; d < 3; ++d) {
      const int64_t start = o[d] * g.stride[d] - g.pad[d];
      int64_t f = g.kernel[d], l = 0, v = 0, p = 0;
      for (int64_t k = 0; k < g.kernel[d]; ++k) {
        const int64_t pos = start + k * g.dilation[d];
        if (pos >= 0 && pos < g.in[d]) {
          f = k < f ? k : f;
          l = k + 1;
          ++v;
        }
        if (pos >= -g.pad[d] && pos < g.in[d] + g.pad_end[d]) ++p;
      }
      first[d] = f;
      last[d] = l;
      valid *= v;
      padded *= p;
    }
    Acc acc;
    if constexpr (std::is_same_v<Acc, float>) {
      acc = g.max ? -INFINITY : 0.0f;
    } else {
      acc = std::numeric_limits<Acc>::lowest();
    }
    for (int64_t kd = first[0]; kd < last[0]; ++kd) {
      const int64_t id = o[0] * g.stride[0] - g.pad[0] + kd * g.dilation[0];
      if (id < 0 || id >= g.in[0]) continue;
      for (int64_t kh = first[1]; kh < last[1]; ++kh) {
        const int64_t ih = o[1] * g.stride[1] - g.pad[1] + kh * g.dilation[1];
        if (ih < 0 || ih >= g.in[1]) continue;
        const T* row = xp + (id * g.in[1] + ih) * g.in[2] * step;
        for (int64_t kw = first[2]; kw < last[2]; ++kw) {
          const int64_t iw = o[2] * g.stride[2] - g.pad[2] + kw * g.dilation[2];
          if (iw < 0 || iw >= g.in[2]) continue;
          if constexpr (std::is_same_v<Acc, float>) {
            const float v = ToFloat(row[iw * step]);
            if (g.max) {
              acc = (v > acc || v != v) ? v : acc;
            } else {
              acc += v;
            }
          } else {
            const Acc v = row[iw * step];
            acc = v > acc ? v : acc;
          }
        }
      }
    }
    if constexpr (std::is_same_v<Acc, float>) {
      if (!g.max) acc = acc / static_cast<float>(g.include_pad ? padded : valid);
      y[i] = FromFloat<T>(acc);
    } else {
      y[i] = acc;
    }
  }
}

struct Pool2d {
  int ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, peh, pew, dh, dw, c;
  bool max, include_pad, nhwc;
};

// Taps of one dim: [first, last) inside the input, how many, and how many inside the padded
// extent (the average's divisor with countIncludePad).
__device__ __forceinline__ void Taps(int start, int k, int d, int in, int pad, int pad_end, int* valid, int* padded) {
  int v = 0, p = 0;
  for (int t = 0; t < k; ++t) {
    const int pos = start + t * d;
    v += pos >= 0 && pos < in;
    p += pos >= -pad && pos < in + pad_end;
  }
  *valid = v;
  *padded = p;
}

template <typename T, typename Acc>
__global__ void Pool2dKernel(const T* x, T* y, int n, Pool2d g) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    int b, c, oh, ow;
    if (g.nhwc) {
      c = i % g.c;
      int r = i / g.c;
      ow = r % g.ow;
      r /= g.ow;
      oh = r % g.oh;
      b = r / g.oh;
    } else {
      ow = i % g.ow;
      int r = i / g.ow;
      oh = r % g.oh;
      r /= g.oh;
      c = r % g.c;
      b = r / g.c;
    }
    const T* base = g.nhwc ? x + static_cast<int64_t>(b) * g.ih * g.iw * g.c + c
                           : x + (static_cast<int64_t>(b) * g.c + c) * g.ih * g.iw;
    const int ws = g.nhwc ? g.c : 1, hs = g.iw * ws;
    const int h0 = oh * g.sh - g.ph, w0 = ow * g.sw - g.pw;
    int vh, ph, vw, pw;
    Taps(h0, g.kh, g.dh, g.ih, g.ph, g.peh, &vh, &ph);
    Taps(w0, g.kw, g.dw, g.iw, g.pw, g.pew, &vw, &pw);
    Acc acc;
    if constexpr (std::is_same_v<Acc, float>) {
      acc = g.max ? -INFINITY : 0.0f;
    } else {
      acc = std::numeric_limits<Acc>::lowest();
    }
    for (int th = 0; th < g.kh; ++th) {
      const int h = h0 + th * g.dh;
      if (h < 0 || h >= g.ih) continue;
      for (int tw = 0; tw < g.kw; ++tw) {
        const int w = w0 + tw * g.dw;
        if (w < 0 || w >= g.iw) continue;
        if constexpr (std::is_same_v<Acc, float>) {
          const float v = ToFloat(base[h * hs + w * ws]);
          if (g.max) {
            acc = (v > acc || v != v) ? v : acc;
          } else {
            acc += v;
          }
        } else {
          const Acc v = base[h * hs + w * ws];
          acc = v > acc ? v : acc;
        }
      }
    }
    if constexpr (std::is_same_v<Acc, float>) {
      if (!g.max) acc = acc / static_cast<float>(g.include_pad ? ph * pw : vh * vw);
      y[i] = FromFloat<T>(acc);
    } else {
      y[i] = acc;
    }
  }
}

class PoolingKernel : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    const PoolingParams p = ReadPooling(params());
    g_.nhwc = p.nhwc;
    const Shape x = p.nhwc ? FromNhwc(in_[0].shape) : in_[0].shape;
    const Window w = PoolingWindow(p, in_[0].shape, out_[0].shape);
    const size_t sp = in_[0].shape.size() - 2;
    for (int d = 0; d < 3; ++d) {
      g_.in[d] = w.in[d];
      g_.out[d] = w.out[d];
      g_.kernel[d] = w.kernel[d];
      g_.stride[d] = w.stride[d];
      g_.pad[d] = w.pad[d];
      g_.dilation[d] = w.dilation[d];
      g_.pad_end[d] = w.pad_end[d];
    }
    g_.planes = x[0] * x[1];
    g_.channels = g_.nhwc ? x[1] : 1;
    g_.max = p.max;
    g_.include_pad = p.include_pad;
    fast_ = sp == 2 && in_[0].numel < kInt32LoopLimit && out_[0].numel < kInt32LoopLimit;
    if (fast_) {
      auto i32 = [](int64_t v) { return static_cast<int>(v); };
      f_ = {i32(g_.in[1]),       i32(g_.in[2]),
            i32(g_.out[1]),      i32(g_.out[2]),
            i32(g_.kernel[1]),   i32(g_.kernel[2]),
            i32(g_.stride[1]),   i32(g_.stride[2]),
            i32(g_.pad[1]),      i32(g_.pad[2]),
            i32(g_.pad_end[1]),  i32(g_.pad_end[2]),
            i32(g_.dilation[1]), i32(g_.dilation[2]),
            i32(x[1]),           g_.max,
            g_.include_pad,      g_.nhwc};
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const int64_t n = out_[0].numel;
    const cudaStream_t s = S(stream);
    const DType t = in_[0].dtype;
    if (fast_) {
      const int m = static_cast<int>(n);
      if (t == DType::kInt8) {
        Pool2dKernel<int8_t, int8_t><<<GridFor(n), kThreads, 0, s>>>(static_cast<const int8_t*>(args.inputs[0]),
                                                                     static_cast<int8_t*>(args.outputs[0]), m, f_);
      } else if (t == DType::kUInt8) {
        Pool2dKernel<uint8_t, uint8_t><<<GridFor(n), kThreads, 0, s>>>(static_cast<const uint8_t*>(args.inputs[0]),
                                                                       static_cast<uint8_t*>(args.outputs[0]), m, f_);
      } else {
        DispatchFloat(t, [&](auto tag) {
          using T = decltype(tag);
          Pool2dKernel<T, float><<<GridFor(n), kThreads, 0, s>>>(static_cast<const T*>(args.inputs[0]),
                                                                 static_cast<T*>(args.outputs[0]), m, f_);
        });
      }
      CheckLaunch("pooling kernel launch");
      return;
    }
    if (t == DType::kInt8) {
      PoolKernel<int8_t, int8_t><<<GridFor(n), kThreads, 0, s>>>(static_cast<const int8_t*>(args.inputs[0]),
                                                                 static_cast<int8_t*>(args.outputs[0]), n, g_);
    } else if (t == DType::kUInt8) {
      PoolKernel<uint8_t, uint8_t><<<GridFor(n), kThreads, 0, s>>>(static_cast<const uint8_t*>(args.inputs[0]),
                                                                   static_cast<uint8_t*>(args.outputs[0]), n, g_);
    } else {
      DispatchFloat(t, [&](auto tag) {
        using T = decltype(tag);
        PoolKernel<T, float><<<GridFor(n), kThreads, 0, s>>>(static_cast<const T*>(args.inputs[0]),
                                                             static_cast<T*>(args.outputs[0]), n, g_);
      });
    }
    CheckLaunch("pooling kernel launch");
  }

 private:
  PoolGeometry g_{};
  bool fast_ = false;
  Pool2d f_{};
};

}  // namespace

std::unique_ptr<Kernel> MakePooling(CudaBackend* b) { return std::make_unique<PoolingKernel>(b); }

}  // namespace cuda
}  // namespace hybridrt
