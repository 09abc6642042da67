// Quantize: y = saturate(round_half_even(x / scale) + zero_point) into int8/uint8;
// dequantize: y = (x - zero_point) * scale, from int8/uint8/int32. Per-tensor when the
// scale has one element, else per-axis (scale[c] for index c along `axis`). Arithmetic in
// fp32 as onnxruntime does (half tensors go through HalfAdapter).
#include <algorithm>
#include <cmath>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/quant_epilogue.h"
#include "layers/quant_form.h"
#include "layers/quantize.h"

namespace hybridrt {
namespace cpu {

namespace {

int64_t ZeroPoint(DType t, const void* zp, int64_t c) {
  if (!zp) return 0;
  switch (t) {
    case DType::kInt8: return static_cast<const int8_t*>(zp)[c];
    case DType::kUInt8: return static_cast<const uint8_t*>(zp)[c];
    case DType::kInt32: return static_cast<const int32_t*>(zp)[c];
    default: return 0;
  }
}

class QuantizeKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { layout_ = QuantizeLinesOf(params(), in_[0].shape, in_[1].numel); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* scale = static_cast<const float*>(args.inputs[1]);
    const void* zp = args.inputs.size() > 2 ? args.inputs[2] : nullptr;
    const DType t = out_[0].dtype;
    const QuantizeLines& l = layout_;
    // Runs of elements (a per-tensor scale: the whole tensor is one row, split among threads),
    // each cut where a row of one scale ends.
    Par(l.outer * l.channels * l.inner, kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1;) {
        const int64_t r = i / l.inner, end = std::min(i1, (r + 1) * l.inner), c = r % l.channels;
        QuantizeFloats(x + i, end - i, scale[c], static_cast<int32_t>(ZeroPoint(t, zp, c)), t,
                       static_cast<char*>(args.outputs[0]) + i);
        i = end;
      }
    });
  }

 private:
  QuantizeLines layout_;
};

class DequantizeKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { layout_ = QuantizeLinesOf(params(), in_[0].shape, in_[1].numel); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* scale = static_cast<const float*>(args.inputs[1]);
    const void* zp = args.inputs.size() > 2 ? args.inputs[2] : nullptr;
    const DType t = in_[0].dtype;
    float* y = static_cast<float*>(args.outputs[0]);
    const QuantizeLines& l = layout_;
    Par(l.outer * l.channels, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(l.inner, 1)),
        [&](int64_t r0, int64_t r1) {
          for (int64_t r = r0; r < r1; ++r) {
            const int64_t c = r % l.channels;
            const float s = scale[c];
            const int64_t z = ZeroPoint(t, zp, c);
            for (int64_t i = r * l.inner; i < (r + 1) * l.inner; ++i) {
              const int64_t v = ZeroPoint(t, args.inputs[0], i);
              y[i] = static_cast<float>(v - z) * s;
            }
          }
        });
  }

 private:
  QuantizeLines layout_;
};

}  // namespace

std::unique_ptr<Kernel> MakeQuantize() { return std::make_unique<QuantizeKernel>(); }
std::unique_ptr<Kernel> MakeDequantize() { return std::make_unique<DequantizeKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
