// The recurrent layer (layers/recurrent.h): every step of one direction of an RNN, GRU or LSTM
// in one launch, where the unrolled form launched about nine kernels a step (lstm's 291
// kernels a run, ~1.7 us each: docs/benchmarks.md, "Recurrent models, unrolled"). One block per
// batch entry walks the steps: its threads first form the step's gate inputs (x[t] + rb + the
// dot product of h with one row of R each, R read from global memory), then, after a barrier,
// update one hidden unit each, sigmoid from formulas.inc and tanhf (the cpu kernel takes its vector
// forms, within a few ulp of these). The state
// lives in the h and c outputs, updated in place once every product of the step has read it;
// the gates (and GRU's r * h or its candidate's product) in the workspace.
#include "cuda/device_common.cuh"
#include "cuda/kernel_base.h"
#include "cuda/kernels.h"
#include "layers/recurrent.h"

namespace hybridrt {
namespace cuda {

namespace {

struct RecurrentArgs {
  const float *x = nullptr, *r = nullptr, *rb = nullptr, *h0 = nullptr, *c0 = nullptr;
  const int32_t* lens = nullptr;
  float *y = nullptr, *h = nullptr, *c = nullptr, *gates = nullptr, *scratch = nullptr;
  int64_t steps = 0, batch = 0, hidden = 0, width = 0;
  int cell = 0;  // RecurrentCell
  bool reverse = false, linear_before_reset = false;
};

__device__ __forceinline__ float Sigmoid(float v) { return HybridrtUnary(kHrSigmoid, v, 0, 0, 0, 0); }

// rb[j] (0 without it) + h . R[j, :]
__device__ __forceinline__ float RowProduct(const RecurrentArgs& a, const float* h, int64_t j) {
  float acc = a.rb ? a.rb[j] : 0.0f;
  const float* row = a.r + j * a.hidden;
  for (int64_t k = 0; k < a.hidden; ++k) acc = fmaf(h[k], row[k], acc);
  return acc;
}

__global__ void RecurrentSequence(RecurrentArgs a) {
  const int64_t b = blockIdx.x, H = a.hidden, W = a.width;
  const bool gru = a.cell == static_cast<int>(RecurrentCell::kGru);
  const bool lstm = a.cell == static_cast<int>(RecurrentCell::kLstm);
  float* h = a.h + b * H;
  float* c = lstm ? a.c + b * H : nullptr;
  float* g = a.gates + b * W;
  float* s = a.scratch + b * H;
  for (int64_t j = threadIdx.x; j < H; j += blockDim.x) {
    h[j] = a.h0 ? a.h0[b * H + j] : 0.0f;
    if (c) c[j] = a.c0 ? a.c0[b * H + j] : 0.0f;
  }
  __syncthreads();
  const int64_t len = a.lens ? a.lens[b] : a.steps;
  for (int64_t k = 0; k < a.steps; ++k) {
    const int64_t t = RecurrentStepOf(a.reverse, a.steps, k);
    const float* xt = a.x + (t * a.batch + b) * W;
    // GRU's candidate: x_h apart and (linearBeforeReset) h R_h^T + rb_h in s; else all gates.
    for (int64_t j = threadIdx.x; j < W; j += blockDim.x) {
      if (gru && j >= 2 * H) {
        g[j] = xt[j];
        if (a.linear_before_reset) s[j - 2 * H] = RowProduct(a, h, j);
      } else {
        g[j] = xt[j] + RowProduct(a, h, j);
      }
    }
    __syncthreads();
    if (gru && !a.linear_before_reset) {
      for (int64_t j = threadIdx.x; j < H; j += blockDim.x) s[j] = Sigmoid(g[H + j]) * h[j];
      __syncthreads();
      for (int64_t j = threadIdx.x; j < H; j += blockDim.x) g[2 * H + j] += RowProduct(a, s, 2 * H + j);
      __syncthreads();
    }
    const bool live = t < len;
    float* yt = a.y + (t * a.batch + b) * H;
    for (int64_t j = threadIdx.x; j < H; j += blockDim.x) {
      if (live) {
        if (lstm) {
          const float i = Sigmoid(g[j]), o = Sigmoid(g[H + j]), f = Sigmoid(g[2 * H + j]);
          const float cn = f * c[j] + i * tanhf(g[3 * H + j]);
          c[j] = cn;
          h[j] = o * tanhf(cn);
        } else if (gru) {
          const float z = Sigmoid(g[j]);
          const float in = a.linear_before_reset ? g[2 * H + j] + Sigmoid(g[H + j]) * s[j] : g[2 * H + j];
          h[j] = (1.0f - z) * tanhf(in) + z * h[j];
        } else {
          h[j] = tanhf(g[j]);
        }
      }
      yt[j] = live ? h[j] : 0.0f;
    }
    __syncthreads();
  }
  // A row of length 0 ends with zero states (recurrent.h).
  if (len <= 0) {
    for (int64_t j = threadIdx.x; j < H; j += blockDim.x) {
      h[j] = 0.0f;
      if (c) c[j] = 0.0f;
    }
  }
}

class RecurrentLayer : public CudaKernel {
 public:
  using CudaKernel::CudaKernel;

 protected:
  void PrepareKernel() override {
    p_ = ReadRecurrentParams(*layer_);
    at_ = RecurrentInputIndices(p_);
    g_ = ReadRecurrentGeometry(p_, in_[at_.x].shape, in_[at_.r].shape);
  }

 public:
  size_t WorkspaceBytes() const override {
    return static_cast<size_t>(g_.batch * (g_.width() + g_.hidden)) * sizeof(float);
  }

  void Enqueue(const KernelArgs& args, Stream& stream) const override {
    if (g_.batch == 0) return;
    auto in = [&](int i) { return i < 0 ? nullptr : static_cast<const float*>(args.inputs[i]); };
    RecurrentArgs a;
    a.x = in(at_.x);
    a.r = in(at_.r);
    a.rb = in(at_.rb);
    a.h0 = in(at_.h0);
    a.c0 = in(at_.c0);
    a.lens = at_.lens < 0 ? nullptr : static_cast<const int32_t*>(args.inputs[at_.lens]);
    a.y = static_cast<float*>(args.outputs[0]);
    a.h = static_cast<float*>(args.outputs[1]);
    a.c = p_.cell == RecurrentCell::kLstm ? static_cast<float*>(args.outputs[2]) : nullptr;
    a.gates = static_cast<float*>(args.workspace);
    a.scratch = a.gates + g_.batch * g_.width();
    a.steps = g_.steps;
    a.batch = g_.batch;
    a.hidden = g_.hidden;
    a.width = g_.width();
    a.cell = static_cast<int>(p_.cell);
    a.reverse = p_.reverse;
    a.linear_before_reset = p_.linear_before_reset;
    RecurrentSequence<<<static_cast<unsigned>(g_.batch), kThreads, 0, S(stream)>>>(a);
    CheckLaunch("recurrent kernel launch");
  }

 private:
  RecurrentParams p_;
  RecurrentInputs at_;
  RecurrentGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeRecurrent(CudaBackend* b) { return std::make_unique<RecurrentLayer>(b); }

}  // namespace cuda
}  // namespace hybridrt
