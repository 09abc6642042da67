// NonMaxSuppression (ONNX NonMaxSuppression, nms.h): one block per (batch, class) selects greedily
// (each step: the best candidate left by score, then lower index, is kept and every candidate it
// overlaps too much is dropped, which keeps what checking each candidate against the boxes kept
// before it keeps), at most maxOutputBoxesPerClass; then one block scans the per-class counts
// and writes the [batch, class, box] rows at the run's count into the output allocated at the
// bound (network.h: DataDependentDim), the count through KernelArgs::count (device memory the
// context copies back after the run). Candidates, kept boxes and counts live in the workspace.
// NOTE: run on an H100 at 163ac62 (test/engine/nms.test.ts through test/gpu/engine-layers.test.ts;
// docs/cuda.md, "Latest runs").
#include <cub/block/block_scan.cuh>

#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/nms.h"

namespace hybridrt {
namespace cuda {

namespace {

struct NmsArgs {
  int64_t boxes, classes, per_class;
  float iou, score;
  bool has_score, center;
};

__global__ void SelectLines(const float* boxes, const float* scores, NmsArgs a, uint8_t* alive, int64_t* kept,
                            int64_t* kept_counts) {
  __shared__ float best_score[kThreads];
  __shared__ int64_t best_index[kThreads];
  __shared__ int64_t chosen;
  const int64_t line = blockIdx.x;
  const float* s = scores + line * a.boxes;
  const float* b = boxes + (line / a.classes) * a.boxes * 4;
  uint8_t* live = alive + line * a.boxes;
  for (int64_t i = threadIdx.x; i < a.boxes; i += blockDim.x) live[i] = !a.has_score || s[i] > a.score;
  __syncthreads();
  int64_t n = 0;
  for (; n < a.per_class; ++n) {
    float bs = 0;
    int64_t bi = -1;
    for (int64_t i = threadIdx.x; i < a.boxes; i += blockDim.x) {
      if (live[i] && (bi < 0 || NmsBefore(s[i], i, bs, bi))) {
        bs = s[i];
        bi = i;
      }
    }
    best_score[threadIdx.x] = bs;
    best_index[threadIdx.x] = bi;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
      if (threadIdx.x < half) {
        const int64_t j = best_index[threadIdx.x + half];
        const int64_t i = best_index[threadIdx.x];
        if (j >= 0 && (i < 0 || NmsBefore(best_score[threadIdx.x + half], j, best_score[threadIdx.x], i))) {
          best_score[threadIdx.x] = best_score[threadIdx.x + half];
          best_index[threadIdx.x] = j;
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) chosen = best_index[0];
    __syncthreads();
    const int64_t c = chosen;
    if (c < 0) break;
    if (threadIdx.x == 0) {
      kept[line * a.per_class + n] = c;
      live[c] = 0;
    }
    const NmsBox box = NmsCorners(b + 4 * c, a.center);
    for (int64_t i = threadIdx.x; i < a.boxes; i += blockDim.x) {
      if (live[i] && i != c && NmsSuppresses(box, NmsCorners(b + 4 * i, a.center), a.iou)) live[i] = 0;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) kept_counts[line] = n;
}

// One block: the rows of every line at its offset (a running scan of the lines' counts).
__global__ void WriteRows(const int64_t* kept, const int64_t* kept_counts, int64_t lines, int64_t classes,
                          int64_t per_class, int64_t* y, int64_t* count) {
  using Scan = cub::BlockScan<int64_t, kThreads>;
  __shared__ typename Scan::TempStorage tmp;
  __shared__ int64_t carry;
  if (threadIdx.x == 0) carry = 0;
  __syncthreads();
  for (int64_t start = 0; start < lines; start += kThreads) {
    const int64_t line = start + threadIdx.x;
    const int64_t n = line < lines ? kept_counts[line] : 0;
    int64_t at, total;
    Scan(tmp).ExclusiveSum(n, at, total);
    at += carry;
    for (int64_t k = 0; k < n; ++k) {
      y[3 * (at + k)] = line / classes;
      y[3 * (at + k) + 1] = line % classes;
      y[3 * (at + k) + 2] = kept[line * per_class + k];
    }
    __syncthreads();
    if (threadIdx.x == 0) carry += total;
    __syncthreads();
  }
  if (threadIdx.x == 0) *count = carry;
}

class NmsLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    lines_ = in_[0].shape[0] * in_[1].shape[1];
    a_.boxes = in_[0].shape[1];
    a_.classes = in_[1].shape[1];
    const NmsParams p = ReadNms(params());
    a_.per_class = NmsKeptPerClass(p, a_.boxes);
    a_.iou = p.iou;
    a_.has_score = p.has_score;
    a_.score = p.score;
    a_.center = p.center;
  }

 public:
  size_t WorkspaceBytes() const override {
    return static_cast<size_t>(AliveBytes() + lines_ * a_.per_class * 8 + lines_ * 8);
  }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (lines_ == 0 || a_.per_class == 0) return;  // an empty output: the layer is skipped, the count is 0
    auto* base = static_cast<uint8_t*>(args.workspace);
    auto* kept = reinterpret_cast<int64_t*>(base + AliveBytes());
    int64_t* kept_counts = kept + lines_ * a_.per_class;
    SelectLines<<<static_cast<unsigned>(lines_), kThreads, 0, S(stream)>>>(static_cast<const float*>(args.inputs[0]),
                                                                           static_cast<const float*>(args.inputs[1]),
                                                                           a_, base, kept, kept_counts);
    WriteRows<<<1, kThreads, 0, S(stream)>>>(kept, kept_counts, lines_, a_.classes, a_.per_class,
                                             static_cast<int64_t*>(args.outputs[0]), args.count);
    CheckLaunch("nms kernel launch");
  }

 private:
  int64_t AliveBytes() const { return (lines_ * a_.boxes + 7) / 8 * 8; }

  int64_t lines_ = 0;
  NmsArgs a_{};
};

}  // namespace

std::unique_ptr<Kernel> MakeNms(CudaBackend* b) { return std::make_unique<NmsLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
