// SGEMM driver, packing and the portable micro-kernel (see sgemm.h).
#include "cpu/sgemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "cpu/aligned_memory.h"
#include "cpu/cpu_backend.h"
#include "cpu/sgemm_pack.h"
#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kKC = 256;
constexpr int64_t kMC = 144;  // multiple of both MRs; A block (MC x KC) ~144 KB stays in L2
constexpr int64_t kNCMax = 512;

using MicroKernel = void (*)(int64_t, const float*, const float*, float*, int64_t, float, int, int);

struct Choice {
  MicroKernel kernel;
  const char* name;
  int mr, nr;  // its tile, which the packing follows
};

// Once per process: the best kernel this CPU runs, unless the form the binding set at load
// (KernelForm, src/engine/backend.h: HYBRIDRT_CPU_KERNEL) asks for another one it can run.
const Choice& PickKernel() {
  static const Choice choice = [] {
    const Choice avx512{MicroKernelAvx512, "avx512", kGemmMR512, kGemmNR512},
        avx2{MicroKernelAvx2, "avx2", kGemmMR, kGemmNR}, portable{MicroKernelPortable, "portable", kGemmMR, kGemmNR};
    const std::string w = KernelForm();
    if (w == "portable") return portable;
    if (w == "avx2" && HasAvx2Fma()) return avx2;
    if (HasAvx512() && (w.empty() || w == "avx512")) return avx512;
    return HasAvx2Fma() ? avx2 : portable;
  }();
  return choice;
}

void ScaleC(int64_t m, int64_t n, float beta, float* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (beta == 0) {
      std::fill(row, row + n, 0.0f);
    } else {
      for (int64_t j = 0; j < n; ++j) row[j] *= beta;
    }
  }
}

// m == 1: y = alpha * a B + beta * y, streaming B by rows (or columns when transposed).
void Gemv(int64_t n, int64_t k, float alpha, const float* a, int64_t cs_a, const float* b, int64_t rs_b, int64_t cs_b,
          float beta, float* c, int threads) {
  // Rows of B: blocks of 256 columns; columns of B: as few as 16 a chunk where they are long
  // (a squeeze-excite block's 240 x 960 weights would otherwise be read on one thread).
  const int64_t grain = cs_b == 1 ? 256 : std::max<int64_t>(16, 16384 / std::max<int64_t>(k, 1));
  ParallelFor(threads, n, grain, [&](int64_t j0, int64_t j1) {
    if (cs_b == 1) {
      float acc[256];
      for (int64_t jb = j0; jb < j1; jb += 256) {
        int64_t w = std::min<int64_t>(256, j1 - jb);
        std::fill(acc, acc + w, 0.0f);
        for (int64_t kk = 0; kk < k; ++kk) {
          const float av = a[kk * cs_a];
          const float* row = b + kk * rs_b + jb;
          for (int64_t j = 0; j < w; ++j) acc[j] += av * row[j];
        }
        for (int64_t j = 0; j < w; ++j) c[jb + j] = alpha * acc[j] + (beta == 0 ? 0.0f : beta * c[jb + j]);
      }
    } else if (cs_a == 1 && rs_b == 1 && PickKernel().mr == kGemmMR512) {
      // Columns contiguous (transposed weights) under the AVX-512 kernel: several columns'
      // streams in flight at once (one column at a time read 8 MB of a fully connected layer's
      // weights at 19 GB/s, onnxruntime at 30).
      GemvColumnsAvx512(j1 - j0, k, alpha, a, b + j0 * cs_b, cs_b, beta, c + j0);
    } else {
      // A column of B against a: with both contiguous, eight partial sums (one vector) so that
      // the compiler need not keep one serial chain of additions.
      constexpr int kLanes = 8;
      const bool contiguous = cs_a == 1 && rs_b == 1;
      for (int64_t j = j0; j < j1; ++j) {
        const float* col = b + j * cs_b;
        int64_t kk = 0;
        float acc = 0;
        if (contiguous) {
          float part[kLanes] = {};
          for (; kk + kLanes <= k; kk += kLanes) {
            for (int l = 0; l < kLanes; ++l) part[l] += a[kk + l] * col[kk + l];
          }
          for (int l = 0; l < kLanes; ++l) acc += part[l];
        }
        for (; kk < k; ++kk) acc += a[kk * cs_a] * col[kk * rs_b];
        c[j] = alpha * acc + (beta == 0 ? 0.0f : beta * c[j]);
      }
    }
  });
}

// C's tiles (mc x nc, mc <= kMC and a multiple of MR, nc <= kNCMax and a multiple of NR), one
// per chunk of the parallel loop, which hands them out in order to whichever thread is free.
// Of the ways to cut m into equal blocks and n into panels, the one whose busiest thread has
// the least work: tiles of kMC x kNCMax cut as they fell left threads idle for a tile (a
// 64 x 1024 product as 6 tiles of 192 columns: 576 against 448 columns; 256 rows as 144 + 112;
// 128 x 64 as one tile, on one thread). A tile costs its rows times its panels, plus what each
// tile and each of its panels costs whatever the rows (packing B, the epilogue), estimated.
struct Tiling {
  int64_t mc, nc;
};

Tiling PlanTiles(int64_t m, int64_t n, int mr, int nr, int threads) {
  const int64_t panels = (n + nr - 1) / nr, least_blocks = (m + kMC - 1) / kMC;
  Tiling best{kMC, kNCMax};
  double best_cost = -1;
  for (int64_t blocks = least_blocks; blocks < least_blocks + threads; ++blocks) {
    const int64_t mc = ((m + blocks - 1) / blocks + mr - 1) / mr * mr;
    if (mc <= 0 || (blocks > least_blocks && (m + mc - 1) / mc < blocks)) break;  // m too small to cut further
    for (int64_t per = std::min<int64_t>(panels, kNCMax / nr); per >= 1; --per) {
      const int64_t tiles = ((m + mc - 1) / mc) * ((panels + per - 1) / per);
      const int64_t rounds = (tiles + threads - 1) / threads;
      const double cost = static_cast<double>(rounds) * (mc + 16) * (per + 0.5);
      if (best_cost < 0 || cost < best_cost) {
        best_cost = cost;
        best = {mc, per * nr};
      }
    }
  }
  return best;
}

// What the calling thread's kSgemmKeptB slot holds (Blocked's keep_b): B's column block from j0
// of the product numbered `product`, each product that keeps B numbered anew.
struct KeptB {
  uint64_t product = 0;
  int64_t j0 = -1;
};
thread_local KeptB tls_kept_b;
std::atomic<uint64_t> kept_b_products{0};

// The blocked product with the MR x NR tile of `kernel` (see sgemm.h).
// A or B may come packed (PackedMatrix's layout; nullptr: pack it here). The packed
// operand's own pointer and strides are then unused.
template <int MR, int NR>
void Blocked(MicroKernel kernel, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t rs_a,
             int64_t cs_a, const float* b, int64_t rs_b, int64_t cs_b, float beta, float* c, int64_t ldc, int threads,
             const PackedMatrix* packed_a, const PackedMatrix* packed_b, const PanelPacker* pack_b,
             const TileEpilogue* epilogue) {
  const Tiling tiling = PlanTiles(m, n, MR, NR, threads);
  const int64_t mc = tiling.mc, nc = tiling.nc, nc_blocks = (n + nc - 1) / nc, mc_blocks = (m + mc - 1) / mc;
  // Where B's columns of a tile fit the scratch at full depth (k x nc) and C has several row
  // blocks, the tiles go column block by column block and each thread keeps the B it packed
  // (every K slice, in its own scratch slot, marked with this product's number and the block)
  // for its next tiles of the same block, instead of packing it again per tile: a 1x1 layer's
  // positions, 8 x 8 or 16 x 16, against 4 to 8 row blocks of weights (256 -> 1024 over 8 x 8, 2
  // threads, 0.094 -> 0.086 ms; 256 -> 512 over 16 x 16 0.198 -> 0.172). The tiles are still
  // claimed one at a time, in order (a thread's blocks only go up), so a thread slowed by
  // another process leaves its tiles to the other.
  const int64_t nc_padded = (nc + NR - 1) / NR * NR;
  const bool keep_b = !packed_b && mc_blocks > 1 && k * nc_padded <= kKC * kNCMax;
  const uint64_t product = keep_b ? ++kept_b_products : 0;
  ParallelFor(threads, mc_blocks * nc_blocks, 1, [&](int64_t t0, int64_t t1) {
    float* own_a = packed_a
                       ? nullptr
                       : static_cast<float*>(ThreadScratch(static_cast<size_t>(kMC * kKC) * sizeof(float), kSgemmA));
    float* own_b = packed_b ? nullptr
                            : static_cast<float*>(ThreadScratch(static_cast<size_t>(kKC * kNCMax) * sizeof(float),
                                                                keep_b ? kSgemmKeptB : kSgemmB));
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t i0 = (keep_b ? t % mc_blocks : t / nc_blocks) * mc;
      const int64_t j0 = (keep_b ? t / mc_blocks : t % nc_blocks) * nc;
      const int64_t mcur = std::min(mc, m - i0), ncur = std::min(nc, n - j0);
      const bool pack_now = !keep_b || tls_kept_b.product != product || tls_kept_b.j0 != j0;
      for (int64_t p0 = 0; p0 < k; p0 += kKC) {
        const int64_t kc = std::min(kKC, k - p0);
        const float* pa = own_a;
        const float* pb = own_b;
        if (packed_a) {
          pa = packed_a->data() + p0 * packed_a->padded() + i0 * kc;
        } else {
          PackA<MR>(a + i0 * rs_a + p0 * cs_a, rs_a, cs_a, mcur, kc, alpha, own_a);
        }
        if (packed_b) {
          pb = packed_b->data() + p0 * packed_b->padded() + j0 * kc;
        } else {
          float* slice = keep_b ? own_b + p0 * nc_padded : own_b;  // slices kc x nc_padded
          pb = slice;
          if (pack_now && pack_b) {
            (*pack_b)(p0, kc, j0, ncur, NR, slice);
          } else if (pack_now) {
            PackB<NR>(b + p0 * rs_b + j0 * cs_b, rs_b, cs_b, kc, ncur, slice);
          }
        }
        const float beta_now = p0 == 0 ? beta : 1.0f;
        for (int64_t jr = 0; jr < ncur; jr += NR) {
          const int nr = static_cast<int>(std::min<int64_t>(NR, ncur - jr));
          for (int64_t ir = 0; ir < mcur; ir += MR) {
            const int mr = static_cast<int>(std::min<int64_t>(MR, mcur - ir));
            kernel(kc, pa + ir * kc, pb + jr * kc, c + (i0 + ir) * ldc + j0 + jr, ldc, beta_now, mr, nr);
          }
        }
      }
      if (keep_b) tls_kept_b = {product, j0};
      if (epilogue) (*epilogue)(i0, j0, mcur, ncur);
    }
  });
}

// The narrow product (sgemm.h kNarrowN): each thread a range of A's 24-row panels, for each K
// slice B packed once into 16 columns, then the panels in order (A read once, as one stream).
void Narrow(int64_t m, int64_t n, int64_t k, const PackedMatrix& pa, const float* b, int64_t rs_b, int64_t cs_b,
            float beta, float* c, int64_t ldc, int threads, const PanelPacker* pack_b, const TileEpilogue* epilogue) {
  const int64_t panels = (m + kNarrowMR - 1) / kNarrowMR, grain = (panels + threads - 1) / threads;
  ParallelFor(threads, panels, grain, [&](int64_t q0, int64_t q1) {
    float* own_b = static_cast<float*>(ThreadScratch(static_cast<size_t>(kKC * kNarrowN) * sizeof(float), kSgemmB));
    const int64_t i0 = q0 * kNarrowMR, rows = std::min(m, q1 * kNarrowMR) - i0;
    for (int64_t j0 = 0; j0 < n; j0 += kNarrowN) {  // one block where n <= kNarrowN, as conv.cc asks
      const int64_t nc = std::min(kNarrowN, n - j0);
      for (int64_t p0 = 0; p0 < k; p0 += kKC) {
        const int64_t kc = std::min(kKC, k - p0);
        if (pack_b) {
          (*pack_b)(p0, kc, j0, nc, kNarrowN, own_b);
        } else {
          PackB<kNarrowN>(b + p0 * rs_b + j0 * cs_b, rs_b, cs_b, kc, nc, own_b);
        }
        const float* slice = pa.data() + p0 * pa.padded();
        for (int64_t q = q0; q < q1; ++q) {
          const int mr = static_cast<int>(std::min<int64_t>(kNarrowMR, m - q * kNarrowMR));
          NarrowKernelAvx512(kc, slice + q * kNarrowMR * kc, own_b, c + q * kNarrowMR * ldc + j0, ldc,
                             p0 == 0 ? beta : 1.0f, mr, static_cast<int>(nc));
        }
      }
    }
    if (epilogue && rows > 0) (*epilogue)(i0, 0, rows, n);
  });
}

// Every form of Sgemm: the empty and degenerate products, a single row as a GEMV (where
// nothing is packed), else the blocked product with the micro-kernel in use.
void Product(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b,
             int64_t rs_b, int64_t cs_b, float beta, float* c, int64_t ldc, int threads, const PackedMatrix* packed_a,
             const PackedMatrix* packed_b, const TileEpilogue* epilogue, const PanelPacker* pack_b = nullptr) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    ScaleC(m, n, beta, c, ldc);
    if (epilogue) (*epilogue)(0, 0, m, n);
    return;
  }
  if (m == 1 && !packed_a && !packed_b && !pack_b && !epilogue)
    return Gemv(n, k, alpha, a, cs_a, b, rs_b, cs_b, beta, c, threads);
  const Choice& choice = PickKernel();
  if (packed_a && packed_a->tile() == kNarrowMR)
    return Narrow(m, n, k, *packed_a, b, rs_b, cs_b, beta, c, ldc, threads, pack_b, epilogue);
  if (choice.mr == kGemmMR512) {
    Blocked<kGemmMR512, kGemmNR512>(choice.kernel, m, n, k, alpha, a, rs_a, cs_a, b, rs_b, cs_b, beta, c, ldc, threads,
                                    packed_a, packed_b, pack_b, epilogue);
  } else {
    Blocked<kGemmMR, kGemmNR>(choice.kernel, m, n, k, alpha, a, rs_a, cs_a, b, rs_b, cs_b, beta, c, ldc, threads,
                              packed_a, packed_b, pack_b, epilogue);
  }
}

}  // namespace

const char* SgemmKernelName() { return PickKernel().name; }

// Two rows of the tile at a time: 2 x 16 accumulators fit the registers of baseline SSE2 and
// of NEON, so the compiler keeps them there and vectorizes the j loops (a whole 6 x 16 tile
// would spill on SSE2 and run several times slower).
void MicroKernelPortable(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float beta, int mr,
                         int nr) {
  for (int r0 = 0; r0 < mr; r0 += 2) {
    float acc0[kGemmNR] = {};
    float acc1[kGemmNR] = {};
    const float* a = pa + r0;
    const float* b = pb;
    for (int64_t k = 0; k < kc; ++k) {
      const float x0 = a[0], x1 = a[1];
      for (int j = 0; j < kGemmNR; ++j) {
        acc0[j] += x0 * b[j];
        acc1[j] += x1 * b[j];
      }
      a += kGemmMR;
      b += kGemmNR;
    }
    for (int r = r0; r < r0 + 2 && r < mr; ++r) {
      const float* acc = r == r0 ? acc0 : acc1;
      float* row = c + r * ldc;
      if (beta == 0) {
        for (int j = 0; j < nr; ++j) row[j] = acc[j];
      } else {
        for (int j = 0; j < nr; ++j) row[j] = beta * row[j] + acc[j];
      }
    }
  }
}

void Sgemm(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b,
           int64_t rs_b, int64_t cs_b, float beta, float* c, int64_t ldc, int threads) {
  Product(m, n, k, alpha, a, rs_a, cs_a, b, rs_b, cs_b, beta, c, ldc, threads, nullptr, nullptr, nullptr);
}

namespace {

// Packings alive, by what was packed: a second engine instance or context of the same weights
// shares the first one's panels. The key holds a hash of the bytes as well as their address: a
// packing can outlive its source (a half adapter frees its widened weights before the kernel
// that packed them), and another layer's weights may then be allocated at the same address.
struct PackKey {
  const float* src;
  uint64_t hash;
  int64_t outer, k, rs, cs;
  float alpha;
  int tile;
  char side;
  bool operator<(const PackKey& o) const {
    return std::tie(src, hash, outer, k, rs, cs, alpha, tile, side) <
           std::tie(o.src, o.hash, o.outer, o.k, o.rs, o.cs, o.alpha, o.tile, o.side);
  }
};

// A hash of the floats a (outer x k) operand with strides (rs, cs) spans: the bytes from its
// first to its last element (the operand itself where it is one dense matrix, as weights are).
// Four multiply-xor lanes, so that it runs at memory speed.
uint64_t SpanHash(const float* src, int64_t outer, int64_t k, int64_t rs, int64_t cs) {
  const int64_t last = (outer - 1) * rs + (k - 1) * cs;
  const size_t bytes = static_cast<size_t>(last + 1) * sizeof(float);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(src);
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h[4] = {1, 2, 3, 4};
  size_t i = 0;
  for (; i + 32 <= bytes; i += 32) {
    for (int l = 0; l < 4; ++l) {
      uint64_t w;
      std::memcpy(&w, p + i + 8 * l, 8);
      h[l] = (h[l] ^ w) * kMul;
      h[l] ^= h[l] >> 29;
    }
  }
  uint64_t out = bytes;
  for (; i < bytes; ++i) out = (out ^ p[i]) * kMul;
  for (int l = 0; l < 4; ++l) out = (out ^ h[l]) * kMul;
  return out ^ (out >> 31);
}

template <typename Pack>
std::shared_ptr<const float> SharedPacking(const PackKey& key, size_t floats, Pack pack) {
  static std::mutex mu;
  static std::map<PackKey, std::weak_ptr<const float>> alive;
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = alive.begin(); it != alive.end();) it = it->second.expired() ? alive.erase(it) : std::next(it);
  if (auto found = alive.find(key); found != alive.end()) {
    if (std::shared_ptr<const float> p = found->second.lock()) return p;
  }
  std::shared_ptr<float> buf = AlignedBlock<float>(floats * sizeof(float));
  pack(buf.get());
  alive[key] = buf;
  return buf;
}

int64_t RoundUp(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// An operand's panels (`padded` rows or columns, depth k), every KC slice of them, shared as
// SharedPacking shares them: slice(p0, kc, out) packs slice p0 into out.
template <typename Slice>
std::shared_ptr<const float> PackSlices(const PackKey& key, int64_t padded, int64_t k, Slice slice) {
  return SharedPacking(key, static_cast<size_t>(padded * k), [&](float* out) {
    for (int64_t p0 = 0; p0 < k; p0 += kKC) slice(p0, std::min(kKC, k - p0), out + p0 * padded);
  });
}

}  // namespace

// A is read as one packed K slice, and a strip's copy of B fits the scratch Shallow takes.
static_assert(kShallowFewK <= kKC && kShallowFewK <= 4 * kShallowPatchK, "the shallow kernel's k");
bool ShallowFits(int64_t k, bool patches, int64_t m) {
  const int64_t most = patches ? kShallowPatchK : m >= 1 && m <= kShallowFewM ? kShallowFewK : kShallowK;
  return k >= 1 && k <= most && PickKernel().mr == kGemmMR512;
}

bool NarrowFits(int64_t n) { return n >= 1 && n <= kNarrowN && PickKernel().mr == kGemmMR512; }

PackedMatrix::PackedMatrix(int64_t outer, int64_t k, int tile)
    : outer_(outer), k_(k), padded_(RoundUp(outer, tile)), tile_(tile) {}

PackedMatrix PackedMatrix::A(int64_t m, int64_t k, float alpha, const float* a, int64_t rs, int64_t cs, int tile) {
  PackedMatrix p(m, k, tile == kNarrowMR && NarrowFits(1) ? kNarrowMR : PickKernel().mr);
  const bool wide = p.tile_ == kGemmMR512;
  p.data_ = PackSlices(PackKey{a, SpanHash(a, m, k, rs, cs), m, k, rs, cs, alpha, p.tile_, 'A'}, p.padded_, k,
                       [&](int64_t p0, int64_t kc, float* out) {
                         if (p.tile_ == kNarrowMR) {
                           PackA<kNarrowMR>(a + p0 * cs, rs, cs, m, kc, alpha, out);
                         } else if (wide) {
                           PackA<kGemmMR512>(a + p0 * cs, rs, cs, m, kc, alpha, out);
                         } else {
                           PackA<kGemmMR>(a + p0 * cs, rs, cs, m, kc, alpha, out);
                         }
                       });
  return p;
}

PackedMatrix PackedMatrix::B(int64_t k, int64_t n, const float* b, int64_t rs, int64_t cs) {
  PackedMatrix p(n, k, PickKernel().nr);
  const bool wide = p.tile_ == kGemmNR512;
  p.data_ = PackSlices(PackKey{b, SpanHash(b, n, k, cs, rs), n, k, rs, cs, 1.0f, p.tile_, 'B'}, p.padded_, k,
                       [&](int64_t p0, int64_t kc, float* out) {
                         if (wide) {
                           PackB<kGemmNR512>(b + p0 * rs, rs, cs, kc, n, out);
                         } else {
                           PackB<kGemmNR>(b + p0 * rs, rs, cs, kc, n, out);
                         }
                       });
  return p;
}

void Sgemm(const PackedMatrix& a, int64_t n, const float* b, int64_t rs_b, int64_t cs_b, float beta, float* c,
           int64_t ldc, int threads, const TileEpilogue* epilogue) {
  Product(a.outer(), n, a.k(), 1.0f, nullptr, 0, 0, b, rs_b, cs_b, beta, c, ldc, threads, &a, nullptr, epilogue);
}

void Sgemm(const PackedMatrix& a, int64_t n, const PanelPacker& pack_b, float beta, float* c, int64_t ldc, int threads,
           const TileEpilogue* epilogue) {
  Product(a.outer(), n, a.k(), 1.0f, nullptr, 0, 0, nullptr, 0, 0, beta, c, ldc, threads, &a, nullptr, epilogue,
          &pack_b);
}

void Sgemm(int64_t m, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const PackedMatrix& b, float beta,
           float* c, int64_t ldc, int threads, const TileEpilogue* epilogue) {
  Product(m, b.outer(), b.k(), alpha, a, rs_a, cs_a, nullptr, 0, 0, beta, c, ldc, threads, nullptr, &b, epilogue);
}

}  // namespace cpu
}  // namespace hybridrt
