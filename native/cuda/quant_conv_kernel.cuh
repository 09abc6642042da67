// The int8 convolution's kernel (quant_conv.cu, which says what it computes): the geometry and
// epilogue it is given, the tile kernel, and its launcher by tile shape.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "cuda/device_common.cuh"
#include "cuda/mma_ptx.cuh"
#include "src/ir/activation.h"

namespace hybridrt {
namespace cuda {
namespace qconv {

constexpr int kBk = 64;     // bytes of k per pipeline stage
constexpr int kStages = 3;  // cp.async pipeline depth
constexpr int kChunks = kBk / 16;

struct QConvGeometry {
  int h, w, c;    // input (logical)
  int oh, ow, m;  // output spatial dims and channels
  int kh, kw, sh, sw, ph, pw, dh, dw;
  int k, kp;       // products per output; weights' padded row length
  int64_t rows;    // images * oh * ow
  bool nhwc, vec;  // vec: channels-last with c % 16 == 0
  uint32_t zero4;  // the input's zero point in each byte
};

struct QConvEpilogue {
  const int32_t* corr;  // per channel: zx * sum of the channel's weights
  const float* scale;   // per channel: sx * sw[c]
  const float* bias;    // or null
  const void* z;        // residual, or null: float32, or int8/uint8 (z_type 1/2) dequantized
  int z_type;
  float z_scale;
  int z_zero;
  Act act;
  int out;  // 0: float32, 1: int8, 2: uint8
  float out_scale;
  int out_zero, lo, hi;
};

__device__ __forceinline__ int Swizzle(int row, int chunk) { return row * kBk + ((chunk ^ ((row >> 1) & 3)) << 4); }

// d += a b for one m16n8k32 tile (a: int8 or uint8 by kUnsigned; b: int8).
template <bool kUnsigned>
__device__ __forceinline__ void Mma(int32_t (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  if constexpr (kUnsigned) {
    asm volatile(
        "mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
}

// Where output row m reads its window: the image's first byte and the window's top-left.
struct RowOrigin {
  int64_t base;  // -1: past the last row
  int y0, x0;
};

__device__ __forceinline__ RowOrigin Origin(const QConvGeometry& g, int64_t m) {
  RowOrigin o{-1, 0, 0};
  if (m >= g.rows) return o;
  const int64_t plane = static_cast<int64_t>(g.oh) * g.ow;
  const int64_t img = m / plane;
  const int p = static_cast<int>(m - img * plane);
  const int oy = p / g.ow, ox = p - oy * g.ow;
  o.base = img * g.h * g.w * g.c;
  o.y0 = oy * g.sh - g.ph;
  o.x0 = ox * g.sw - g.pw;
  return o;
}

// Byte k of row o's window (the zero point in the padding; anything past k, whose weights are 0).
__device__ __forceinline__ uint32_t WindowByte(const QConvGeometry& g, const uint8_t* x, const RowOrigin& o, int k) {
  if (o.base < 0 || k >= g.k) return g.zero4 & 0xff;
  int c, tap;
  if (g.nhwc) {
    tap = k / g.c;
    c = k - tap * g.c;
  } else {
    const int taps = g.kh * g.kw;
    c = k / taps;
    tap = k - c * taps;
  }
  const int r = tap / g.kw, s = tap - r * g.kw;
  const int iy = o.y0 + r * g.dh, ix = o.x0 + s * g.dw;
  if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) return g.zero4 & 0xff;
  const int64_t at =
      g.nhwc ? (static_cast<int64_t>(iy) * g.w + ix) * g.c + c : (static_cast<int64_t>(c) * g.h + iy) * g.w + ix;
  return x[o.base + at];
}

// 16 bytes of k [k0, k0 + 16) of row o's window into dst.
__device__ __forceinline__ void LoadWindowChunk(const QConvGeometry& g, const uint8_t* x, const RowOrigin& o, int k0,
                                                uint8_t* dst) {
  if (g.vec) {
    if (o.base >= 0 && k0 < g.k) {
      const int tap = k0 / g.c, c = k0 - tap * g.c;
      const int r = tap / g.kw, s = tap - r * g.kw;
      const int iy = o.y0 + r * g.dh, ix = o.x0 + s * g.dw;
      if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
        ptx::Copy16(dst, x + o.base + (static_cast<int64_t>(iy) * g.w + ix) * g.c + c);
        return;
      }
    }
    *reinterpret_cast<uint4*>(dst) = make_uint4(g.zero4, g.zero4, g.zero4, g.zero4);
    return;
  }
  uint32_t word[4];
#pragma unroll
  for (int q = 0; q < 4; ++q) {
    uint32_t v = 0;
#pragma unroll
    for (int b = 0; b < 4; ++b) v |= WindowByte(g, x, o, k0 + q * 4 + b) << (8 * b);
    word[q] = v;
  }
  *reinterpret_cast<uint4*>(dst) = make_uint4(word[0], word[1], word[2], word[3]);
}

__device__ __forceinline__ void Store(const QConvGeometry& g, const QConvEpilogue& e, void* y, int64_t m, int n,
                                      int32_t acc) {
  if (m >= g.rows || n >= g.m) return;
  int64_t at;
  if (g.nhwc) {
    at = m * g.m + n;
  } else {
    const int64_t plane = static_cast<int64_t>(g.oh) * g.ow;
    const int64_t img = m / plane;
    at = (img * g.m + n) * plane + (m - img * plane);
  }
  float v = __fmul_rn(static_cast<float>(acc - e.corr[n]), e.scale[n]);
  if (e.bias) v = __fadd_rn(v, e.bias[n]);
  if (e.z) {
    float zv;
    if (e.z_type == 0) {
      zv = static_cast<const float*>(e.z)[at];
    } else {  // the dequantize layer's value, float(r - zr) * sr
      const int r = e.z_type == 1 ? static_cast<const int8_t*>(e.z)[at] : static_cast<const uint8_t*>(e.z)[at];
      zv = __fmul_rn(static_cast<float>(r - e.z_zero), e.z_scale);
    }
    v = __fadd_rn(v, zv);
  }
  if (e.act.op == static_cast<int>(UnaryOp::kRelu)) {
    v = v < 0.0f ? 0.0f : v;
  } else if (e.act.op == static_cast<int>(UnaryOp::kClip)) {
    v = v < e.act.lo ? e.act.lo : v;
    v = e.act.hi < v ? e.act.hi : v;
  } else if (e.act.op != kNoActivation) {
    v = Activate(e.act, v);
  }
  if (e.out == 0) {
    static_cast<float*>(y)[at] = v;
    return;
  }
  // QuantizeRounded (quant_form.h) with IEEE steps.
  float t = __fdiv_rn(v, e.out_scale);
  t = t != t ? 0.0f : t < -4e6f ? -4e6f : t > 4e6f ? 4e6f : t;
  t = __fsub_rn(__fadd_rn(t, 12582912.0f), 12582912.0f);
  int q = static_cast<int>(t) + e.out_zero;
  q = q < e.lo ? e.lo : q > e.hi ? e.hi : q;
  static_cast<uint8_t*>(y)[at] = static_cast<uint8_t>(q);
}

// A BM x BN output tile per block; warps of WM x WN each. Split k (gridDim.z > 1): block z sums
// its share of the k tiles and writes the int32 sums to partial[z][row][channel]; SplitEpilogue
// adds the shares (integer sums: the same bits as one block's) and runs the epilogue.
template <int BM, int BN, int WM, int WN, bool kUnsigned>
__global__ void __launch_bounds__((BM / WM) * (BN / WN) * 32)
    QuantConvKernel(const uint8_t* __restrict__ x, const int8_t* __restrict__ w, void* __restrict__ y, QConvGeometry g,
                    QConvEpilogue e, int32_t* __restrict__ partial) {
  constexpr int kWarpsN = BN / WN;
  constexpr int kThreadsPer = (BM / WM) * kWarpsN * 32;
  constexpr int kMt = WM / 16, kNt = WN / 8;
  constexpr int kARows = BM * kChunks / kThreadsPer;  // chunks per thread per stage
  constexpr int kBRows = BN * kChunks / kThreadsPer;
  static_assert(kARows >= 1 && kBRows >= 1 && kNt % 2 == 0, "tile shape");
  extern __shared__ __align__(16) uint8_t smem[];
  uint8_t* sa = smem;
  uint8_t* sb = smem + kStages * BM * kBk;

  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int warp_m = (warp / kWarpsN) * WM, warp_n = (warp % kWarpsN) * WN;
  const int64_t m0 = static_cast<int64_t>(blockIdx.x) * BM;
  const int n0 = blockIdx.y * BN;
  const int chunk = tid % kChunks;

  RowOrigin origin[kARows];
#pragma unroll
  for (int i = 0; i < kARows; ++i) origin[i] = Origin(g, m0 + tid / kChunks + i * (kThreadsPer / kChunks));

  const int all_tiles = g.kp / kBk;
  const int share = (all_tiles + static_cast<int>(gridDim.z) - 1) / static_cast<int>(gridDim.z);
  const int kt0 = static_cast<int>(blockIdx.z) * share;
  const int tiles = max(0, min(all_tiles, kt0 + share) - kt0);
  auto load = [&](int stage, int kt) {
    const int k0 = (kt0 + kt) * kBk + chunk * 16;
#pragma unroll
    for (int i = 0; i < kARows; ++i) {
      const int row = tid / kChunks + i * (kThreadsPer / kChunks);
      LoadWindowChunk(g, x, origin[i], k0, sa + stage * BM * kBk + Swizzle(row, chunk));
    }
#pragma unroll
    for (int i = 0; i < kBRows; ++i) {
      const int row = tid / kChunks + i * (kThreadsPer / kChunks);
      uint8_t* dst = sb + stage * BN * kBk + Swizzle(row, chunk);
      if (n0 + row < g.m) ptx::Copy16(dst, w + static_cast<int64_t>(n0 + row) * g.kp + k0);
      else *reinterpret_cast<uint4*>(dst) = make_uint4(0, 0, 0, 0);
    }
  };

  int32_t acc[kMt][kNt][4];
#pragma unroll
  for (int a = 0; a < kMt; ++a)
#pragma unroll
    for (int b = 0; b < kNt; ++b)
#pragma unroll
      for (int r = 0; r < 4; ++r) acc[a][b][r] = 0;

#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < tiles) load(s, s);
    ptx::Commit();
  }
  for (int kt = 0; kt < tiles; ++kt) {
    ptx::Wait<kStages - 2>();
    __syncthreads();
    if (kt + kStages - 1 < tiles) load((kt + kStages - 1) % kStages, kt + kStages - 1);
    ptx::Commit();
    const uint8_t* as = sa + (kt % kStages) * BM * kBk;
    const uint8_t* bs = sb + (kt % kStages) * BN * kBk;
#pragma unroll
    for (int ks = 0; ks < kBk / 32; ++ks) {
      uint32_t af[kMt][4], bf[kNt / 2][4];
#pragma unroll
      for (int a = 0; a < kMt; ++a) {
        const int row = warp_m + a * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
        ptx::LoadMatrices(af[a], as + Swizzle(row, ks * 2 + (lane >> 4)));
      }
#pragma unroll
      for (int b = 0; b < kNt / 2; ++b) {
        const int row = warp_n + b * 16 + (lane & 7) + (lane >> 4) * 8;
        ptx::LoadMatrices(bf[b], bs + Swizzle(row, ks * 2 + ((lane >> 3) & 1)));
      }
#pragma unroll
      for (int a = 0; a < kMt; ++a)
#pragma unroll
        for (int b = 0; b < kNt; ++b)
          Mma<kUnsigned>(acc[a][b], af[a], bf[b / 2][(b & 1) * 2], bf[b / 2][(b & 1) * 2 + 1]);
    }
  }
  ptx::Wait<0>();

  const int gid = lane >> 2, tig = lane & 3;
  int32_t* p = partial ? partial + static_cast<int64_t>(blockIdx.z) * g.rows * g.m : nullptr;
  auto sink = [&](int64_t m, int n, int32_t v) {  // a share's sums, or the epilogue
    if (!p) {
      Store(g, e, y, m, n, v);
    } else if (m < g.rows && n < g.m) {
      p[m * g.m + n] = v;
    }
  };
#pragma unroll
  for (int a = 0; a < kMt; ++a)
#pragma unroll
    for (int b = 0; b < kNt; ++b) {
      const int64_t m = m0 + warp_m + a * 16 + gid;
      const int n = n0 + warp_n + b * 8 + tig * 2;
      sink(m, n, acc[a][b][0]);
      sink(m, n + 1, acc[a][b][1]);
      sink(m + 8, n, acc[a][b][2]);
      sink(m + 8, n + 1, acc[a][b][3]);
    }
}

// The shares of a split k summed, then the epilogue: one thread per output, channels fastest.
__global__ void SplitEpilogue(const int32_t* __restrict__ partial, int splits, void* __restrict__ y, QConvGeometry g,
                              QConvEpilogue e) {
  const int64_t total = g.rows * g.m;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int32_t acc = 0;
    for (int z = 0; z < splits; ++z) acc += partial[z * total + i];
    const int64_t m = i / g.m;
    Store(g, e, y, m, static_cast<int>(i - m * g.m), acc);
  }
}

struct TileShape {
  const char* tactic;
  int bm, bn;
};
constexpr TileShape kTiles[] = {{"int8_mma_128x128", 128, 128},
                                {"int8_mma_128x64", 128, 64},
                                {"int8_mma_64x128", 64, 128},
                                {"int8_mma_64x64", 64, 64}};

// Ways to split k (1: none); a split's tactic is the tile's name + "_split<n>".
constexpr int kSplits[] = {1, 2, 4, 8, 16};

// Blocks of a tile shape over the output (before any split).
inline int64_t TileBlocks(const TileShape& t, const QConvGeometry& g) {
  return (g.rows + t.bm - 1) / t.bm * ((g.m + t.bn - 1) / t.bn);
}

// The int32 sums a split k keeps between its two kernels.
inline size_t SplitBytes(int splits, const QConvGeometry& g) {
  return splits > 1 ? static_cast<size_t>(splits) * g.rows * g.m * sizeof(int32_t) : 0;
}

template <int BM, int BN, int WM, int WN>
cudaError_t LaunchTile(bool is_unsigned, const void* x, const void* w, void* y, int32_t* partial, int splits,
                       const QConvGeometry& g, const QConvEpilogue& e, cudaStream_t s) {
  constexpr int threads = (BM / WM) * (BN / WN) * 32;
  constexpr size_t smem = static_cast<size_t>(kStages) * (BM + BN) * kBk;
  const int64_t mt = (g.rows + BM - 1) / BM;
  if (mt > std::numeric_limits<int32_t>::max()) return cudaErrorInvalidValue;
  const dim3 grid(static_cast<unsigned>(mt), static_cast<unsigned>((g.m + BN - 1) / BN), static_cast<unsigned>(splits));
  if (is_unsigned) {
    QuantConvKernel<BM, BN, WM, WN, true>
        <<<grid, threads, smem, s>>>(static_cast<const uint8_t*>(x), static_cast<const int8_t*>(w), y, g, e, partial);
  } else {
    QuantConvKernel<BM, BN, WM, WN, false>
        <<<grid, threads, smem, s>>>(static_cast<const uint8_t*>(x), static_cast<const int8_t*>(w), y, g, e, partial);
  }
  return cudaGetLastError();
}

// splits > 1 needs partial: SplitBytes(splits, g) bytes.
inline cudaError_t LaunchQuantConv(int tile, int splits, bool is_unsigned, const void* x, const void* w, void* y,
                                   void* partial, const QConvGeometry& g, const QConvEpilogue& e, cudaStream_t s) {
  int32_t* p = splits > 1 ? static_cast<int32_t*>(partial) : nullptr;
  if (splits > 1 && !p) return cudaErrorInvalidValue;
  cudaError_t r;
  switch (tile) {
    case 0: r = LaunchTile<128, 128, 64, 32>(is_unsigned, x, w, y, p, splits, g, e, s); break;
    case 1: r = LaunchTile<128, 64, 64, 32>(is_unsigned, x, w, y, p, splits, g, e, s); break;
    case 2: r = LaunchTile<64, 128, 32, 64>(is_unsigned, x, w, y, p, splits, g, e, s); break;
    default: r = LaunchTile<64, 64, 32, 32>(is_unsigned, x, w, y, p, splits, g, e, s); break;
  }
  if (r != cudaSuccess || !p) return r;
  const int64_t total = g.rows * g.m;
  const int64_t blocks = std::min<int64_t>((total + 255) / 256, 4096);
  SplitEpilogue<<<static_cast<unsigned>(blocks), 256, 0, s>>>(p, splits, y, g, e);
  return cudaGetLastError();
}

}  // namespace qconv
}  // namespace cuda
}  // namespace hybridrt
