// The pointwise layer (pointwise.h) on the cpu: an interpreter of its program over blocks of
// output elements. Each input is gathered (broadcast, converted to fp32) into a block buffer
// once, each step runs over the whole block, and the last step's block is stored in the
// output's dtype. Steps use the cpu's own formulas (ApplyActivation, formulas.inc's binary
// ops), so an fp32 chain gives exactly what its separate layers gave.
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "cpu/activation.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/pointwise_affine.h"
#include "src/ir/broadcast_dims.h"
#include "src/ir/dtype.h"
#include "src/ir/formulas.h"
#include "layers/pointwise.h"

namespace hybridrt {
namespace cpu {

namespace {

// Elements a block (each input and step a buffer of them, in L1): 512 against 256 cut the per-block
// work by half (densenet121's pointwise sums 1.84 -> 1.74 ms).
constexpr int64_t kBlock = 512;

// y[i] = op(a[i * sa], q[i * sq]) with the op a constant (the formula's switch folds away) and
// each operand a block (stride 1) or one value (stride 0), so that the loops vectorize.
template <int Op>
void BinaryRun(const float* a, int64_t sa, const float* q, int64_t sq, float* y, int64_t len) {
  if (sa && sq) {
    for (int64_t i = 0; i < len; ++i) y[i] = formulas::HybridrtBinary(Op, a[i], q[i]);
  } else if (sa) {
    const float qv = q[0];
    for (int64_t i = 0; i < len; ++i) y[i] = formulas::HybridrtBinary(Op, a[i], qv);
  } else if (sq) {
    const float av = a[0];
    for (int64_t i = 0; i < len; ++i) y[i] = formulas::HybridrtBinary(Op, av, q[i]);
  } else {
    std::fill(y, y + len, formulas::HybridrtBinary(Op, a[0], q[0]));
  }
}

using BinaryFn = void (*)(const float*, int64_t, const float*, int64_t, float*, int64_t);
constexpr BinaryFn kBinary[kNumPointwiseBinary] = {BinaryRun<0>, BinaryRun<1>, BinaryRun<2>, BinaryRun<3>, BinaryRun<4>,
                                                   BinaryRun<5>, BinaryRun<6>, BinaryRun<7>, BinaryRun<8>};
static_assert(static_cast<int>(PointwiseBinary::kAdd) == formulas::kHrAdd &&
                  static_cast<int>(PointwiseBinary::kFmod) == formulas::kHrFmod && kNumPointwiseBinary == 9,
              "formulas.inc numbers the binary ops as PointwiseBinary");

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
    strides_.assign(in_.size(), {});
    same_run_.assign(in_.size(), 1);
    for (size_t k = 0; k < in_.size(); ++k) {
      strides_[k] = BroadcastStrides(in_[k].shape, rank);
      // Output elements per value of this input along the innermost dims it broadcasts over.
      for (size_t d = rank; d-- > 0 && strides_[k][d] == 0;) same_run_[k] *= dims_[d];
    }
    whole_.assign(in_.size(), false);
    for (size_t k = 0; k < in_.size(); ++k) whole_[k] = in_[k].dtype == DType::kFloat32 && in_[k].shape == dims_;
    // Inputs whose own dims run, in order, over one contiguous span of the output's dims, with
    // only broadcast dims around it (a per-channel scale [C, 1, 1] of an [N, C, H, W] output):
    // output element i reads value (i / same_run) % numel, one division where Gather carries an
    // index through every dim (its divisions were most of a BatchNorm chain's time, a block
    // of elements taking one value of each per-channel input), and a block over several
    // small planes fills its runs of each value.
    cyclic_.assign(in_.size(), false);
    for (size_t k = 0; k < in_.size(); ++k) {
      int64_t expect = 1;
      bool ok = true, seen = false, ended = false;
      for (size_t d = rank; d-- > 0;) {
        if (strides_[k][d] == 0) {
          if (seen) ended = true;
          continue;
        }
        ok = ok && !ended && strides_[k][d] == expect;
        seen = true;
        expect *= dims_[d];
      }
      cyclic_[k] = ok && expect == in_[k].numel;
    }
    PlanAffine();
  }

  // mul(x, s); add(t0, b)[; relu(t1)] with x the output's shape and s, b one value a plane (in
  // either order of each step's operands): the affine planes (pointwise_affine.h).
  void PlanAffine() {
    affine_ = false;
    const auto& st = prog_.steps;
    if (in_.size() != 3 || out_[0].dtype != DType::kFloat32 || st.size() < 2 || st.size() > 3) return;
    const auto input = [](const PointwiseOperand& o) { return o.kind == PointwiseOperand::Kind::kInput; };
    if (!st[0].binary || st[0].op2 != PointwiseBinary::kMul || !input(st[0].args[0]) || !input(st[0].args[1])) return;
    if (!st[1].binary || st[1].op2 != PointwiseBinary::kAdd) return;
    const bool first = st[1].args[0].kind == PointwiseOperand::Kind::kStep;
    const PointwiseOperand& t0 = st[1].args[first ? 0 : 1];
    const PointwiseOperand& b = st[1].args[first ? 1 : 0];
    if (t0.kind != PointwiseOperand::Kind::kStep || t0.index != 0 || !input(b)) return;
    if (st.size() == 3) {
      const PointwiseStep& r = st[2];
      if (r.binary || r.args.size() != 1 || r.args[0].kind != PointwiseOperand::Kind::kStep || r.args[0].index != 1 ||
          !r.act.enabled || r.act.op != UnaryOp::kRelu)
        return;
    }
    const int xi = whole_[st[0].args[0].index] ? st[0].args[0].index : st[0].args[1].index;
    const int si = st[0].args[0].index == xi ? st[0].args[1].index : st[0].args[0].index;
    const int bi = b.index;
    if (xi == si || !whole_[xi] || si == bi || xi == bi) return;
    const int64_t plane = same_run_[si];
    for (int k : {si, bi}) {
      if (in_[k].dtype != DType::kFloat32 || !cyclic_[k] || same_run_[k] != plane || in_[k].numel != in_[si].numel)
        return;
    }
    if (plane < 1 || out_[0].numel % plane != 0) return;
    affine_ = true;
    affine_in_ = {xi, si, bi};
    affine_plane_ = plane;
    affine_relu_ = st.size() == 3;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const int64_t n = out_[0].numel;
    if (affine_) {
      const float* x = static_cast<const float*>(args.inputs[affine_in_[0]]);
      const float* sc = static_cast<const float*>(args.inputs[affine_in_[1]]);
      const float* sh = static_cast<const float*>(args.inputs[affine_in_[2]]);
      float* y = static_cast<float*>(args.outputs[0]);
      const int64_t plane = affine_plane_, channels = in_[affine_in_[1]].numel;
      Par(n / plane, std::max<int64_t>(1, kElementGrain / plane),
          [&](int64_t p0, int64_t p1) { ChannelAffinePlanes(x, sc, sh, y, plane, channels, affine_relu_, p0, p1); });
      return;
    }
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

  // Input k as fp32, broadcast to output elements [b, e); idx: rank scratch. By runs along the
  // innermost dim, where an input's stride is 1 (a copy) or 0 (one value repeated), with the
  // index carry once per run rather than once per element.
  void Gather(const KernelArgs& args, size_t k, int64_t b, int64_t e, float* dst, int64_t* idx) const {
    const size_t rank = dims_.size();
    const DType t = in_[k].dtype;
    const void* base = args.inputs[k];
    if (rank == 0) {
      if (b < e) dst[0] = Load(t, base, 0);
      return;
    }
    const std::vector<int64_t>& strides = strides_[k];
    int64_t r = b, off = 0;
    for (size_t d = rank; d-- > 0;) {
      idx[d] = r % dims_[d];
      r /= dims_[d];
      off += idx[d] * strides[d];
    }
    const size_t last = rank - 1;
    const int64_t inner = dims_[last], st = strides[last];
    for (int64_t i = b; i < e;) {
      const int64_t run = std::min(e - i, inner - idx[last]);
      float* out = dst + (i - b);
      if (st == 0) {
        std::fill(out, out + run, Load(t, base, off));
      } else if (t == DType::kFloat32) {
        std::memcpy(out, static_cast<const float*>(base) + off, static_cast<size_t>(run) * sizeof(float));
      } else {
        for (int64_t j = 0; j < run; ++j) out[j] = Load(t, base, off + j);
      }
      i += run;
      off += run * st;
      idx[last] += run;
      if (idx[last] < inner) continue;
      off -= st * inner;  // the innermost dim wrapped: carry through the outer dims
      idx[last] = 0;
      for (size_t d = last; d-- > 0;) {
        off += strides[d];
        if (++idx[d] < dims_[d]) break;
        off -= strides[d] * dims_[d];
        idx[d] = 0;
      }
    }
  }

  void RunBlock(const KernelArgs& args, int64_t b, int64_t e, float* values, int64_t* idx) const {
    const int64_t len = e - b;
    const size_t inputs = in_.size();
    // An input that holds one value over the whole block (a per-channel scale inside one
    // channel's plane) is read once and taken as a constant operand (stride 0), so its steps run
    // the loops with one value broadcast instead of gathering a block of copies.
    // An fp32 input of the output's shape is read where it lies (unless the output shares its
    // bytes), and the last step writes an fp32 output directly: no copies in or out.
    uint64_t single = 0;
    std::vector<const float*>& direct = DirectScratch(inputs);
    float* const out_f32 = out_[0].dtype == DType::kFloat32 ? static_cast<float*>(args.outputs[0]) + b : nullptr;
    for (size_t k = 0; k < inputs; ++k) {
      float* dst = values + k * kBlock;
      direct[k] = nullptr;
      if (whole_[k] && args.inputs[k] != args.outputs[0]) {
        direct[k] = static_cast<const float*>(args.inputs[k]) + b;
      } else if (k < 64 && b / same_run_[k] == (e - 1) / same_run_[k]) {
        single |= uint64_t{1} << k;
        if (cyclic_[k]) {
          dst[0] = Load(in_[k].dtype, args.inputs[k], b / same_run_[k] % in_[k].numel);
        } else {
          Gather(args, k, b, b + 1, dst, idx);
        }
      } else if (cyclic_[k]) {
        // Runs of same_run copies of consecutive values (small planes: several a block).
        const int64_t sr = same_run_[k], numel = in_[k].numel;
        int64_t v = b / sr % numel, left = sr - b % sr;
        for (int64_t i = 0; i < len;) {
          const int64_t run = std::min(left, len - i);
          std::fill_n(dst + i, run, Load(in_[k].dtype, args.inputs[k], v));
          i += run;
          left = sr;
          v = v + 1 == numel ? 0 : v + 1;
        }
      } else {
        Gather(args, k, b, e, dst, idx);
      }
    }
    // An operand's values and their stride: a block buffer (1) or a constant (0).
    auto operand = [&](const PointwiseOperand& o, int64_t* stride) -> const float* {
      *stride = o.kind == PointwiseOperand::Kind::kConstant ? 0 : 1;
      switch (o.kind) {
        case PointwiseOperand::Kind::kInput:
          if (direct[o.index]) return direct[o.index];
          if (o.index < 64 && (single >> o.index & 1)) *stride = 0;
          return values + o.index * kBlock;
        case PointwiseOperand::Kind::kStep: return values + (inputs + o.index) * kBlock;
        case PointwiseOperand::Kind::kConstant: break;
      }
      return &constants_f_[o.index];
    };
    const size_t last = prog_.steps.size() - 1;
    for (size_t s = 0; s < prog_.steps.size(); ++s) {
      const PointwiseStep& st = prog_.steps[s];
      float* y = s == last && out_f32 ? out_f32 : values + (inputs + s) * kBlock;
      int64_t sa = 1, sq = 1;
      const float* a = operand(st.args[0], &sa);
      if (st.binary) {
        const float* q = operand(st.args[1], &sq);
        kBinary[static_cast<int>(st.op2)](a, sa, q, sq, y, len);
      } else if (sa && st.act.enabled) {
        ApplyActivation(st.act, a, y, len);
      } else {
        for (int64_t i = 0; i < len; ++i) y[i] = a[i * sa];
        if (st.act.enabled) ApplyActivation(st.act, y, y, len);
      }
    }
    if (!out_f32) {
      const float* result = values + (inputs + last) * kBlock;
      FloatToHalfBuffer(result, out_[0].dtype, static_cast<uint16_t*>(args.outputs[0]) + b, len);
    }
  }

  // Per thread: the direct input pointers of the block being run.
  static std::vector<const float*>& DirectScratch(size_t inputs) {
    thread_local std::vector<const float*> direct;
    if (direct.size() < inputs) direct.resize(inputs);
    return direct;
  }

  PointwiseProgram prog_;
  std::vector<float> constants_f_;  // the program's constants as fp32
  Shape dims_;
  std::vector<std::vector<int64_t>> strides_;  // per input, per output dim (0: broadcast)
  std::vector<int64_t> same_run_;              // per input: consecutive output elements that read one value
  std::vector<bool> whole_;                    // per input: fp32 of the output's shape (read in place)
  std::vector<bool> cyclic_;                   // per input: value (i / same_run) % numel for output element i
  bool affine_ = false;                        // the affine planes (PlanAffine)
  bool affine_relu_ = false;
  std::array<int, 3> affine_in_{};  // x, the scale, the shift
  int64_t affine_plane_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> MakePointwise() { return std::make_unique<PointwiseKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
