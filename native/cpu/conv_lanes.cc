// Output channels in the lanes (conv_lanes.h).
#include "cpu/conv_lanes.h"

#include <algorithm>
#include <atomic>

#include "cpu/aligned_memory.h"
#include "cpu/tap_sum.h"
#include "cpu/transpose8x16.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kTile = 8;    // outputs of a row a tile
constexpr int64_t kPanel = 32;  // output channels a tile
// The budget of one padded input plane, in floats. NOTE: per plane only: nothing bounds the
// channels, so the workspace (c padded planes: a 256-channel 58 x 58 input is 0.9 M floats) is
// about the input's size, whatever that is.
constexpr int64_t kMaxPadded = 4 << 20;
// Weights (bytes, packed) up to which a layer runs in bands (conv_lanes.h), and the bands a
// thread gets at least (so that uneven ones balance).
constexpr int64_t kBandWeights = 640 << 10;
constexpr int64_t kBandsPerThread = 4;
// Padded inputs (floats) up to which a banded layer runs block by block over the whole input: 32 K
// took squeezenet1_1's 3x3 layers; 96 K takes ResNet's 64 x 32 x 32 and 128 x 16 x 16 and
// GoogLeNet's 3x3 layers too (resnet18's layer1 0.30/0.28 -> 0.26/0.27 ms, two rounds).
constexpr int64_t kWholeFloats = 96 << 10;

#ifdef HR_X86
// One k of a tile: the k-th panel row (two vectors, prefetched 8 k ahead) times the R inputs from
// `in` (stride S apart), into the sums.
template <int S, int R>
__attribute__((target("avx512f"), always_inline)) inline void TapStep(const float* in, const float* w,
                                                                      __m512 (&acc)[kTile][2]) {
  const __m512 b0 = _mm512_load_ps(w), b1 = _mm512_load_ps(w + 16);
  _mm_prefetch(reinterpret_cast<const char*>(w + 8 * kPanel), _MM_HINT_T0);
  _mm_prefetch(reinterpret_cast<const char*>(w + 8 * kPanel + 16), _MM_HINT_T0);
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    const __m512 a = _mm512_set1_ps(in[r * S]);
    acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
    acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
  }
}

// Tile (row oh, outputs ow0 .. ow0 + 7) x (channels mb * 32 ..): sums over k in order, stored
// transposed into `row` (the row's sums: 32 lines of p.rs floats, 64-byte aligned), each
// channel's 8 outputs at once. The stride S a constant: the 8 broadcasts of a k then read at
// fixed offsets from one address (a run-time stride took an add each, in a chain: 3-7% slower).
// src: the tile's first input (top-left tap) in a padded buffer of planes `plane` floats apart
// and lines `wp` apart, k = (channel, kh, kw) reading at channel * plane + kh * wp + kw. The taps
// of a 3x3 window (KH = KW = 3) are unrolled, a pointer a channel: the offset table's load and
// add per k they replace ran the kernel alone at 170 GFLOP/s a core against 193 (64 -> 64 over 32
// x 32); other windows loop over their taps (KH = KW = 0).
template <int S, int R, int KH, int KW>
__attribute__((target("avx512f,avx512vl,avx512dq"))) void Tile512(const LanesPlan& p, const float* src, int64_t plane,
                                                                  float* row, int64_t mb, int64_t ow0) {
  const float* w = p.panels.data() + mb * p.k * kPanel;
  __m512 acc[kTile][2];
  for (int r = 0; r < kTile; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  const int64_t wp = p.wp, kh = KH ? KH : p.kh, kw = KW ? KW : p.kw;
  for (int64_t c = 0; c < p.c; ++c, src += plane) {
#pragma GCC unroll 3
    for (int64_t a = 0; a < kh; ++a) {
#pragma GCC unroll 3
      for (int64_t b = 0; b < kw; ++b, w += kPanel) TapStep<S, R>(src + a * wp + b, w, acc);
    }
  }
  // Transposed in registers, 16 channels at a time (transpose8x16.h).
  for (int h = 0; h < 2; ++h) {
    if (mb * kPanel + h * 16 >= p.m) break;
    __m512 v[8], out[8];
    for (int i = 0; i < 8; ++i) v[i] = acc[i][h];
    Transpose8x16(v, out);
    for (int q = 0; q < 8; ++q) {
      float* at = row + (h * 16 + kTransposedLow[q]) * p.rs + ow0;  // the low half's channel; the high's 8 lines on
      _mm256_storeu_ps(at, _mm512_castps512_ps256(out[q]));
      _mm256_storeu_ps(at + 8 * p.rs, _mm512_extractf32x8_ps(out[q], 1));
    }
  }
}

// The row's sums of block mb to y, line by line: + bias, + z, the clamp, 16 outputs a store.
__attribute__((target("avx512f,avx512vl,avx512dq"))) void FinishRow(const LanesPlan& p, const float* row,
                                                                    const float* bias, const float* z, float* y,
                                                                    const LanesFinish& f, int64_t mb, int64_t oh) {
  const __m512 lo = _mm512_set1_ps(f.lo), hi = _mm512_set1_ps(f.hi);
  const int64_t out_size = p.oh * p.ow;
  const int64_t c1 = std::min(p.m, (mb + 1) * kPanel);
  for (int64_t c = mb * kPanel; c < c1; ++c) {
    const float* from = row + (c - mb * kPanel) * p.rs;
    const int64_t at = c * out_size + oh * p.ow;
    const __m512 b = _mm512_set1_ps(bias ? bias[c] : 0.0f);
    for (int64_t j = 0; j < p.ow; j += 16) {
      const __mmask16 st =
          p.ow - j >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << (p.ow - j)) - 1u);
      __m512 v = _mm512_load_ps(from + j);
      if (bias) v = _mm512_add_ps(v, b);
      if (z) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(st, z + at + j));
      if (f.clamp) v = _mm512_min_ps(hi, _mm512_max_ps(lo, v));  // Clip's formula
      _mm512_mask_storeu_ps(y + at + j, st, v);
    }
  }
}

// The row's last tile, `r` < 8 outputs wide: sums for those alone (its other lanes stay zero,
// stored past the row's end into the row buffer's slack).
template <int S, int KH, int KW>
void TailTile(const LanesPlan& p, const float* src, int64_t plane, float* row, int64_t mb, int64_t ow0, int64_t r) {
  switch (r) {
    case 1: return Tile512<S, 1, KH, KW>(p, src, plane, row, mb, ow0);
    case 2: return Tile512<S, 2, KH, KW>(p, src, plane, row, mb, ow0);
    case 3: return Tile512<S, 3, KH, KW>(p, src, plane, row, mb, ow0);
    case 4: return Tile512<S, 4, KH, KW>(p, src, plane, row, mb, ow0);
    case 5: return Tile512<S, 5, KH, KW>(p, src, plane, row, mb, ow0);
    case 6: return Tile512<S, 6, KH, KW>(p, src, plane, row, mb, ow0);
    default: return Tile512<S, 7, KH, KW>(p, src, plane, row, mb, ow0);
  }
}

// Every tile of one output row of channel block mb: `line` is the padded row its windows start
// on (output ow0's tap (c, a, b) at line + ow0 * s + c * plane + a * wp + b).
template <int S, int KH, int KW>
void TileRowOf(const LanesPlan& p, const float* line, int64_t plane, float* row, int64_t mb) {
  // ceil(ow / 8) tiles of even widths (Inception's 17-wide rows: 6, 6, 5 rather than 8, 8, 1,
  // whose 1-wide tile had 2 chains of sums and ran as long as a 4-wide one).
  const int64_t n = (p.ow + kTile - 1) / kTile;
  for (int64_t i = 0, ow0 = 0; i < n; ++i) {
    const int64_t r = p.ow / n + (i < p.ow % n ? 1 : 0);
    if (r == kTile) {
      Tile512<S, kTile, KH, KW>(p, line + ow0 * S, plane, row, mb, ow0);
    } else {
      TailTile<S, KH, KW>(p, line + ow0 * S, plane, row, mb, ow0, r);
    }
    ow0 += r;
  }
}

// One padded line (p.wp floats): p.pl zeros, the input row `from` (p.w floats; null: a pad row,
// all zeros), zeros to the end. Masked loads and stores, 16 floats a step (a memset, a memcpy and
// a memset a line cost a 7 x 7 layer's 64 channels more than their sums' tenth).
__attribute__((target("avx512f"))) void PadLine(const LanesPlan& p, const float* from, float* to) {
  for (int64_t j = 0; j < p.wp; j += 16) {
    const int64_t n = std::min<int64_t>(16, p.wp - j);
    const __mmask16 st = static_cast<__mmask16>((1u << n) - 1u);
    __m512 v = _mm512_setzero_ps();
    if (from) {
      // Lanes l with j + l in [pl, pl + w): input column j + l - pl (masked lanes are not read).
      const int64_t lo = std::max<int64_t>(0, p.pl - j), hi = std::min<int64_t>(n, p.pl + p.w - j);
      if (lo < hi) {
        const __mmask16 ld = static_cast<__mmask16>(((1u << hi) - 1u) & ~((1u << lo) - 1u));
        v = _mm512_maskz_loadu_ps(ld, from + (j - p.pl));
      }
    }
    _mm512_mask_storeu_ps(to + j, st, v);
  }
}

void TileRow(const LanesPlan& p, const float* line, int64_t plane, float* row, int64_t mb) {
  const bool k3 = p.kh == 3 && p.kw == 3;
  if (p.s == 1) return k3 ? TileRowOf<1, 3, 3>(p, line, plane, row, mb) : TileRowOf<1, 0, 0>(p, line, plane, row, mb);
  k3 ? TileRowOf<2, 3, 3>(p, line, plane, row, mb) : TileRowOf<2, 0, 0>(p, line, plane, row, mb);
}
#endif

}  // namespace

bool LanesFits(const Window& w, int64_t groups, int64_t depth) {
#ifdef HR_X86
  if (depth > kLanesMaxDepth) return false;
  if (VectorKernel() != SimdKernel::kAvx512 || !__builtin_cpu_supports("avx512vl") ||
      !__builtin_cpu_supports("avx512dq"))
    return false;
  if (groups != 1 || w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad[0] != 0) return false;
  if (w.stride[1] != w.stride[2] || w.stride[1] < 1 || w.stride[1] > 2) return false;
  if (w.dilation[1] != 1 || w.dilation[2] != 1) return false;
  // Rows of 7 or more (tiles of 4 to 8 outputs: 8 or more chains of sums). Rows of 7 take it:
  // squeezenet1_1's 3x3 layers over 7 x 7, 48 -> 192 and 64 -> 256, ran at about 75 GFLOP/s a
  // thread in the packed GEMM, 115-120 here (one thread, the kernels alone). Narrower rows (the
  // late 4 x 4 layers) keep the narrow product.
  if (w.out[2] < 7) return false;
  const int64_t hp = std::max(w.in[1] + w.pad[1], (w.out[1] - 1) * w.stride[1] + w.kernel[1]) + 1;
  const int64_t wp = std::max(w.in[2] + w.pad[2], (w.out[2] - 1) * w.stride[2] + w.kernel[2]);
  return hp * wp <= kMaxPadded;  // per plane (kMaxPadded)
#else
  (void)w;
  (void)groups;
  (void)depth;
  return false;
#endif
}

LanesPlan MakeLanesPlan(const Window& w, int64_t c, int64_t m, const float* weights, int threads) {
  LanesPlan p;
  p.c = c;
  p.m = m;
  p.kh = w.kernel[1];
  p.kw = w.kernel[2];
  p.s = w.stride[1];
  p.h = w.in[1];
  p.w = w.in[2];
  p.pt = w.pad[1];
  p.pl = w.pad[2];
  p.oh = w.out[1];
  p.ow = w.out[2];
  // Every input a tile reads, the last tile's overrun (up to 7 outputs past the row) included:
  // one more row of slack below.
  const int64_t tile_w = ((p.ow + kTile - 1) / kTile * kTile - 1) * p.s + p.kw;
  p.wp = std::max(p.w + p.pl, tile_w);
  p.hp = std::max(p.h + p.pt, (p.oh - 1) * p.s + p.kh) + 1;
  p.k = c * p.kh * p.kw;
  const int64_t blocks = (m + kPanel - 1) / kPanel;
  // (+ 8 rows past the end: the kernel prefetches 8 k ahead.)
  p.panels.assign(static_cast<size_t>((blocks * p.k + 8) * kPanel), 0.0f);
  for (int64_t o = 0; o < m; ++o) {
    float* to = p.panels.data() + (o / kPanel) * p.k * kPanel + o % kPanel;
    for (int64_t k = 0; k < p.k; ++k) to[k * kPanel] = weights[o * p.k + k];
  }
  p.rs = (p.ow + kTile + 15) / 16 * 16;  // (+ kTile: a narrower tile's 8 stored lanes past the row)
  // A row's tiles (TileRowOf) read only their own outputs' windows: with no pads and every window
  // inside the input, the input itself is the padded plane.
  if (p.pt == 0 && p.pl == 0 && (p.oh - 1) * p.s + p.kh <= p.h && (p.ow - 1) * p.s + p.kw <= p.w) {
    p.in_place = true;
    p.hp = p.h;
    p.wp = p.w;
    return p;
  }
  p.workspace_floats = static_cast<size_t>(c * p.hp * p.wp);
  // (Not the 3-channel stems: ResNet's 7x7/2 one ran 10-15% slower in bands.)
  if (static_cast<int64_t>(p.panels.size() * sizeof(float)) <= kBandWeights && p.oh >= 2 && c >= 16) {
    const int64_t units = p.oh * blocks;
    p.pieces = std::min<int64_t>(units, kBandsPerThread * std::max(threads, 1));
    // A piece's rows: its units' first to last (a run of ceil(units / pieces) starting mid-row).
    const int64_t rows = std::min(p.oh, ((units + p.pieces - 1) / p.pieces + blocks - 2) / blocks + 1);
    p.hb = (rows - 1) * p.s + p.kh + 1;  // (+ 1: the slack row, as hp)
    p.workspace_floats = 0;
    if (c * p.hp * p.wp <= kWholeFloats) {
      p.whole = true;
      p.hb = p.hp;
    }
  }
  return p;
}

void LanesPad(const LanesPlan& p, const float* x, float* ws, int64_t c0, int64_t c1) {
#ifdef HR_X86
  for (int64_t c = c0; c < c1; ++c) {
    float* to = ws + c * p.hp * p.wp;
    for (int64_t i = 0; i < p.hp; ++i) {
      const int64_t ih = i - p.pt;
      PadLine(p, ih >= 0 && ih < p.h ? x + (c * p.h + ih) * p.w : nullptr, to + i * p.wp);
    }
  }
#else
  (void)p, (void)x, (void)ws, (void)c0, (void)c1;
#endif
}

int64_t LanesTiles(const LanesPlan& p) { return (p.m + kPanel - 1) / kPanel * p.oh; }

void LanesRun(const LanesPlan& p, const float* ws, const float* bias, const float* z, float* y, const LanesFinish& f,
              int64_t t0, int64_t t1) {
#ifdef HR_X86
  float* row = static_cast<float*>(ThreadScratch(static_cast<size_t>(kPanel * p.rs) * sizeof(float), kLanesRow));
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t mb = t / p.oh, oh = t % p.oh;
    TileRow(p, ws + oh * p.wp * p.s, p.hp * p.wp, row, mb);
    FinishRow(p, row, bias, z, y, f, mb, oh);
  }
#else
  (void)p, (void)ws, (void)bias, (void)z, (void)y, (void)f, (void)t0, (void)t1;
#endif
}

uint64_t NextLanesRun() {
  static std::atomic<uint64_t> runs{0};
  return ++runs;
}

void LanesBands(const LanesPlan& p, const float* x, const float* bias, const float* z, float* y, const LanesFinish& f,
                int64_t b0, int64_t b1, uint64_t run) {
#ifdef HR_X86
  float* row = static_cast<float*>(ThreadScratch(static_cast<size_t>(kPanel * p.rs) * sizeof(float), kLanesRow));
  float* buf = static_cast<float*>(ThreadScratch(static_cast<size_t>(p.c * p.hb * p.wp) * sizeof(float), kLanesBand));
  const int64_t blocks = (p.m + kPanel - 1) / kPanel, units = p.oh * blocks;
  if (p.whole) {
    // The thread's buffer holds this run's padded input after its first piece (the run number
    // and the buffer's address: another layer's use of the slot between two runs replaces both).
    thread_local uint64_t padded_run = 0;
    thread_local const float* padded_at = nullptr;
    if (padded_run != run || padded_at != buf) {
      LanesPad(p, x, buf, 0, p.c);
      padded_run = run;
      padded_at = buf;
    }
    for (int64_t piece = b0; piece < b1; ++piece) {
      // Units [u0, u1), unit u = (block u / oh, output row u % oh).
      for (int64_t u = piece * units / p.pieces; u < (piece + 1) * units / p.pieces; ++u) {
        const int64_t mb = u / p.oh, oh = u % p.oh;
        TileRow(p, buf + oh * p.wp * p.s, p.hp * p.wp, row, mb);
        FinishRow(p, row, bias, z, y, f, mb, oh);
      }
    }
    return;
  }
  for (int64_t piece = b0; piece < b1; ++piece) {
    // Units [u0, u1), unit u = (output row u / blocks, block u % blocks).
    const int64_t u0 = piece * units / p.pieces, u1 = (piece + 1) * units / p.pieces;
    if (u0 >= u1) continue;
    const int64_t oh0 = u0 / blocks, oh1 = (u1 - 1) / blocks + 1;
    const int64_t hb = (oh1 - oh0 - 1) * p.s + p.kh + 1;  // <= p.hb
    // Row i of a plane is input row oh0 * s - pt + i, zero outside the input (as LanesPad's).
    for (int64_t c = 0; c < p.c; ++c) {
      for (int64_t i = 0; i < hb; ++i) {
        const int64_t ih = oh0 * p.s - p.pt + i;
        PadLine(p, ih >= 0 && ih < p.h ? x + (c * p.h + ih) * p.w : nullptr, buf + (c * hb + i) * p.wp);
      }
    }
    // Block by block (a block's panel read for its rows in turn).
    for (int64_t mb = 0; mb < blocks; ++mb) {
      for (int64_t oh = oh0; oh < oh1; ++oh) {
        const int64_t u = oh * blocks + mb;
        if (u < u0 || u >= u1) continue;
        TileRow(p, buf + (oh - oh0) * p.wp * p.s, hb * p.wp, row, mb);
        FinishRow(p, row, bias, z, y, f, mb, oh);
      }
    }
  }
#else
  (void)p, (void)x, (void)bias, (void)z, (void)y, (void)f, (void)b0, (void)b1;
#endif
}

}  // namespace cpu
}  // namespace hybridrt
