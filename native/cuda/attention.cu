// The attention layer (layers/attention.h) in one kernel, of three tactics, timed at build time:
// - `flash` (fp16/bf16, head sizes up to 128): FlashAttention-2 on mma.sync, every row's
//   scores, probabilities and output in registers (attention_flash.cuh);
// - `tiled` (fp16/bf16, head sizes multiples of 16 up to 128): a block of 4 warps takes 64 query
//   rows (16 a warp) and walks the keys in tiles of 64 staged in shared memory, so that 64 rows
//   share each load of k and v; scores (q k^T) and p v are tensor-core products (WMMA, fp32
//   accumulators), the online softmax in between is fp32 in shared memory (2 lanes a row), and
//   the output rows stay in shared memory in fp32 until the last tile (attention_tiled.cuh);
// - `rows` (any float type and head size): a warp per query row walks the keys
// in tiles of 32 (a lane per key: its score q . k, scaled and masked), keeps the running max and
// sum of an online softmax, and accumulates p v into the output dims its lanes own (32 apart),
// so that neither the scores nor the probabilities go through memory; the grid's y walks the
// batch entries (beyond 65535, in strides of the grid). Reads and writes the
// layer's float type and computes in fp32 (expf, as the softmax kernel). Output dims beyond
// kDvPerPass are done in further passes over the keys. Rows whose every score is -inf give NaN,
// as the unfused softmax does.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <type_traits>

#include "cuda/attention_flash.cuh"
#include "cuda/attention_tiled.cuh"
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "cuda/tactic_timer.h"
#include "layers/attention.h"

namespace hybridrt {
namespace cuda {

namespace {

// Lets `kernel` take `bytes` of dynamic shared memory on the current device. The limit is the
// function's, shared by every layer and engine that launches it (tiled's bytes follow the head
// sizes, flash's the k layout), so it is only ever raised: a layer prepared or timed later with
// a smaller need must not take it from one prepared before, whose launches would then fail.
void AllowShared(const void* kernel, size_t bytes) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  cudaFuncAttributes a{};
  Check(cudaFuncGetAttributes(&a, kernel), "cudaFuncGetAttributes (attention shared memory)");
  if (static_cast<size_t>(a.maxDynamicSharedSizeBytes) >= bytes) return;
  Check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)),
        "cudaFuncSetAttribute (attention shared memory)");
}

constexpr int kWarps = 4;   // query rows per block
constexpr int kDvRegs = 8;  // output dims per lane and pass
constexpr int kDvPerPass = 32 * kDvRegs;

// One query row (si) of batch entry b, by one warp: q's row is in shared memory (qs).
template <typename T>
__device__ void AttendRow(const float* qs, const T* k, const T* v, const T* mask, T* y, const AttentionGeometry& g,
                          float scale, bool nan_to_zero, int64_t b, int64_t si, int lane) {
  const T* kb = k + g.KOffset(b);
  const T* vb = v + g.VOffset(b);
  const T* mr = mask ? mask + g.MaskOffset(b) + si * g.mask_s_stride : nullptr;
  T* out = y + g.OutOffset(b) + si * g.row_stride[AttentionGeometry::kOut];
  for (int64_t j0 = 0; j0 < g.dv; j0 += kDvPerPass) {
    float acc[kDvRegs];
#pragma unroll
    for (int c = 0; c < kDvRegs; ++c) acc[c] = 0.f;
    float m = -INFINITY, l = 0.f;
    for (int64_t t0 = 0; t0 < g.t; t0 += 32) {
      const int64_t ti = t0 + lane;
      float score = -INFINITY;
      if (ti < g.t) {
        float dot = 0.f;
        for (int64_t di = 0; di < g.d; ++di) dot += qs[di] * ToFloat(kb[g.KIndex(ti, di)]);
        score = dot * scale;
        if (mr) score += ToFloat(mr[ti * g.mask_t_stride]);
      }
      float tile_max = score;
      for (int o = 16; o > 0; o /= 2) tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, o));
      const float next = fmaxf(m, tile_max);
      // Nothing but -inf so far: no rescaling, and -inf scores weigh 0 (NaN only at the end); a
      // NaN score (fmaxf passes over it) still makes the row's sum NaN, as the softmax does.
      const float corr = next == -INFINITY ? 1.f : expf(m - next);
      const float p = next == -INFINITY ? (isnan(score) ? NAN : 0.f) : expf(score - next);
      float tile_sum = p;
      for (int o = 16; o > 0; o /= 2) tile_sum += __shfl_xor_sync(0xffffffffu, tile_sum, o);
      l = l * corr + tile_sum;
      m = next;
#pragma unroll
      for (int c = 0; c < kDvRegs; ++c) acc[c] *= corr;
      const int keys = static_cast<int>(g.t - t0 < 32 ? g.t - t0 : 32);
      for (int kk = 0; kk < keys; ++kk) {
        const float pk = __shfl_sync(0xffffffffu, p, kk);
        const T* vr = vb + (t0 + kk) * g.row_stride[AttentionGeometry::kV] + j0;
#pragma unroll
        for (int c = 0; c < kDvRegs; ++c) {
          const int64_t j = lane + 32 * c;
          if (j0 + j < g.dv) acc[c] += pk * ToFloat(vr[j]);
        }
      }
    }
    // l is 0 only where every score was -inf: 0 / 0, NaN, as the softmax gives; a NaN score
    // makes l NaN. nanToZero: such rows give 0, as where(isnan(p), 0, p) does. No keys at all:
    // 0, as the unfused product over an empty dim.
    const bool zero = (nan_to_zero && !(l > 0.f)) || g.t == 0;
#pragma unroll
    for (int c = 0; c < kDvRegs; ++c) {
      const int64_t j = j0 + lane + 32 * c;
      if (j < g.dv) out[j] = FromFloat<T>(zero ? 0.f : acc[c] / l);
    }
  }
}

template <typename T>
__global__ void AttentionRows(const T* q, const T* k, const T* v, const T* mask, T* y, AttentionGeometry g, float scale,
                              bool nan_to_zero) {
  extern __shared__ float q_shared[];  // kWarps rows of d floats
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t si = static_cast<int64_t>(blockIdx.x) * kWarps + warp;
  if (si >= g.s) return;  // warp-uniform: no lane of this warp takes part in anything below
  float* qs = q_shared + warp * g.d;
  // The batch entries beyond the grid's y extent (65535) in strides of it.
  for (int64_t b = blockIdx.y; b < g.batch; b += gridDim.y) {
    __syncwarp();
    const T* qr = q + g.QOffset(b) + si * g.row_stride[AttentionGeometry::kQ];
    for (int64_t di = lane; di < g.d; di += 32) qs[di] = ToFloat(qr[di]);
    __syncwarp();
    AttendRow(qs, k, v, mask, y, g, scale, nan_to_zero, b, si, lane);
  }
}

class AttentionLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void Analyze() override {
    std::vector<Shape> shapes;
    for (const TensorDesc& t : in_) shapes.push_back(t.shape);
    const std::string why = ReadAttentionLayer(params(), shapes, &p_);
    if (!why.empty()) Bad(ErrorCode::kNative, why);
  }
  // `flash` and `tiled` where they apply (fp16/bf16 on sm_80+, head sizes up to 128, tiled's
  // of 16s; their tiles fit the device's shared memory: tiled's 113 KB at head sizes of 128 is
  // more than sm_86/89's 99 KB); `rows` everywhere.
  std::vector<std::string> Tactics() const override {
    const cudaDeviceProp& dev = backend_->properties();
    std::vector<std::string> tactics;
    if (dev.major >= 8 && FlashApplies(p_.g, in_[0].dtype) && FlashBytes() <= dev.sharedMemPerBlockOptin) {
      tactics.push_back("flash");
    }
    if (dev.major >= 8 && TiledApplies(p_.g, in_[0].dtype) && TiledBytes() <= dev.sharedMemPerBlockOptin) {
      tactics.push_back("tiled");
    }
    tactics.push_back("rows");
    return tactics;
  }
  // HYBRIDRT_ATTENTION_TACTIC where this layer has it, else the fastest on zeros of the
  // layer's shapes (each kernel's time does not depend on the values).
  std::string Choose() override {
    const std::vector<std::string> tactics = Tactics();
    for (const std::string& t : tactics) {
      if (t == switches_.attention_tactic) return t;
    }
    return tactics.size() == 1 ? tactics[0] : Timed(tactics);
  }
  std::string Untimed() override { return Tactics()[0]; }
  // Plans of earlier builds name the one kernel there was `default`: the `rows` kernel.
  std::string Accept(const std::string& requested) override {
    return CudaKernel::Accept(requested == "default" ? "rows" : requested);
  }
  void PrepareKernel() override { shared_ = Configure(tactic()); }

 public:
  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    const void* mask = p_.g.has_mask ? args.inputs[3] : nullptr;
    Launch(tactic(), shared_, args.inputs[0], args.inputs[1], args.inputs[2], mask, args.outputs[0], S(stream));
    CheckLaunch("attention kernel launch");
  }

 private:
  size_t FlashBytes() const {
    return static_cast<size_t>(FlashLayout(FlashHead(p_.g.d, p_.g.dv), p_.g.trans_k).elems) * DTypeSize(in_[0].dtype);
  }
  size_t TiledBytes() const {
    return TiledLayout(static_cast<int>(p_.g.d), static_cast<int>(p_.g.dv), static_cast<int>(DTypeSize(in_[0].dtype)))
        .bytes;
  }

  // The dynamic shared memory a tactic's kernel takes, allowed on its function.
  size_t Configure(const std::string& tactic) const {
    size_t bytes = static_cast<size_t>(p_.g.d) * kWarps * sizeof(float);
    if (tactic == "flash") bytes = FlashBytes();
    else if (tactic == "tiled") bytes = TiledBytes();
    else if (bytes > 48 * 1024) {
      Bad(ErrorCode::kNative, Cat("a head size of ", p_.g.d, " is more than the kernel keeps in shared memory"));
    }
    if (tactic == "rows") return bytes;
    const int head = FlashHead(p_.g.d, p_.g.dv);
    DispatchFloat(in_[0].dtype, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (!std::is_same_v<T, float>) {  // FlashApplies, TiledApplies: fp16 and bf16 only
        auto allow = [&](const void* kernel) { AllowShared(kernel, bytes); };
        if (tactic == "tiled") allow(reinterpret_cast<const void*>(AttentionTiled<T>));
        else if (head == 32) allow(reinterpret_cast<const void*>(AttentionFlash<T, 32>));
        else if (head == 64) allow(reinterpret_cast<const void*>(AttentionFlash<T, 64>));
        else allow(reinterpret_cast<const void*>(AttentionFlash<T, 128>));
      }
    });
    return bytes;
  }

  void Launch(const std::string& tactic, size_t shared, const void* q_raw, const void* k_raw, const void* v_raw,
              const void* mask_raw, void* y_raw, cudaStream_t stream) const {
    if (p_.g.batch == 0 || p_.g.s == 0 || p_.g.dv == 0) return;
    const int rows = tactic == "flash" ? kFlashRows : tactic == "tiled" ? kTq : kWarps;
    const dim3 grid(static_cast<unsigned>((p_.g.s + rows - 1) / rows),
                    static_cast<unsigned>(std::min<int64_t>(p_.g.batch, 65535)));
    const AttentionGeometry& g = p_.g;
    DispatchFloat(in_[0].dtype, [&](auto tag) {
      using T = decltype(tag);
      const T* q = static_cast<const T*>(q_raw);
      const T* k = static_cast<const T*>(k_raw);
      const T* v = static_cast<const T*>(v_raw);
      const T* mask = static_cast<const T*>(mask_raw);
      T* y = static_cast<T*>(y_raw);
      const float sc = p_.scale;
      const bool nz = p_.nan_to_zero;
      if constexpr (!std::is_same_v<T, float>) {
        if (tactic == "flash") {
          const int head = FlashHead(g.d, g.dv);
          const int threads = 32 * kFlashWarps;
          if (head == 32) AttentionFlash<T, 32><<<grid, threads, shared, stream>>>(q, k, v, mask, y, g, sc, nz);
          else if (head == 64) AttentionFlash<T, 64><<<grid, threads, shared, stream>>>(q, k, v, mask, y, g, sc, nz);
          else AttentionFlash<T, 128><<<grid, threads, shared, stream>>>(q, k, v, mask, y, g, sc, nz);
          return;
        }
        if (tactic == "tiled") {
          AttentionTiled<T><<<grid, 32 * kTiledWarps, shared, stream>>>(q, k, v, mask, y, g, sc, nz);
          return;
        }
      }
      AttentionRows<T><<<grid, kWarps * 32, shared, stream>>>(q, k, v, mask, y, g, sc, nz);
    });
  }

  // Times each tactic on zeroed buffers of the layer's shapes on the build stream.
  std::string Timed(const std::vector<std::string>& tactics) {
    cudaStream_t s = backend_->build_stream();
    std::vector<void*> buffers;
    struct FreeOnExit {
      std::vector<void*>* p;
      ~FreeOnExit() {
        for (void* b : *p) cudaFree(b);
      }
    } free_buffers{&buffers};
    auto buffer = [&](size_t bytes) {
      void* b = nullptr;
      Check(cudaMalloc(&b, bytes + 256), "cudaMalloc (tactic timing)");
      buffers.push_back(b);
      Check(cudaMemsetAsync(b, 0, bytes + 256, s), "cudaMemsetAsync (tactic timing)");
      return b;
    };
    const void* in[4] = {nullptr, nullptr, nullptr, nullptr};
    for (size_t i = 0; i < in_.size() && i < 4; ++i) in[i] = buffer(in_[i].bytes);
    void* y = buffer(out_[0].bytes);
    TacticTimer timer(s);
    std::string chosen, log;
    float best = INFINITY;
    for (const std::string& t : tactics) {
      const size_t shared = Configure(t);
      const float ms = timer.Time([&] {
        Launch(t, shared, in[0], in[1], in[2], p_.g.has_mask ? in[3] : nullptr, y, s);
        return cudaGetLastError() == cudaSuccess;
      });
      if (ms < best) best = ms, chosen = t;
      log += Cat("  ", t, " ", ms, " ms\n");
    }
    if (switches_.log) std::fprintf(stderr, "hybridrt: tactics of %s:\n%s", layer_->name.c_str(), log.c_str());
    if (chosen.empty()) return "rows";
    tactic_ms_ = best;
    return chosen;
  }

  AttentionLayerParams p_;
  size_t shared_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> MakeAttention(CudaBackend* b) { return std::make_unique<AttentionLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
