// Elementwise binary layers with numpy broadcasting, for float32 (half via HalfAdapter),
// int32, int64 and bool, plus a fused activation on float outputs.
// Integer semantics, chosen never to trap (src/ir/int_arith.h): add/sub/mul wrap around; div
// truncates toward zero, x/0 gives 0 and MIN/-1 wraps; fmod (C's) and mod (Python's, integers
// only) give 0 for a divisor of 0 or -1. pow and prelu are float only (network.ts).
#include <cmath>
#include <cstring>
#include <iterator>
#include <type_traits>

#include "cpu/activation.h"
#include "cpu/broadcast.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/elementwise.h"
#include "src/ir/int_arith.h"
#include "src/ir/formulas.h"

namespace hybridrt {
namespace cpu {

namespace {

using Op = binary::Op;
static_assert(static_cast<int>(Op::kAdd) == formulas::kHrAdd && static_cast<int>(Op::kPrelu) == formulas::kHrPrelu &&
                  static_cast<int>(Op::kFmod) == formulas::kHrFmod,
              "elementwise.h numbers the float ops as formulas.inc's HybridrtBinaryOp (Float<B> passes them on)");

// A float binary op as formulas.inc writes it (the op a constant, so the formula's switch
// folds). A functor, not a function: Loop then gets a type of its own per op and inlines it
// (a function pointer gave every op one instantiation, an indirect call per element).
template <int B>
struct Float {
  float operator()(float p, float q) const { return formulas::HybridrtBinary(B, p, q); }
};

// y[row] = f(a, b) over the broadcast rows [begin, end).
template <typename T, typename R, typename F>
void Loop(const Broadcast& bc, const T* a, const T* b, R* y, int64_t begin, int64_t end, F f) {
  const int64_t n = bc.row_length(), sa = bc.inner_stride(0), sb = bc.inner_stride(1);
  bc.ForRows(begin, end, [&](int64_t row, const int64_t* offs) {
    const T* pa = a + offs[0];
    const T* pb = b + offs[1];
    R* py = y + row * n;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < n; ++i) py[i] = f(pa[i], pb[i]);
    } else if (sa == 0 && sb == 1) {
      const T va = pa[0];
      for (int64_t i = 0; i < n; ++i) py[i] = f(va, pb[i]);
    } else if (sa == 1 && sb == 0) {
      const T vb = pb[0];
      for (int64_t i = 0; i < n; ++i) py[i] = f(pa[i], vb);
    } else {
      for (int64_t i = 0; i < n; ++i) py[i] = f(pa[i * sa], pb[i * sb]);
    }
  });
}

class ElementwiseKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    op_ = binary::Read(params());
    act_ = ReadActivation(params(), "activation.");
    bc_ = std::make_unique<Broadcast>(out_[0].shape, std::vector<Shape>{in_[0].shape, in_[1].shape});
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const Broadcast& bc = *bc_;
    int64_t grain = std::max<int64_t>(1, kElementGrain / std::max<int64_t>(bc.row_length(), 1));
    Par(bc.rows(), grain, [&](int64_t b, int64_t e) {
      switch (in_[0].dtype) {
        case DType::kFloat32: RunFloat(args, b, e); break;
        case DType::kInt32: RunInt<int32_t>(args, b, e); break;
        case DType::kInt64: RunInt<int64_t>(args, b, e); break;
        case DType::kBool: RunBool(args, b, e); break;
        default: Bad(ErrorCode::kNative, Cat("dtype ", DTypeName(in_[0].dtype), " is not supported"));
      }
    });
  }

 private:
  template <typename T>
  bool Compare(const KernelArgs& args, int64_t b, int64_t e) const {
    const T* x = static_cast<const T*>(args.inputs[0]);
    const T* w = static_cast<const T*>(args.inputs[1]);
    uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
    switch (op_) {
      case Op::kEqual: Loop(*bc_, x, w, y, b, e, [](T p, T q) -> uint8_t { return p == q; }); return true;
      case Op::kLess: Loop(*bc_, x, w, y, b, e, [](T p, T q) -> uint8_t { return p < q; }); return true;
      case Op::kGreater: Loop(*bc_, x, w, y, b, e, [](T p, T q) -> uint8_t { return p > q; }); return true;
      default: return false;
    }
  }

  void RunFloat(const KernelArgs& args, int64_t b, int64_t e) const {
    if (Compare<float>(args, b, e)) return;
    const float* x = static_cast<const float*>(args.inputs[0]);
    const float* w = static_cast<const float*>(args.inputs[1]);
    float* y = static_cast<float*>(args.outputs[0]);
    const Broadcast& bc = *bc_;
    switch (op_) {
      case Op::kAdd: Loop(bc, x, w, y, b, e, Float<formulas::kHrAdd>{}); break;
      case Op::kSub: Loop(bc, x, w, y, b, e, Float<formulas::kHrSub>{}); break;
      case Op::kMul: Loop(bc, x, w, y, b, e, Float<formulas::kHrMul>{}); break;
      case Op::kDiv: Loop(bc, x, w, y, b, e, Float<formulas::kHrDiv>{}); break;
      case Op::kPow: Loop(bc, x, w, y, b, e, Float<formulas::kHrPow>{}); break;
      case Op::kMax: Loop(bc, x, w, y, b, e, Float<formulas::kHrMax>{}); break;
      case Op::kMin: Loop(bc, x, w, y, b, e, Float<formulas::kHrMin>{}); break;
      case Op::kPrelu: Loop(bc, x, w, y, b, e, Float<formulas::kHrPrelu>{}); break;
      case Op::kFmod: Loop(bc, x, w, y, b, e, Float<formulas::kHrFmod>{}); break;
      default: Bad(ErrorCode::kNative, "op does not take float tensors");
    }
    if (act_.enabled) {
      int64_t n = bc.row_length();
      ApplyActivation(act_, y + b * n, y + b * n, (e - b) * n);
    }
  }

  template <typename T>
  void RunInt(const KernelArgs& args, int64_t b, int64_t e) const {
    if (Compare<T>(args, b, e)) return;
    const T* x = static_cast<const T*>(args.inputs[0]);
    const T* w = static_cast<const T*>(args.inputs[1]);
    T* y = static_cast<T*>(args.outputs[0]);
    const Broadcast& bc = *bc_;
    switch (op_) {
      case Op::kAdd: Loop(bc, x, w, y, b, e, WrapAdd<T>); break;
      case Op::kSub: Loop(bc, x, w, y, b, e, WrapSub<T>); break;
      case Op::kMul: Loop(bc, x, w, y, b, e, WrapMul<T>); break;
      case Op::kDiv: Loop(bc, x, w, y, b, e, IntDiv<T>); break;
      case Op::kFmod: Loop(bc, x, w, y, b, e, IntFmod<T>); break;
      case Op::kMod: Loop(bc, x, w, y, b, e, IntMod<T>); break;
      case Op::kMax: Loop(bc, x, w, y, b, e, [](T p, T q) { return p < q ? q : p; }); break;
      case Op::kMin: Loop(bc, x, w, y, b, e, [](T p, T q) { return q < p ? q : p; }); break;
      default: Bad(ErrorCode::kNative, "op does not take integer tensors");
    }
  }

  void RunBool(const KernelArgs& args, int64_t b, int64_t e) const {
    const uint8_t* x = static_cast<const uint8_t*>(args.inputs[0]);
    const uint8_t* w = static_cast<const uint8_t*>(args.inputs[1]);
    uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
    // NOTE: bool bytes other than 0/1 (from the caller) count as true.
    switch (op_) {
      case Op::kAnd: Loop(*bc_, x, w, y, b, e, [](uint8_t p, uint8_t q) -> uint8_t { return p && q; }); break;
      case Op::kOr: Loop(*bc_, x, w, y, b, e, [](uint8_t p, uint8_t q) -> uint8_t { return p || q; }); break;
      case Op::kEqual: Loop(*bc_, x, w, y, b, e, [](uint8_t p, uint8_t q) -> uint8_t { return !p == !q; }); break;
      default: Bad(ErrorCode::kNative, "op does not take bool tensors");
    }
  }

  Op op_ = Op::kAdd;
  Activation act_;
  std::unique_ptr<Broadcast> bc_;
};

}  // namespace

std::unique_ptr<Kernel> MakeElementwise() { return std::make_unique<ElementwiseKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
