// The cpu Backend (see cpu_backend.h): kernel factory, host memory, device description.
#include "cpu/cpu_backend.h"

#include <cstring>
#include <mutex>
#include <string>

#include "cpu/igemm.h"
#include "cpu/kernels.h"
#include "cpu/sgemm.h"
#include "layers/quant_form.h"
#include "src/util/aligned_buffer.h"
#include "src/util/host_copy.h"
#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {

namespace {

std::string MachineArch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

bool HalfTensors(const KernelSetup& s) {
  for (const TensorDesc& d : s.inputs) {
    if (IsHalf(d.dtype)) return true;
  }
  for (const TensorDesc& d : s.outputs) {
    if (IsHalf(d.dtype)) return true;
  }
  return false;
}

class CpuBackend : public Backend {
 public:
  explicit CpuBackend(int threads) : threads_(threads > 0 ? threads : HardwareThreads()) {}

  std::string Name() const override { return "cpu"; }
  // A run, a build: the pool's workers kept awake while its layers run (thread_pool.h).
  int EnterDevice() const override {
    PoolHoldBegin(threads_);
    return -1;
  }
  void LeaveDevice(int) const override { PoolHoldEnd(threads_); }
  // NOTE: the ISA extensions are not part of the arch: kernels dispatch on them at run time,
  // so a plan moves between x86-64 machines with and without AVX2.
  std::string DeviceArch() const override { return MachineArch(); }

  std::unique_ptr<Kernel> CreateKernel(const KernelSetup& setup) override {
    std::unique_ptr<Kernel> k;
    bool compute = true;
    if (IsQuantForm(setup.layer->params)) {  // the int8 forms: int8 and float32 tensors only
      if (setup.layer->kind == LayerKind::kConvolution) return MakeQuantConvolution();
      if (setup.layer->kind == LayerKind::kMatmul) return MakeQuantMatmul();
      if (setup.layer->kind == LayerKind::kElementwise) return MakeQuantAdd();
    }
    switch (setup.layer->kind) {
      case LayerKind::kConvolution: k = MakeConvolution(); break;
      case LayerKind::kDeconvolution: k = MakeDeconvolution(); break;
      case LayerKind::kMatmul: k = MakeMatmul(); break;
      case LayerKind::kElementwise: k = MakeElementwise(); break;
      case LayerKind::kUnary: k = MakeUnary(); break;
      case LayerKind::kPooling: k = MakePooling(); break;
      case LayerKind::kReduce: k = MakeReduce(); break;
      case LayerKind::kSoftmax: k = MakeSoftmax(); break;
      case LayerKind::kNormalization: k = MakeNormalization(); break;
      case LayerKind::kResize: k = MakeResize(); break;
      case LayerKind::kQuantize: k = MakeQuantize(); break;
      case LayerKind::kDequantize: k = MakeDequantize(); break;
      case LayerKind::kCumSum: k = MakeCumSum(); break;
      case LayerKind::kArgMinMax: k = MakeArgMinMax(); break;
      case LayerKind::kAttention: k = MakeAttention(); break;
      case LayerKind::kScatter: k = MakeScatter(); break;
      case LayerKind::kTopK: k = MakeTopK(); break;
      case LayerKind::kRoiAlign: k = MakeRoiAlign(); break;
      case LayerKind::kGridSample: k = MakeGridSample(); break;
      case LayerKind::kRecurrent: k = MakeRecurrent(); break;
      default: compute = false; break;
    }
    if (compute) return HalfTensors(setup) ? MakeHalfAdapter(std::move(k)) : std::move(k);
    switch (setup.layer->kind) {
      case LayerKind::kShuffle: return MakeShuffle();
      case LayerKind::kConcat: return MakeConcat();
      case LayerKind::kSplit: return MakeSplit();
      case LayerKind::kSlice: return MakeSlice();
      case LayerKind::kPad: return MakePad();
      case LayerKind::kGather: return MakeGather();
      case LayerKind::kCast: return MakeCast();
      case LayerKind::kSelect: return MakeSelect();
      case LayerKind::kShape: return MakeShapeOf();
      case LayerKind::kRange: return MakeRange();
      case LayerKind::kNonZero: return MakeNonZero();
      case LayerKind::kNms: return MakeNms();
      case LayerKind::kPointwise: return MakePointwise();
      default: Fail(ErrorCode::kNative, Cat(LayerLabel(*setup.layer), ": the cpu backend has no kernel for this kind"));
    }
  }

  std::unique_ptr<Stream> CreateStream() override { return std::make_unique<CpuStream>(threads_); }
  std::shared_ptr<void> Allocate(size_t bytes) override { return AllocateAligned(bytes, 256); }
  std::shared_ptr<const void> UploadWeights(const void* host, size_t) override {
    return std::shared_ptr<const void>(host, [](const void*) {});  // the engine's store is device memory here
  }
  void CopyToDevice(void* dst, const void* src, size_t bytes, Stream&) override {
    CopyHostMemory(dst, src, bytes, threads_);
  }
  void CopyToHost(void* dst, const void* src, size_t bytes, Stream&) override {
    CopyHostMemory(dst, src, bytes, threads_);
  }
  void Synchronize(Stream&) override {}

 private:
  int threads_;
};

}  // namespace

bool HasAvx2Fma() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

bool HasAvx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
#else
  return false;
#endif
}

std::unique_ptr<Backend> CreateCpuBackend(const BackendOptions& options) {
  return std::make_unique<CpuBackend>(options.threads);
}

namespace {
std::string& HeldKernelForm() {
  static std::string form;
  return form;
}
}  // namespace

void SetKernelForm(const std::string& form) {
  static std::once_flag once;  // a worker thread's load of the addon finds the form set
  std::call_once(once, [&form] { HeldKernelForm() = form; });
}

const std::string& KernelForm() { return HeldKernelForm(); }

DeviceStatus QueryCpuDevice() {
  DeviceStatus s;
  s.available = true;
  s.arch = MachineArch();
  s.description = Cat(MachineArch(), ", ", SgemmKernelName(), " sgemm kernel, ", IgemmKernelName(), " int8 kernel, ",
                      HardwareThreads(), " threads");
  return s;
}

}  // namespace cpu
}  // namespace hybridrt
