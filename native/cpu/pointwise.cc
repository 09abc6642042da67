// The pointwise layer (pointwise.h) on the cpu: an interpreter of its program over blocks of
// output elements. Each input is gathered (broadcast, converted to fp32) into a block buffer
// once, each step runs over the whole block, and the last step's block is stored in the
// output's dtype. Steps use the cpu's own formulas (ApplyActivation, EvalPointwiseBinary),
// so an fp32 chain gives exactly what its separate layers gave.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "cpu/activation.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "src/ir/dtype.h"
#include "src/ir/pointwise.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kBlock = 256;

class PointwiseKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    try {
      prog_ = PointwiseOf(*layer_);
    } catch (const Error& e) {
      Bad(ErrorCode::kNative, e.what());
    }
    constants_f_.assign(prog_.constants.begin(), prog_.constants.end());
    dims_ = out_[0].shape;
    const size_t rank = dims_.size();
    strides_.assign(in_.size(), std::vector<int64_t>(rank, 0));
    for (size_t k = 0; k < in_.size(); ++k) {
      const Shape& s = in_[k].shape;
      const size_t off = rank - s.size();
      int64_t st = 1;
      for (size_t d = s.size(); d-- > 0;) {
        strides_[k][off + d] = s[d] == 1 ? 0 : st;
        st *= s[d];
      }
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const int64_t n = out_[0].numel;
    Par(n, kElementGrain, [&](int64_t begin, int64_t end) {
      std::vector<float> values((in_.size() + prog_.steps.size()) * kBlock);
      std::vector<int64_t> idx(dims_.size());
      for (int64_t b = begin; b < end; b += kBlock)
        RunBlock(args, b, std::min(end, b + kBlock), values.data(), idx.data());
    });
  }

 private:
  static float Load(DType t, const void* p, int64_t i) {
    switch (t) {
      case DType::kFloat16: return HalfToFloat(static_cast<const uint16_t*>(p)[i]);
      case DType::kBFloat16: return BFloat16ToFloat(static_cast<const uint16_t*>(p)[i]);
      default: return static_cast<const float*>(p)[i];
    }
  }

  // Input k as fp32, broadcast to output elements [b, e); idx: rank scratch.
  void Gather(const KernelArgs& args, size_t k, int64_t b, int64_t e, float* dst, int64_t* idx) const {
    const size_t rank = dims_.size();
    int64_t r = b, off = 0;
    for (size_t d = rank; d-- > 0;) {
      idx[d] = r % dims_[d];
      r /= dims_[d];
      off += idx[d] * strides_[k][d];
    }
    for (int64_t i = b; i < e; ++i) {
      dst[i - b] = Load(in_[k].dtype, args.inputs[k], off);
      for (size_t d = rank; d-- > 0;) {  // next output element: carry through the dims
        off += strides_[k][d];
        if (++idx[d] < dims_[d]) break;
        off -= strides_[k][d] * dims_[d];
        idx[d] = 0;
      }
    }
  }

  void RunBlock(const KernelArgs& args, int64_t b, int64_t e, float* values, int64_t* idx) const {
    const int64_t len = e - b;
    const size_t inputs = in_.size();
    for (size_t k = 0; k < inputs; ++k) Gather(args, k, b, e, values + k * kBlock, idx);
    // An operand's values and their stride: a block buffer (1) or a constant (0).
    auto operand = [&](const PointwiseOperand& o, int64_t* stride) -> const float* {
      *stride = o.kind == PointwiseOperand::Kind::kConstant ? 0 : 1;
      switch (o.kind) {
        case PointwiseOperand::Kind::kInput: return values + o.index * kBlock;
        case PointwiseOperand::Kind::kStep: return values + (inputs + o.index) * kBlock;
        case PointwiseOperand::Kind::kConstant: break;
      }
      return &constants_f_[o.index];
    };
    for (size_t s = 0; s < prog_.steps.size(); ++s) {
      const PointwiseStep& st = prog_.steps[s];
      float* y = values + (inputs + s) * kBlock;
      int64_t sa = 1, sq = 1;
      const float* a = operand(st.args[0], &sa);
      if (st.binary) {
        const float* q = operand(st.args[1], &sq);
        for (int64_t i = 0; i < len; ++i) y[i] = EvalPointwiseBinary(st.op2, a[i * sa], q[i * sq]);
      } else {
        for (int64_t i = 0; i < len; ++i) y[i] = a[i * sa];
        if (st.act.enabled) ApplyActivation(st.act, y, y, len);
      }
    }
    const float* result = values + (inputs + prog_.steps.size() - 1) * kBlock;
    switch (out_[0].dtype) {
      case DType::kFloat32: std::memcpy(static_cast<float*>(args.outputs[0]) + b, result, len * sizeof(float)); break;
      default: FloatToHalfBuffer(result, out_[0].dtype, static_cast<uint16_t*>(args.outputs[0]) + b, len); break;
    }
  }

  PointwiseProgram prog_;
  std::vector<float> constants_f_;  // the program's constants as fp32
  Shape dims_;
  std::vector<std::vector<int64_t>> strides_;  // per input, per output dim (0: broadcast)
};

}  // namespace

std::unique_ptr<Kernel> MakePointwise() { return std::make_unique<PointwiseKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
