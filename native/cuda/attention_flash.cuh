// The attention layer's `flash` kernel (attention.cu): FlashAttention-2's forward pass on
// tensor cores (mma.sync m16n8k16, fp32 accumulators), for fp16 and bf16 with head sizes d
// and dv up to 128 (padded with zeros to kD = 32, 64 or 128, the template's head size).
//
// A block of kFlashWarps warps owns kFlashRows = 16 * kFlashWarps query rows of one batch
// entry; each warp keeps its 16 rows' q fragments, scores, probabilities and output in
// registers, so that nothing but the k and v tiles goes through shared memory. Per tile of
// kFlashKeys keys:
//   1. v's tile is fetched (cp.async) while s = q k^T is multiplied from k's tile;
//   2. the online softmax in registers: a thread holds two rows (gid and gid + 8 of its warp's
//      16) and two keys of each group of 8; the rows' max is reduced over the 4 lanes that
//      share them; the output is scaled by exp(m - m'), p = exp(s - m') rounded to T becomes
//      the A fragment of the next product directly (the accumulator layout of m16n8 is the A
//      layout of m16k16), its sum is kept unrounded per thread and reduced at the end;
//   3. the next k tile is fetched while o += p v is multiplied.
// Where a row of 8 elements is whole and 16-byte aligned in global memory it is copied
// asynchronously, else element by element with zeros past the end, so that any head size,
// layout and offset works. -inf and NaN follow the `rows` kernel: -inf scores weigh 0, a row
// of nothing but -inf gives 0/0 = NaN (0 with nanToZero), a NaN score makes the row NaN; no
// keys give 0.
#pragma once

#include <cstdint>
#include <type_traits>

#include "cuda/device_common.cuh"
#include "cuda/mma_ptx.cuh"
#include "layers/attention.h"

namespace hybridrt {
namespace cuda {

constexpr int kFlashWarps = 4;
constexpr int kFlashRows = 16 * kFlashWarps;  // query rows per block
constexpr int kFlashKeys = 64;                // keys per tile
constexpr int kFlashMaxHead = 128;

// The head size the kernel is instantiated for: the larger of d and dv, rounded up to 32, 64
// or 128.
inline int FlashHead(int64_t d, int64_t dv) {
  const int64_t m = d > dv ? d : dv;
  return m <= 32 ? 32 : m <= 64 ? 64 : 128;
}

// Shared memory of one block, in elements of T: q [rows][head], k as [keys][head] (transK) or
// [head][keys] (as k is stored), v [keys][head]; each row padded by 8 elements (16 bytes) so
// that the 8 rows an ldmatrix reads fall on distinct banks.
struct FlashLayout {
  int ldq, ldk, ldv;
  int q, k, v, elems;
  HYBRIDRT_HD FlashLayout(int head, bool trans_k) {
    ldq = head + 8, ldv = head + 8, ldk = trans_k ? head + 8 : kFlashKeys + 8;
    q = 0;
    k = kFlashRows * ldq;
    v = k + (trans_k ? kFlashKeys : head) * ldk;
    elems = v + kFlashKeys * ldv;
  }
};

inline bool FlashApplies(const AttentionGeometry& g, DType t) {
  return (t == DType::kFloat16 || t == DType::kBFloat16) && g.d > 0 && g.dv > 0 && g.d <= kFlashMaxHead &&
         g.dv <= kFlashMaxHead;
}

#if defined(__CUDACC__)
namespace flash {

using ptx::Commit;
using ptx::CommitAndWait;
using ptx::LoadMatrices;
using ptx::LoadMatricesTransposed;

// Elements c .. c+7 of a row of n into dst (16-byte aligned shared memory).
template <typename T>
__device__ __forceinline__ void LoadChunk(T* dst, const T* row, int64_t c, int64_t n) {
  const T* src = row + c;
  if (c + 8 <= n && (reinterpret_cast<uintptr_t>(src) & 15) == 0) {
    ptx::Copy16(dst, src);
  } else {
#pragma unroll
    for (int e = 0; e < 8; ++e) dst[e] = c + e < n ? src[e] : FromFloat<T>(0.f);
  }
}

// A tile of `tile_rows` x `tile_cols` (a multiple of 8) from rows row0.. of a [rows, cols]
// matrix with leading dimension src_ld, starting at column col0; zeros outside it.
template <typename T>
__device__ __forceinline__ void LoadTile(T* dst, int ld, const T* src, int64_t src_ld, int64_t row0, int64_t rows,
                                         int64_t col0, int64_t cols, int tile_rows, int tile_cols) {
  const int chunks = tile_cols / 8;
  for (int i = threadIdx.x; i < tile_rows * chunks; i += blockDim.x) {
    const int r = i / chunks, c = (i % chunks) * 8;
    T* to = dst + r * ld + c;
    if (row0 + r < rows) LoadChunk(to, src + (row0 + r) * src_ld, col0 + c, cols);
    else *reinterpret_cast<uint4*>(to) = make_uint4(0, 0, 0, 0);
  }
}

// d += a b for one m16n8k16 tile (a row-major 16x16, b column-major 16x8, d fp32).
template <typename T>
__device__ __forceinline__ void Mma(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  if constexpr (std::is_same_v<T, __half>) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
}

// Two floats rounded to T, the first in the low half (the lower column of a fragment pair).
template <typename T>
__device__ __forceinline__ uint32_t Pack(float lo, float hi) {
  uint32_t r;
  if constexpr (std::is_same_v<T, __half>) {
    const __half2 h = __floats2half2_rn(lo, hi);
    r = *reinterpret_cast<const uint32_t*>(&h);
  } else {
    const __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
    r = *reinterpret_cast<const uint32_t*>(&h);
  }
  return r;
}

}  // namespace flash

template <typename T, int kD>
__global__ void __launch_bounds__(32 * kFlashWarps)
    AttentionFlash(const T* q, const T* k, const T* v, const T* mask, T* y, AttentionGeometry g, float scale,
                   bool nan_to_zero) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  using namespace flash;
  constexpr float kLog2e = 1.4426950408889634f;
  constexpr int kNs = kFlashKeys / 8;  // score tiles (m16n8) per row group
  constexpr int kNo = kD / 8;          // output tiles
  extern __shared__ __align__(128) unsigned char smem_raw[];
  T* smem = reinterpret_cast<T*>(smem_raw);
  const FlashLayout L(kD, g.trans_k);
  T* qs = smem + L.q;
  T* ks = smem + L.k;
  T* vs = smem + L.v;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, gid = lane / 4, tig = lane % 4;
  // ldmatrix addressing: lane l names row l % 8 (+8 for matrices 1 and 3, or 2 and 3) of its matrix.
  const int lrow = lane % 8 + ((lane / 8) % 2) * 8, lcol = (lane / 16) * 8;
  const int lrow_k = lane % 8 + (lane / 16) * 8, lcol_k = ((lane / 8) % 2) * 8;  // k as [keys][head]
  const int64_t s0 = static_cast<int64_t>(blockIdx.x) * kFlashRows;
  const int64_t rows[2] = {s0 + warp * 16 + gid, s0 + warp * 16 + gid + 8};
  const int64_t tiles = (g.t + kFlashKeys - 1) / kFlashKeys;

  for (int64_t b = blockIdx.y; b < g.batch; b += gridDim.y) {
    const T* qb = q + g.QOffset(b);
    const T* kb = k + g.KOffset(b);
    const T* vb = v + g.VOffset(b);
    const T* mr[2];
#pragma unroll
    for (int r = 0; r < 2; ++r)
      mr[r] = mask && rows[r] < g.s ? mask + g.MaskOffset(b) + rows[r] * g.mask_s_stride : nullptr;
    auto load_k = [&](int64_t t0) {
      if (g.trans_k) LoadTile(ks, L.ldk, kb, g.row_stride[AttentionGeometry::kK], t0, g.t, 0, g.d, kFlashKeys, kD);
      else LoadTile(ks, L.ldk, kb, g.row_stride[AttentionGeometry::kK], 0, g.d, t0, g.t, kD, kFlashKeys);
    };

    __syncthreads();  // the previous batch entry's readers of shared memory are done
    LoadTile(qs, L.ldq, qb, g.row_stride[AttentionGeometry::kQ], s0, g.s, 0, g.d, kFlashRows, kD);
    if (tiles > 0) load_k(0);
    CommitAndWait();
    __syncthreads();
    uint32_t qf[kD / 16][4];
#pragma unroll
    for (int kk = 0; kk < kD / 16; ++kk) LoadMatrices(qf[kk], qs + (warp * 16 + lrow) * L.ldq + kk * 16 + lcol);

    float o[kNo][4];
#pragma unroll
    for (int n = 0; n < kNo; ++n) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.f;
    float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.f, 0.f};

    for (int64_t j = 0; j < tiles; ++j) {
      const int64_t t0 = j * kFlashKeys;
      LoadTile(vs, L.ldv, vb, g.row_stride[AttentionGeometry::kV], t0, g.t, 0, g.dv, kFlashKeys, kD);
      Commit();

      // 1. s [16, keys] = q [16, kD] . k^T.
      float sc[kNs][4];
#pragma unroll
      for (int n = 0; n < kNs; ++n) sc[n][0] = sc[n][1] = sc[n][2] = sc[n][3] = 0.f;
#pragma unroll
      for (int kk = 0; kk < kD / 16; ++kk) {
#pragma unroll
        for (int n2 = 0; n2 < kNs / 2; ++n2) {
          uint32_t bf[4];
          if (g.trans_k) LoadMatrices(bf, ks + (n2 * 16 + lrow_k) * L.ldk + kk * 16 + lcol_k);
          else LoadMatricesTransposed(bf, ks + (kk * 16 + lrow) * L.ldk + n2 * 16 + lcol);
          Mma<T>(sc[2 * n2], qf[kk], bf[0], bf[1]);
          Mma<T>(sc[2 * n2 + 1], qf[kk], bf[2], bf[3]);
        }
      }

      // 2. Scale, mask, keys past T; the rows' max over the 4 lanes that hold them.
      float tile_max[2] = {-INFINITY, -INFINITY};
#pragma unroll
      for (int n = 0; n < kNs; ++n) {
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int r = e / 2;
          const int64_t ti = t0 + n * 8 + tig * 2 + e % 2;
          float x = -INFINITY;
          if (ti < g.t) {
            x = sc[n][e] * scale;
            if (mr[r]) x += ToFloat(mr[r][ti * g.mask_t_stride]);
          }
          sc[n][e] = x;
          tile_max[r] = fmaxf(tile_max[r], x);
        }
      }
      float corr[2];
#pragma unroll
      for (int r = 0; r < 2; ++r) {
        tile_max[r] = fmaxf(tile_max[r], __shfl_xor_sync(0xffffffffu, tile_max[r], 1));
        tile_max[r] = fmaxf(tile_max[r], __shfl_xor_sync(0xffffffffu, tile_max[r], 2));
        const float next = fmaxf(m[r], tile_max[r]);
        corr[r] = next == -INFINITY ? 1.f : exp2f((m[r] - next) * kLog2e);
        m[r] = next;
      }
      uint32_t pf[kFlashKeys / 16][4];
      float sum[2] = {0.f, 0.f};
#pragma unroll
      for (int n = 0; n < kNs; ++n) {
        float p[4];
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int r = e / 2;
          const float x = sc[n][e];
          p[e] = m[r] == -INFINITY ? (isnan(x) ? NAN : 0.f) : exp2f((x - m[r]) * kLog2e);
          sum[r] += p[e];
        }
        pf[n / 2][(n % 2) * 2] = Pack<T>(p[0], p[1]);
        pf[n / 2][(n % 2) * 2 + 1] = Pack<T>(p[2], p[3]);
      }
#pragma unroll
      for (int r = 0; r < 2; ++r) l[r] = l[r] * corr[r] + sum[r];
#pragma unroll
      for (int n = 0; n < kNo; ++n) o[n][0] *= corr[0], o[n][1] *= corr[0], o[n][2] *= corr[1], o[n][3] *= corr[1];

      CommitAndWait();  // v's tile is here
      __syncthreads();  // and every warp is done with k's
      if (j + 1 < tiles) {
        load_k(t0 + kFlashKeys);
        Commit();
      }

      // 3. o [16, kD] += p [16, keys] . v [keys, kD].
#pragma unroll
      for (int kk = 0; kk < kFlashKeys / 16; ++kk) {
#pragma unroll
        for (int n2 = 0; n2 < kNo / 2; ++n2) {
          uint32_t bf[4];
          LoadMatricesTransposed(bf, vs + (kk * 16 + lrow) * L.ldv + n2 * 16 + lcol);
          Mma<T>(o[2 * n2], pf[kk], bf[0], bf[1]);
          Mma<T>(o[2 * n2 + 1], pf[kk], bf[2], bf[3]);
        }
      }
      CommitAndWait();  // the next k tile is here
      __syncthreads();  // and every warp is done with v's
    }

    // The rows' sums over their 4 lanes; each row divided by its sum.
    T* yb = y + g.OutOffset(b);
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      l[r] += __shfl_xor_sync(0xffffffffu, l[r], 1);
      l[r] += __shfl_xor_sync(0xffffffffu, l[r], 2);
      if (rows[r] >= g.s) continue;
      const bool to_zero = (nan_to_zero && !(l[r] > 0.f)) || g.t == 0;
      T* out = yb + rows[r] * g.row_stride[AttentionGeometry::kOut];
#pragma unroll
      for (int n = 0; n < kNo; ++n) {
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int c = n * 8 + tig * 2 + e;
          if (c < g.dv) out[c] = FromFloat<T>(to_zero ? 0.f : o[n][r * 2 + e] / l[r]);
        }
      }
    }
  }
#else
  __trap();  // FlashApplies is checked against the device's architecture (sm_80+) first
#endif
}
#endif  // __CUDACC__

}  // namespace cuda
}  // namespace hybridrt
