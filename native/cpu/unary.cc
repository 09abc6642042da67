// Unary layers: every UnaryOp on float32 (half via HalfAdapter); identity, relu, abs, neg,
// sign and clip on int32/int64; not on bool; identity on any dtype (a copy).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "cpu/activation.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/element_value.h"

namespace hybridrt {
namespace cpu {

namespace {

class UnaryKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    act_ = ReadActivation(params(), "");
    op_ = act_.op;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const DType t = in_[0].dtype;
    const int64_t n = in_[0].numel;
    if (op_ == UnaryOp::kIdentity) {
      const size_t es = DTypeSize(t);
      Par(n, kElementGrain, [&](int64_t b, int64_t e) {
        std::memcpy(static_cast<uint8_t*>(args.outputs[0]) + b * es,
                    static_cast<const uint8_t*>(args.inputs[0]) + b * es, (e - b) * es);
      });
      return;
    }
    Par(n, kElementGrain, [&](int64_t b, int64_t e) {
      switch (t) {
        case DType::kFloat32:
          ApplyActivation(act_, static_cast<const float*>(args.inputs[0]) + b, static_cast<float*>(args.outputs[0]) + b,
                          e - b);
          break;
        case DType::kInt32: RunInt<int32_t>(args, b, e); break;
        case DType::kInt64: RunInt<int64_t>(args, b, e); break;
        case DType::kBool: {
          const uint8_t* x = static_cast<const uint8_t*>(args.inputs[0]);
          uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
          for (int64_t i = b; i < e; ++i) y[i] = !x[i];
          break;
        }
        default: Bad(ErrorCode::kNative, Cat("dtype ", DTypeName(t), " is not supported"));
      }
    });
  }

 private:
  template <typename T>
  void RunInt(const KernelArgs& args, int64_t b, int64_t e) const {
    const T* x = static_cast<const T*>(args.inputs[0]);
    T* y = static_cast<T*>(args.outputs[0]);
    using U = std::make_unsigned_t<T>;
    switch (op_) {
      case UnaryOp::kRelu:
        for (int64_t i = b; i < e; ++i) y[i] = x[i] > 0 ? x[i] : 0;
        break;
      case UnaryOp::kAbs:
        for (int64_t i = b; i < e; ++i) y[i] = x[i] < 0 ? static_cast<T>(U(0) - static_cast<U>(x[i])) : x[i];
        break;
      case UnaryOp::kNeg:
        for (int64_t i = b; i < e; ++i) y[i] = static_cast<T>(U(0) - static_cast<U>(x[i]));
        break;
      case UnaryOp::kSign:
        for (int64_t i = b; i < e; ++i) y[i] = static_cast<T>((x[i] > 0) - (x[i] < 0));
        break;
      case UnaryOp::kClip: {
        const T lo = ClampBound<T>(act_.min), hi = ClampBound<T>(act_.max);
        for (int64_t i = b; i < e; ++i) y[i] = std::min(std::max(x[i], lo), hi);
        break;
      }
      default: Bad(ErrorCode::kNative, "op does not take integer tensors");
    }
  }

  Activation act_;
  UnaryOp op_ = UnaryOp::kIdentity;
};

}  // namespace

std::unique_ptr<Kernel> MakeUnary() { return std::make_unique<UnaryKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
