// HalfAdapter: runs a float32 kernel for a layer whose tensors include float16/bfloat16.
// Half inputs are widened into fp32 scratch (constants once, at Prepare), the inner kernel
// runs on fp32 descs, and half outputs are rounded back (nearest even). Tensors of other
// dtypes (bool outputs of comparisons, int8 of quantize) pass through untouched. Scratch
// lives in the workspace: [widened inputs][fp32 outputs][inner workspace], each 256-aligned.
#include <memory>
#include <vector>

#include "cpu/half_convert.h"
#include "cpu/kernels.h"
#include "src/builder/memory_planner.h"
#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kGrain = 16 * 1024;

class HalfAdapter : public Kernel {
 public:
  explicit HalfAdapter(std::unique_ptr<Kernel> inner) : inner_(std::move(inner)) {}

  void Prepare(const KernelSetup& setup) override {
    KernelSetup s = setup;
    threads_ = setup.threads;
    in_types_.clear();
    out_types_.clear();
    in_offsets_.assign(setup.inputs.size(), -1);
    out_offsets_.assign(setup.outputs.size(), -1);
    widened_constants_.assign(setup.inputs.size(), nullptr);
    uint64_t ws = 0;
    for (size_t i = 0; i < setup.inputs.size(); ++i) {
      const TensorDesc& d = setup.inputs[i];
      in_types_.push_back(d.dtype);
      if (!IsHalf(d.dtype)) continue;
      s.inputs[i] = MakeTensorDesc(DType::kFloat32, d.shape);
      if (setup.constants[i]) {
        auto buf = std::shared_ptr<float>(new float[std::max<int64_t>(d.numel, 1)], std::default_delete<float[]>());
        HalfBufferToFloat(d.dtype, setup.constants[i], buf.get(), d.numel);
        widened_constants_[i] = buf;
        s.constants[i] = buf.get();
      } else {
        in_offsets_[i] = static_cast<int64_t>(ws);
        ws += AlignUp(static_cast<uint64_t>(d.numel) * 4, kArenaAlignment);
      }
    }
    for (size_t i = 0; i < setup.outputs.size(); ++i) {
      const TensorDesc& d = setup.outputs[i];
      out_types_.push_back(d.dtype);
      if (!IsHalf(d.dtype)) continue;
      s.outputs[i] = MakeTensorDesc(DType::kFloat32, d.shape);
      out_offsets_[i] = static_cast<int64_t>(ws);
      ws += AlignUp(static_cast<uint64_t>(d.numel) * 4, kArenaAlignment);
    }
    inner_offset_ = ws;
    inner_->Prepare(s);
    workspace_ = ws + inner_->WorkspaceBytes();
    in_numel_.clear();
    out_numel_.clear();
    for (const TensorDesc& d : setup.inputs) in_numel_.push_back(d.numel);
    for (const TensorDesc& d : setup.outputs) out_numel_.push_back(d.numel);
  }

  size_t WorkspaceBytes() const override { return workspace_; }
  std::string Tactic() const override { return inner_->Tactic(); }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    uint8_t* ws = static_cast<uint8_t*>(args.workspace);
    KernelArgs a = args;
    for (size_t i = 0; i < a.inputs.size(); ++i) {
      if (widened_constants_[i]) {
        a.inputs[i] = widened_constants_[i].get();
      } else if (in_offsets_[i] >= 0) {
        float* dst = reinterpret_cast<float*>(ws + in_offsets_[i]);
        const uint16_t* src = static_cast<const uint16_t*>(args.inputs[i]);
        DType t = in_types_[i];
        ParallelFor(threads_, in_numel_[i], kGrain,
                    [&](int64_t b, int64_t e) { WidenHalf(t, src + b, dst + b, e - b); });
        a.inputs[i] = dst;
      }
    }
    for (size_t i = 0; i < a.outputs.size(); ++i) {
      if (out_offsets_[i] >= 0) a.outputs[i] = ws + out_offsets_[i];
    }
    a.workspace = ws + inner_offset_;
    inner_->Enqueue(a, stream);
    for (size_t i = 0; i < a.outputs.size(); ++i) {
      if (out_offsets_[i] < 0) continue;
      const float* src = static_cast<const float*>(a.outputs[i]);
      uint16_t* dst = static_cast<uint16_t*>(args.outputs[i]);
      DType t = out_types_[i];
      ParallelFor(threads_, out_numel_[i], kGrain,
                  [&](int64_t b, int64_t e) { NarrowToHalf(src + b, t, dst + b, e - b); });
    }
  }

 private:
  std::unique_ptr<Kernel> inner_;
  int threads_ = 1;
  std::vector<DType> in_types_, out_types_;
  std::vector<int64_t> in_offsets_, out_offsets_;
  std::vector<int64_t> in_numel_, out_numel_;
  std::vector<std::shared_ptr<float>> widened_constants_;
  uint64_t inner_offset_ = 0;
  size_t workspace_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeHalfAdapter(std::unique_ptr<Kernel> inner) {
  return std::make_unique<HalfAdapter>(std::move(inner));
}

}  // namespace cpu
}  // namespace hybridrt
