// The int8 convolution's kernel (quant_conv.cu, which says what it computes): the geometry and
// epilogue it is given, the tile kernel, and its launcher by tile shape.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "cuda/device_common.cuh"
#include "cuda/mma_ptx.cuh"
#include "layers/activation.h"

namespace hybridrt {
namespace cuda {
namespace qconv {

constexpr int kKPad = 64;  // the weights' rows are padded to a multiple of this many bytes

struct QConvGeometry {
  int h, w, c;    // input (logical)
  int oh, ow, m;  // output spatial dims and channels
  int kh, kw, sh, sw, ph, pw, dh, dw;
  int k, kp;       // products per output; weights' padded row length (a multiple of kKPad)
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

// A shared row of BK bytes (64 or 128); its 16-byte chunks XOR-swizzled so that the eight rows
// one ldmatrix reads fall in eight different bank groups.
template <int BK>
__device__ __forceinline__ int Swizzle(int row, int chunk) {
  if constexpr (BK == 64) return row * 64 + ((chunk ^ ((row >> 1) & 3)) << 4);
  else return row * 128 + ((chunk ^ (row & 7)) << 4);
}

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

// Where a thread's 16-byte chunk of k lies in the window, for channels-last inputs whose C is a
// multiple of 16 (a chunk lies in one tap): channel c of tap (r, s). A thread's chunks advance
// by the stage's BK bytes from one stage to the next, so the tap moves by additions, not the
// two divisions per chunk and stage a position computed afresh would take.
struct KCursor {
  int k, c, r, s;
  __device__ __forceinline__ void Start(const QConvGeometry& g, int k0) {
    k = k0;
    const int tap = k0 / g.c;
    c = k0 - tap * g.c;
    r = tap / g.kw;
    s = tap - r * g.kw;
  }
  __device__ __forceinline__ void Advance(const QConvGeometry& g, int bytes) {
    k += bytes;
    c += bytes;
    while (c >= g.c) {
      c -= g.c;
      if (++s == g.kw) {
        s = 0;
        ++r;
      }
    }
  }
};

// 16 bytes of row o's window at the cursor into dst (channels-last, C % 16 == 0).
__device__ __forceinline__ void LoadWindowVec(const QConvGeometry& g, const uint8_t* x, const RowOrigin& o,
                                              const KCursor& at, uint8_t* dst) {
  if (o.base >= 0 && at.k < g.k) {
    const int iy = o.y0 + at.r * g.dh, ix = o.x0 + at.s * g.dw;
    if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
      ptx::Copy16(dst, x + o.base + (static_cast<int64_t>(iy) * g.w + ix) * g.c + at.c);
      return;
    }
  }
  *reinterpret_cast<uint4*>(dst) = make_uint4(g.zero4, g.zero4, g.zero4, g.zero4);
}

// 16 bytes of k [k0, k0 + 16) of row o's window into dst, byte by byte (NCHW, or C not a
// multiple of 16: a network's first layer).
__device__ __forceinline__ void LoadWindowBytes(const QConvGeometry& g, const uint8_t* x, const RowOrigin& o, int k0,
                                                uint8_t* dst) {
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

// Activations other than Relu and Clip, called rather than inlined: the epilogue is unrolled
// over every accumulator of a thread, and each inlined copy of the longer activations multiplied
// the kernels' code (and their compile time).
__device__ __noinline__ float ActivateCalled(Act a, float v) { return Activate(a, v); }

// The epilogue of one sum up to the activation: the float value of output (m, n), at `at`.
__device__ __forceinline__ float EpilogueValue(const QConvEpilogue& e, int64_t at, int n, int32_t acc) {
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
    v = ActivateCalled(e.act, v);
  }
  return v;
}

// QuantizeRounded (quant_form.h) with IEEE steps.
__device__ __forceinline__ uint8_t QuantizeOut(const QConvEpilogue& e, float v) {
  float t = __fdiv_rn(v, e.out_scale);
  t = t != t ? 0.0f : t < -4e6f ? -4e6f : t > 4e6f ? 4e6f : t;
  t = __fsub_rn(__fadd_rn(t, 12582912.0f), 12582912.0f);
  int q = static_cast<int>(t) + e.out_zero;
  q = q < e.lo ? e.lo : q > e.hi ? e.hi : q;
  return static_cast<uint8_t>(q);
}

// Where output (m, n) lies in y.
__device__ __forceinline__ int64_t OutputIndex(const QConvGeometry& g, int64_t m, int n) {
  if (g.nhwc) return m * g.m + n;
  const int64_t plane = static_cast<int64_t>(g.oh) * g.ow;
  const int64_t img = m / plane;
  return (img * g.m + n) * plane + (m - img * plane);
}

__device__ __forceinline__ void Store(const QConvGeometry& g, const QConvEpilogue& e, void* y, int64_t m, int n,
                                      int32_t acc) {
  if (m >= g.rows || n >= g.m) return;
  const int64_t at = OutputIndex(g, m, n);
  const float v = EpilogueValue(e, at, n, acc);
  if (e.out == 0) static_cast<float*>(y)[at] = v;
  else static_cast<uint8_t*>(y)[at] = QuantizeOut(e, v);
}

// Outputs (m, n) and (m, n + 1), n even: one 2-element store where they are adjacent and aligned
// (channels-last with an even channel count), else one or two.
__device__ __forceinline__ void StorePair(const QConvGeometry& g, const QConvEpilogue& e, void* y, int64_t m, int n,
                                          int32_t a0, int32_t a1) {
  if (m >= g.rows || n >= g.m) return;
  const bool second = n + 1 < g.m;
  const int64_t at0 = OutputIndex(g, m, n), at1 = second ? OutputIndex(g, m, n + 1) : at0;
  const float v0 = EpilogueValue(e, at0, n, a0);
  const float v1 = second ? EpilogueValue(e, at1, n + 1, a1) : 0.0f;
  const bool pair = second && g.nhwc && (g.m & 1) == 0;
  if (e.out == 0) {
    float* yf = static_cast<float*>(y);
    if (pair) {
      *reinterpret_cast<float2*>(yf + at0) = make_float2(v0, v1);
    } else {
      yf[at0] = v0;
      if (second) yf[at1] = v1;
    }
  } else {
    uint8_t* yb = static_cast<uint8_t*>(y);
    const uint8_t q0 = QuantizeOut(e, v0), q1 = second ? QuantizeOut(e, v1) : 0;
    if (pair) {
      *reinterpret_cast<uchar2*>(yb + at0) = make_uchar2(q0, q1);
    } else {
      yb[at0] = q0;
      if (second) yb[at1] = q1;
    }
  }
}

// A BM x BN output tile per block; warps of WM x WN each; k in stages of BK bytes through a
// STAGES-deep cp.async pipeline. Split k (gridDim.z > 1): block z sums its share of the k
// stages and writes the int32 sums to partial[z][row][channel]; SplitEpilogue adds the shares
// (integer sums: the same bits as one block's) and runs the epilogue.
template <int BM, int BN, int WM, int WN, int BK, int STAGES, bool kUnsigned>
__global__ void __launch_bounds__((BM / WM) * (BN / WN) * 32)
    QuantConvKernel(const uint8_t* __restrict__ x, const int8_t* __restrict__ w, void* __restrict__ y, QConvGeometry g,
                    QConvEpilogue e, int32_t* __restrict__ partial) {
  constexpr int kChunks = BK / 16;
  constexpr int kWarpsN = BN / WN;
  constexpr int kThreadsPer = (BM / WM) * kWarpsN * 32;
  constexpr int kRowStep = kThreadsPer / kChunks;  // rows one pass of the threads covers
  constexpr int kMt = WM / 16, kNt = WN / 8;
  constexpr int kARows = BM / kRowStep;  // chunks per thread per stage
  constexpr int kBRows = BN / kRowStep;
  static_assert(kARows >= 1 && kBRows >= 1 && BM % kRowStep == 0 && BN % kRowStep == 0 && kNt % 2 == 0, "tile shape");
  extern __shared__ __align__(16) uint8_t smem[];
  uint8_t* sa = smem;
  uint8_t* sb = smem + STAGES * BM * BK;

  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int warp_m = (warp / kWarpsN) * WM, warp_n = (warp % kWarpsN) * WN;
  const int64_t m0 = static_cast<int64_t>(blockIdx.x) * BM;
  const int n0 = blockIdx.y * BN;
  const int chunk = tid % kChunks;

  RowOrigin origin[kARows];
#pragma unroll
  for (int i = 0; i < kARows; ++i) origin[i] = Origin(g, m0 + tid / kChunks + i * kRowStep);

  const int all_tiles = (g.kp + BK - 1) / BK;
  const int share = (all_tiles + static_cast<int>(gridDim.z) - 1) / static_cast<int>(gridDim.z);
  const int kt0 = static_cast<int>(blockIdx.z) * share;
  const int tiles = max(0, min(all_tiles, kt0 + share) - kt0);
  KCursor cursor;  // the next stage's chunk position (stages are loaded in order)
  if (g.vec) cursor.Start(g, kt0 * BK + chunk * 16);
  auto load = [&](int stage, int kt) {
    const int k0 = (kt0 + kt) * BK + chunk * 16;
#pragma unroll
    for (int i = 0; i < kARows; ++i) {
      uint8_t* dst = sa + stage * BM * BK + Swizzle<BK>(tid / kChunks + i * kRowStep, chunk);
      if (g.vec) LoadWindowVec(g, x, origin[i], cursor, dst);
      else LoadWindowBytes(g, x, origin[i], k0, dst);
    }
    if (g.vec) cursor.Advance(g, BK);
#pragma unroll
    for (int i = 0; i < kBRows; ++i) {
      const int row = tid / kChunks + i * kRowStep;
      uint8_t* dst = sb + stage * BN * BK + Swizzle<BK>(row, chunk);
      if (n0 + row < g.m && k0 < g.kp) ptx::Copy16(dst, w + static_cast<int64_t>(n0 + row) * g.kp + k0);
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
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < tiles) load(s, s);
    ptx::Commit();
  }
  for (int kt = 0; kt < tiles; ++kt) {
    ptx::Wait<STAGES - 2>();
    __syncthreads();
    if (kt + STAGES - 1 < tiles) load((kt + STAGES - 1) % STAGES, kt + STAGES - 1);
    ptx::Commit();
    const uint8_t* as = sa + (kt % STAGES) * BM * BK;
    const uint8_t* bs = sb + (kt % STAGES) * BN * BK;
#pragma unroll
    for (int ks = 0; ks < BK / 32; ++ks) {
      uint32_t af[kMt][4], bf[kNt / 2][4];
#pragma unroll
      for (int a = 0; a < kMt; ++a) {
        const int row = warp_m + a * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
        ptx::LoadMatrices(af[a], as + Swizzle<BK>(row, ks * 2 + (lane >> 4)));
      }
#pragma unroll
      for (int b = 0; b < kNt / 2; ++b) {
        const int row = warp_n + b * 16 + (lane & 7) + (lane >> 4) * 8;
        ptx::LoadMatrices(bf[b], bs + Swizzle<BK>(row, ks * 2 + ((lane >> 3) & 1)));
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
  auto sink = [&](int64_t m, int n, int32_t v0, int32_t v1) {  // a share's sums, or the epilogue
    if (!p) {
      StorePair(g, e, y, m, n, v0, v1);
    } else if (m < g.rows) {
      if (n < g.m) p[m * g.m + n] = v0;
      if (n + 1 < g.m) p[m * g.m + n + 1] = v1;
    }
  };
#pragma unroll
  for (int a = 0; a < kMt; ++a)
#pragma unroll
    for (int b = 0; b < kNt; ++b) {
      const int64_t m = m0 + warp_m + a * 16 + gid;
      const int n = n0 + warp_n + b * 8 + tig * 2;
      sink(m, n, acc[a][b][0], acc[a][b][1]);
      sink(m + 8, n, acc[a][b][2], acc[a][b][3]);
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

// A tile shape: the block's output tile, its warps' tiles, the bytes of k per stage, the stages.
template <int BM_, int BN_, int WM_, int WN_, int BK_, int STAGES_>
struct Tile {
  static constexpr int BM = BM_, BN = BN_, WM = WM_, WN = WN_, BK = BK_, STAGES = STAGES_;
  static constexpr size_t kSmem = static_cast<size_t>(STAGES) * (BM + BN) * BK;
  static constexpr int kThreads = (BM / WM) * (BN / WN) * 32;
};

struct TileShape {
  const char* tactic;
  int bm, bn, bk;
};
// The tactics' names and shapes, in the order of OnTile's cases.
constexpr TileShape kTiles[] = {{"int8_mma_128x128", 128, 128, 64},       {"int8_mma_128x64", 128, 64, 64},
                                {"int8_mma_64x128", 64, 128, 64},         {"int8_mma_64x64", 64, 64, 64},
                                {"int8_mma_128x128_k128", 128, 128, 128}, {"int8_mma_128x64_k128", 128, 64, 128},
                                {"int8_mma_64x64_k128", 64, 64, 128}};

// Calls f(Tile<...>{}) with tile shape `tile` of kTiles.
template <class F>
cudaError_t OnTile(int tile, F&& f) {
  switch (tile) {
    case 0: return f(Tile<128, 128, 64, 32, 64, 3>{});
    case 1: return f(Tile<128, 64, 64, 32, 64, 3>{});
    case 2: return f(Tile<64, 128, 32, 64, 64, 3>{});
    case 3: return f(Tile<64, 64, 32, 32, 64, 3>{});
    case 4: return f(Tile<128, 128, 64, 32, 128, 3>{});
    case 5: return f(Tile<128, 64, 64, 32, 128, 4>{});
    case 6: return f(Tile<64, 64, 32, 32, 128, 4>{});
    default: return cudaErrorInvalidValue;
  }
}

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

// Allows a tile shape's kernels the dynamic shared memory they take (above 48 KiB it must be
// asked for, per function). On the host, before a launch and outside any stream capture.
inline cudaError_t AllowTile(int tile) {
  return OnTile(tile, [](auto t) {
    using T = decltype(t);
    if (T::kSmem <= 48 * 1024) return cudaSuccess;
    cudaError_t r = cudaFuncSetAttribute(
        reinterpret_cast<const void*>(QuantConvKernel<T::BM, T::BN, T::WM, T::WN, T::BK, T::STAGES, true>),
        cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(T::kSmem));
    if (r != cudaSuccess) return r;
    return cudaFuncSetAttribute(
        reinterpret_cast<const void*>(QuantConvKernel<T::BM, T::BN, T::WM, T::WN, T::BK, T::STAGES, false>),
        cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(T::kSmem));
  });
}

// The epilogue over `splits` shares of int32 sums (g.rows x g.m each, channels fastest): a split
// k's second kernel, and the whole epilogue of sums another GEMM made (quant_gemm_lt.h).
inline cudaError_t LaunchSplitEpilogue(const int32_t* partial, int splits, void* y, const QConvGeometry& g,
                                       const QConvEpilogue& e, cudaStream_t s) {
  const int64_t total = g.rows * g.m;
  const int64_t blocks = std::min<int64_t>((total + 255) / 256, 4096);
  SplitEpilogue<<<static_cast<unsigned>(blocks), 256, 0, s>>>(partial, splits, y, g, e);
  return cudaGetLastError();
}

// splits > 1 needs partial: SplitBytes(splits, g) bytes. AllowTile(tile) first.
inline cudaError_t LaunchQuantConv(int tile, int splits, bool is_unsigned, const void* x, const void* w, void* y,
                                   void* partial, const QConvGeometry& g, const QConvEpilogue& e, cudaStream_t s) {
  int32_t* p = splits > 1 ? static_cast<int32_t*>(partial) : nullptr;
  if (splits > 1 && !p) return cudaErrorInvalidValue;
  const cudaError_t r = OnTile(tile, [&](auto t) {
    using T = decltype(t);
    const int64_t mt = (g.rows + T::BM - 1) / T::BM;
    if (mt > std::numeric_limits<int32_t>::max()) return cudaErrorInvalidValue;
    const dim3 grid(static_cast<unsigned>(mt), static_cast<unsigned>((g.m + T::BN - 1) / T::BN),
                    static_cast<unsigned>(splits));
    const auto* xb = static_cast<const uint8_t*>(x);
    const auto* wb = static_cast<const int8_t*>(w);
    if (is_unsigned) {
      QuantConvKernel<T::BM, T::BN, T::WM, T::WN, T::BK, T::STAGES, true>
          <<<grid, T::kThreads, T::kSmem, s>>>(xb, wb, y, g, e, p);
    } else {
      QuantConvKernel<T::BM, T::BN, T::WM, T::WN, T::BK, T::STAGES, false>
          <<<grid, T::kThreads, T::kSmem, s>>>(xb, wb, y, g, e, p);
    }
    return cudaGetLastError();
  });
  if (r != cudaSuccess || !p) return r;
  return LaunchSplitEpilogue(p, splits, y, g, e, s);
}

}  // namespace qconv
}  // namespace cuda
}  // namespace hybridrt
