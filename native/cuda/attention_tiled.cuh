// The attention layer's `tiled` kernel (attention.cu): tensor-core products over shared-memory
// tiles, for fp16 and bf16 with head sizes d and dv multiples of 16, at most 128.
//
// A block of kTiledWarps warps owns kTq = 16 * kTiledWarps query rows of one batch entry (rows
// past S are zeros and never written). For each tile of kTk keys it stages k (as [key][dim],
// from either layout) and v ([key][dim]) in shared memory, then each warp, on its own 16 rows:
//   1. s = q k^T with WMMA 16x16x16 fragments (fp32 accumulators), stored to shared memory;
//   2. the online softmax, 2 lanes a row (each 32 of the tile's keys): scale, mask, the tile's
//      max, the correction exp(m - m') of what came before, p = exp(s - m') rounded to T for the
//      next product (its sum is kept unrounded, in fp32), the output row scaled by the correction;
//   3. o += p v with WMMA, o loaded from and stored to shared memory in fp32.
// The last tile done, each row is divided by its sum. -inf and NaN follow the `rows` kernel:
// -inf scores weigh 0, a row of nothing but -inf gives 0/0 = NaN (0 with nanToZero), a NaN
// score makes the row's sum NaN; no keys give 0.
#pragma once

#include <mma.h>

#include "cuda/device_common.cuh"
#include "layers/attention.h"

namespace hybridrt {
namespace cuda {

constexpr int kTiledWarps = 4;
constexpr int kTq = 16 * kTiledWarps;  // query rows per block
constexpr int kTk = 64;                // keys per tile
constexpr int kTiledMaxHead = 128;

// The shared-memory layout of one block: element offsets (in T or float) and the leading
// dimensions, padded so that rows start on distinct banks and fragments stay 32-byte aligned.
struct TiledLayout {
  int ldq, ldk, ldv, ldp, lds, ldo;
  size_t q, k, v, p;  // byte offsets of the T tiles
  size_t s, o, m, l;  // byte offsets of the float tiles and the rows' max and sum
  size_t bytes;
  HYBRIDRT_HD TiledLayout(int d, int dv, int elem) {
    ldq = d + 8, ldk = d + 8, ldv = dv + 8, ldp = kTk + 8, lds = kTk + 4, ldo = dv + 4;
    q = 0;
    k = q + static_cast<size_t>(kTq) * ldq * elem;
    v = k + static_cast<size_t>(kTk) * ldk * elem;
    p = v + static_cast<size_t>(kTk) * ldv * elem;
    s = p + static_cast<size_t>(kTq) * ldp * elem;
    o = s + static_cast<size_t>(kTq) * lds * sizeof(float);
    m = o + static_cast<size_t>(kTq) * ldo * sizeof(float);
    l = m + kTq * sizeof(float);
    bytes = l + kTq * sizeof(float);
  }
};

inline bool TiledApplies(const AttentionGeometry& g, DType t) {
  return (t == DType::kFloat16 || t == DType::kBFloat16) && g.d % 16 == 0 && g.dv % 16 == 0 && g.d > 0 && g.dv > 0 &&
         g.d <= kTiledMaxHead && g.dv <= kTiledMaxHead;
}

template <typename T>
__global__ void __launch_bounds__(32 * kTiledWarps)
    AttentionTiled(const T* q, const T* k, const T* v, const T* mask, T* y, AttentionGeometry g, float scale,
                   bool nan_to_zero) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  namespace wmma = nvcuda::wmma;
  extern __shared__ __align__(128) unsigned char smem[];
  const int d = static_cast<int>(g.d), dv = static_cast<int>(g.dv);
  const TiledLayout L(d, dv, sizeof(T));
  T* qs = reinterpret_cast<T*>(smem + L.q);
  T* ks = reinterpret_cast<T*>(smem + L.k);
  T* vs = reinterpret_cast<T*>(smem + L.v);
  T* ps = reinterpret_cast<T*>(smem + L.p);
  float* ss = reinterpret_cast<float*>(smem + L.s);
  float* os = reinterpret_cast<float*>(smem + L.o);
  float* row_m = reinterpret_cast<float*>(smem + L.m);
  float* row_l = reinterpret_cast<float*>(smem + L.l);
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32, threads = blockDim.x;
  const int64_t s0 = static_cast<int64_t>(blockIdx.x) * kTq;
  const T zero = FromFloat<T>(0.f);
  // This lane's row of the softmax step and its half of the tile's keys (and of the output row).
  const int r = warp * 16 + lane / 2, half = lane % 2;
  const int64_t si = s0 + r;

  for (int64_t b = blockIdx.y; b < g.batch; b += gridDim.y) {
    __syncthreads();  // the previous batch entry's readers are done with shared memory
    const T* qb = q + g.QOffset(b);
    for (int i = tid; i < kTq * d; i += threads) {
      const int rr = i / d, c = i % d;
      qs[rr * L.ldq + c] = s0 + rr < g.s ? qb[(s0 + rr) * g.row_stride[AttentionGeometry::kQ] + c] : zero;
    }
    for (int i = tid; i < kTq * dv; i += threads) os[(i / dv) * L.ldo + i % dv] = 0.f;
    for (int i = tid; i < kTq; i += threads) row_m[i] = -INFINITY, row_l[i] = 0.f;
    const T* kb = k + g.KOffset(b);
    const T* vb = v + g.VOffset(b);
    const T* mr = mask && si < g.s ? mask + g.MaskOffset(b) + si * g.mask_s_stride : nullptr;

    for (int64_t t0 = 0; t0 < g.t; t0 += kTk) {
      __syncthreads();  // the previous tile's readers of k, v (and the first tile: of q) are done
      if (g.trans_k) {  // k [T, D]: along d is contiguous
        for (int i = tid; i < kTk * d; i += threads) {
          const int rr = i / d, c = i % d;
          ks[rr * L.ldk + c] = t0 + rr < g.t ? kb[(t0 + rr) * g.row_stride[AttentionGeometry::kK] + c] : zero;
        }
      } else {  // k [D, T]: along the keys is contiguous
        for (int i = tid; i < kTk * d; i += threads) {
          const int rr = i % kTk, c = i / kTk;
          ks[rr * L.ldk + c] = t0 + rr < g.t ? kb[c * g.row_stride[AttentionGeometry::kK] + t0 + rr] : zero;
        }
      }
      for (int i = tid; i < kTk * dv; i += threads) {
        const int rr = i / dv, c = i % dv;
        vs[rr * L.ldv + c] = t0 + rr < g.t ? vb[(t0 + rr) * g.row_stride[AttentionGeometry::kV] + c] : zero;
      }
      __syncthreads();

      // 1. This warp's scores: [16, kTk] = q rows [16, d] . k tile^T [d, kTk].
      {
        wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[kTk / 16];
#pragma unroll
        for (int n = 0; n < kTk / 16; ++n) wmma::fill_fragment(acc[n], 0.f);
        for (int kk = 0; kk < d; kk += 16) {
          wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> a;
          wmma::load_matrix_sync(a, qs + warp * 16 * L.ldq + kk, L.ldq);
#pragma unroll
          for (int n = 0; n < kTk / 16; ++n) {
            wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::col_major> bk;
            wmma::load_matrix_sync(bk, ks + n * 16 * L.ldk + kk, L.ldk);
            wmma::mma_sync(acc[n], a, bk, acc[n]);
          }
        }
#pragma unroll
        for (int n = 0; n < kTk / 16; ++n) {
          wmma::store_matrix_sync(ss + warp * 16 * L.lds + n * 16, acc[n], L.lds, wmma::mem_row_major);
        }
      }
      __syncwarp();

      // 2. The online softmax of row r over this lane's 32 keys; the pair of lanes combine.
      {
        float* srow = ss + r * L.lds;
        float tile_max = -INFINITY;
        for (int c = half * 32; c < half * 32 + 32; ++c) {
          const int64_t ti = t0 + c;
          float x = -INFINITY;
          if (ti < g.t && si < g.s) {
            x = srow[c] * scale;
            if (mr) x += ToFloat(mr[ti * g.mask_t_stride]);
          }
          srow[c] = x;
          tile_max = fmaxf(tile_max, x);
        }
        tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
        const float m = row_m[r];
        const float next = fmaxf(m, tile_max);
        const float corr = next == -INFINITY ? 1.f : expf(m - next);
        float sum = 0.f;
        for (int c = half * 32; c < half * 32 + 32; ++c) {
          const float x = srow[c];
          const float p = next == -INFINITY ? (isnan(x) ? NAN : 0.f) : expf(x - next);
          sum += p;
          ps[r * L.ldp + c] = FromFloat<T>(p);
        }
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        float* orow = os + r * L.ldo;
        for (int c = half * (dv / 2); c < (half + 1) * (dv / 2); ++c) orow[c] *= corr;
        __syncwarp();  // both lanes of the pair have read row_m[r]
        if (half == 0) row_m[r] = next, row_l[r] = row_l[r] * corr + sum;
      }
      __syncwarp();

      // 3. o rows [16, dv] += p [16, kTk] . v tile [kTk, dv].
      for (int n = 0; n < dv; n += 16) {
        wmma::fragment<wmma::accumulator, 16, 16, 16, float> o;
        wmma::load_matrix_sync(o, os + warp * 16 * L.ldo + n, L.ldo, wmma::mem_row_major);
#pragma unroll
        for (int kk = 0; kk < kTk; kk += 16) {
          wmma::fragment<wmma::matrix_a, 16, 16, 16, T, wmma::row_major> a;
          wmma::fragment<wmma::matrix_b, 16, 16, 16, T, wmma::row_major> bv;
          wmma::load_matrix_sync(a, ps + warp * 16 * L.ldp + kk, L.ldp);
          wmma::load_matrix_sync(bv, vs + kk * L.ldv + n, L.ldv);
          wmma::mma_sync(o, a, bv, o);
        }
        wmma::store_matrix_sync(os + warp * 16 * L.ldo + n, o, L.ldo, wmma::mem_row_major);
      }
      __syncwarp();
    }

    // This warp's rows, divided by their sums (with no keys, initialised by other warps).
    __syncthreads();
    T* yb = y + g.OutOffset(b);
    for (int i = lane; i < 16 * dv; i += 32) {
      const int rr = warp * 16 + i / dv, c = i % dv;
      if (s0 + rr >= g.s) continue;
      const float l = row_l[rr];
      const bool to_zero = (nan_to_zero && !(l > 0.f)) || g.t == 0;
      yb[(s0 + rr) * g.row_stride[AttentionGeometry::kOut] + c] = FromFloat<T>(to_zero ? 0.f : os[rr * L.ldo + c] / l);
    }
  }
#else
  __trap();  // TiledApplies is checked against the device's architecture (sm_80+) first
#endif
}

}  // namespace cuda
}  // namespace hybridrt
