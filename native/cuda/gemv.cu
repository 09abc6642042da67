// One-row matrix products (matmul tactic `gemv`, matmul_cublaslt.cc): a decoder's token at
// batch 1 reads every weight once for one row of activations (GPT-2 small's one-token decode:
// 49 products over 250 MB of fp16 weights), where cuBLASLt's GEMM tiles of 8 or more rows run
// mostly empty. y[j] = act(alpha * (x . w[j]) + beta * c[j * c_step] + z[j]) with w as N rows
// of K (K contiguous: a transposed-B product, or the matmul kernel's transposed copy of a
// constant b). A warp per output: each lane reads 16 bytes of the row (and of x) at a time,
// sums in fp32, and the warp adds its lanes by shuffles; one rounding to the output type at
// the end. Rows not 16-byte aligned (K not a multiple of 16 bytes, or unaligned pointers) are
// read an element a lane at a time.
#include "cuda/device_common.cuh"
#include "cuda/kernels.h"

namespace hybridrt {
namespace cuda {

namespace {

constexpr int kGemvWarps = 8;  // outputs per block

template <typename T, bool kVector>
__global__ void GemvRows(const T* __restrict__ x, const T* __restrict__ w, const T* __restrict__ c,
                         const T* __restrict__ z, T* __restrict__ y, int64_t k, int64_t n, float alpha, float beta,
                         int64_t c_step, Act act) {
  const int lane = threadIdx.x & 31;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kGemvWarps + (threadIdx.x >> 5);
  if (row >= n) return;
  const T* wr = w + row * k;
  float acc = 0.f;
  if constexpr (kVector) {
    constexpr int V = 16 / sizeof(T);
    const int64_t kv = k / V;
    const uint4* w4 = reinterpret_cast<const uint4*>(wr);
    const uint4* x4 = reinterpret_cast<const uint4*>(x);
#pragma unroll 4
    for (int64_t i = lane; i < kv; i += 32) {
      const uint4 wv = __ldcs(w4 + i);  // read once: streamed past the caches
      const uint4 xv = __ldg(x4 + i);   // read by every warp: kept
      const T* wt = reinterpret_cast<const T*>(&wv);
      const T* xt = reinterpret_cast<const T*>(&xv);
#pragma unroll
      for (int j = 0; j < V; ++j) acc = fmaf(ToFloat(wt[j]), ToFloat(xt[j]), acc);
    }
  } else {
    for (int64_t i = lane; i < k; i += 32) acc = fmaf(ToFloat(wr[i]), ToFloat(x[i]), acc);
  }
#pragma unroll
  for (int o = 16; o; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
  if (lane) return;
  float v = alpha * acc;
  if (c) v += beta * ToFloat(c[row * c_step]);
  if (z) v += ToFloat(z[row]);
  y[row] = FromFloat<T>(Activate(act, v));
}

}  // namespace

cudaError_t LaunchGemv(DType t, const GemvArgs& g, cudaStream_t stream) {
  if (g.n <= 0) return cudaSuccess;
  const int64_t blocks = (g.n + kGemvWarps - 1) / kGemvWarps;
  if (blocks > INT32_MAX) return cudaErrorInvalidConfiguration;
  DispatchFloat(t, [&](auto tag) {
    using T = decltype(tag);
    const bool vector = g.k % (16 / sizeof(T)) == 0 && Aligned16(g.x) && Aligned16(g.w);
    auto* x = static_cast<const T*>(g.x);
    auto* w = static_cast<const T*>(g.w);
    auto* c = static_cast<const T*>(g.c);
    auto* z = static_cast<const T*>(g.z);
    auto* y = static_cast<T*>(g.y);
    const dim3 grid(static_cast<unsigned>(blocks)), block(32 * kGemvWarps);
    if (vector) {
      GemvRows<T, true><<<grid, block, 0, stream>>>(x, w, c, z, y, g.k, g.n, g.alpha, g.beta, g.c_step, g.act);
    } else {
      GemvRows<T, false><<<grid, block, 0, stream>>>(x, w, c, z, y, g.k, g.n, g.alpha, g.beta, g.c_step, g.act);
    }
  });
  return cudaGetLastError();
}

}  // namespace cuda
}  // namespace hybridrt
