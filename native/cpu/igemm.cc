// The int8 GEMM's driver, packing and portable micro-kernel (see igemm.h).
#include "cpu/igemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/aligned_memory.h"
#include "cpu/cpu_backend.h"
#include "src/util/thread_pool.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hybridrt {
namespace cpu {

namespace {

struct Choice {
  IgemmMicroKernel kernel;
  const char* name;
  int mr, nr;
};

bool HasVnni() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni") &&
                          __builtin_cpu_supports("avx512bw");  // InterleaveGroup512's byte unpacks
  return has;
#else
  return false;
#endif
}

// Once per process, as the SGEMM's (sgemm.cc PickKernel), from the same form (KernelForm).
const Choice& Pick() {
  static const Choice choice = [] {
    const Choice vnni{IgemmKernelVnni, "avx512vnni", kIgemmMR512, kIgemmNR512},
        avx2{IgemmKernelAvx2, "avx2", kIgemmMR, kIgemmNR},
        portable{IgemmKernelPortable, "portable", kIgemmMR, kIgemmNR};
    const std::string w = KernelForm();
    if (w == "portable") return portable;
    if (w == "avx2" && HasAvx2Fma()) return avx2;
    if (HasVnni() && (w.empty() || w == "avx512")) return vnni;
    return HasAvx2Fma() ? avx2 : portable;
  }();
  return choice;
}

constexpr int64_t kMC = 64;                  // rows per tile: a multiple of both MRs
constexpr int64_t kBBlockBytes = 256 << 10;  // B panels per tile: about half an L2
// Columns of a tile's sums that the epilogue takes at once, while they are in L1 (64 x 128 x 4
// bytes): a tile's whole block of sums (mobilenet's shallow 1x1 layers: 64 x 2048 x 4 bytes) went
// out to L2 and came back, and the epilogue cost as much as the products. A multiple of both NRs.
constexpr int64_t kEpilogueCols = 128;

}  // namespace

const char* IgemmKernelName() { return Pick().name; }

PackedInt8 PackedInt8::Pack(int64_t m, int64_t k, const int8_t* a, int64_t rs, int64_t cs) {
  PackedInt8 p;
  p.m = m;
  p.k = k;
  p.groups = (k + 3) / 4;
  p.mr = Pick().mr;
  const int64_t panels = (m + p.mr - 1) / p.mr;
  p.data = AlignedBlock<int8_t>(static_cast<size_t>(panels * p.mr * p.groups * 4));
  int8_t* out = p.data.get();
  std::memset(out, 0, static_cast<size_t>(panels * p.mr * p.groups * 4));
  p.row_sums.assign(m, 0);
  for (int64_t i = 0; i < m; ++i) {
    int8_t* panel = out + (i / p.mr) * p.mr * p.groups * 4;
    const int64_t r = i % p.mr;
    for (int64_t kk = 0; kk < k; ++kk) {
      const int8_t v = a[i * rs + kk * cs];
      panel[((kk / 4) * p.mr + r) * 4 + kk % 4] = v;
      p.row_sums[i] += v;
    }
  }
  return p;
}

void InterleaveGroup(const uint8_t* const rows[4], int64_t nc, int nr, int64_t groups, int64_t g, uint8_t flip,
                     uint8_t* out) {
  const int64_t panel_bytes = groups * nr * 4;
  int64_t j = 0;
  if (nr == kIgemmNR512 && Pick().kernel == IgemmKernelVnni) j = InterleaveGroup512(rows, nc, groups, g, flip, out);
#if defined(__SSE2__)
  const __m128i f = _mm_set1_epi8(static_cast<char>(flip));
  auto load16 = [&](int t, int64_t at) {
    return rows[t] ? _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[t] + at)), f)
                   : _mm_setzero_si128();
  };
  auto load8 = [&](int t, int64_t at) {
    return rows[t] ? _mm_xor_si128(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows[t] + at)), f)
                   : _mm_setzero_si128();
  };
  if (nr % 16 == 0) {
    for (; j + 16 <= nc; j += 16) {
      const __m128i r0 = load16(0, j), r1 = load16(1, j), r2 = load16(2, j), r3 = load16(3, j);
      const __m128i lo01 = _mm_unpacklo_epi8(r0, r1), hi01 = _mm_unpackhi_epi8(r0, r1);
      const __m128i lo23 = _mm_unpacklo_epi8(r2, r3), hi23 = _mm_unpackhi_epi8(r2, r3);
      uint8_t* dst = out + (j / nr) * panel_bytes + (g * nr + j % nr) * 4;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_unpacklo_epi16(lo01, lo23));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), _mm_unpackhi_epi16(lo01, lo23));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 32), _mm_unpacklo_epi16(hi01, hi23));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 48), _mm_unpackhi_epi16(hi01, hi23));
    }
  } else if (nr % 8 == 0) {
    for (; j + 8 <= nc; j += 8) {
      const __m128i lo01 = _mm_unpacklo_epi8(load8(0, j), load8(1, j));
      const __m128i lo23 = _mm_unpacklo_epi8(load8(2, j), load8(3, j));
      uint8_t* dst = out + (j / nr) * panel_bytes + (g * nr + j % nr) * 4;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_unpacklo_epi16(lo01, lo23));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), _mm_unpackhi_epi16(lo01, lo23));
    }
  }
#endif
  for (; j < nc; ++j) {
    uint8_t* dst = out + (j / nr) * panel_bytes + (g * nr + j % nr) * 4;
    for (int t = 0; t < 4; ++t) dst[t] = rows[t] ? static_cast<uint8_t>(rows[t][j] ^ flip) : 0;
  }
}

namespace {

// n = 1 on the VNNI kernel (igemm.h): the column packed once, blocks of kMC rows in parallel.
void Gemv(const PackedInt8& a, const Int8PanelPacker& pack_b, const Int8TileEpilogue& finish, int threads) {
  std::vector<uint8_t> column(static_cast<size_t>(a.groups * 4 + 64));
  pack_b(0, 1, 1, column.data());
  const int64_t blocks = (a.m + kMC - 1) / kMC, panel_bytes = a.mr * a.groups * 4;
  ParallelFor(threads, blocks, 1, [&](int64_t b0, int64_t b1) {
    alignas(64) int32_t sums[kMC];
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t i0 = b * kMC, rows = std::min(kMC, a.m - i0);
      IgemmGemvVnni(a.groups, a.data.get() + (i0 / a.mr) * panel_bytes, (rows + a.mr - 1) / a.mr, column.data(), sums);
      finish(i0, 0, rows, 1, sums, 1);
    }
  });
}

}  // namespace

namespace {

// The tiles of C, as Igemm describes them, each through `finish`, or requantized by the VNNI
// kernel with q (q non-null).
void Tiles(const PackedInt8& a, int64_t n, const Int8PanelPacker& pack_b, const Int8TileEpilogue* finish,
           const Int8Requant* q, int threads) {
  const Choice& ch = Pick();
  const int64_t m = a.m, groups = a.groups, mr = ch.mr, nr = ch.nr;
  const int64_t n_up = (n + nr - 1) / nr * nr;
  const int64_t mc = std::min<int64_t>(kMC, (m + mr - 1) / mr * mr), row_blocks = (m + mc - 1) / mc;
  int64_t nc = std::max<int64_t>(nr, kBBlockBytes / std::max<int64_t>(1, groups * 4) / nr * nr);
  nc = std::min(nc, n_up);
  // Enough tiles for every thread (twice over, so that uneven ones even out).
  const int64_t want = 2 * std::max(threads, 1);
  if (row_blocks * ((n + nc - 1) / nc) < want) {
    const int64_t col_blocks = (want + row_blocks - 1) / row_blocks;
    nc = std::max<int64_t>(nr, ((n + col_blocks - 1) / col_blocks + nr - 1) / nr * nr);
  }
  const int64_t col_blocks = (n + nc - 1) / nc;
  // Tiles column block by column block. The pool hands out chunks of tiles one at a time, so
  // a thread remembers which block of which product its panels hold (thread-local, across
  // chunks): a thread packs each column block once however many of its tiles it takes (packing
  // per tile, a late layer's 4608-deep panels were packed 8 times over, as much work as the
  // product).
  static std::atomic<uint64_t> products{0};
  const uint64_t product = ++products;
  thread_local uint64_t held_product = 0;
  thread_local int64_t held_block = -1;
  ParallelFor(threads, row_blocks * col_blocks, 1, [&](int64_t t0, int64_t t1) {
    uint8_t* pb = static_cast<uint8_t*>(ThreadScratch(static_cast<size_t>(nc * groups * 4 + 64), kIgemmB));
    int32_t* ct =
        q ? nullptr
          : static_cast<int32_t*>(ThreadScratch(static_cast<size_t>(mc * kEpilogueCols) * sizeof(int32_t), kIgemmC));
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t jb = t / row_blocks, ib = t % row_blocks;
      const int64_t j0 = jb * nc, i0 = ib * mc;
      const int64_t ncur = std::min(nc, n - j0), mcur = std::min(mc, m - i0);
      if (held_product != product || held_block != jb) {
        pack_b(j0, ncur, static_cast<int>(nr), pb);
        held_product = product;
        held_block = jb;
      }
      if (q) {  // each tile requantized where it was summed
        for (int64_t jr = 0; jr < ncur; jr += nr) {
          const uint8_t* panel_b = pb + (jr / nr) * groups * nr * 4;
          const int cols = static_cast<int>(std::min(nr, ncur - jr));
          for (int64_t ir = 0; ir < mcur; ir += mr) {
            IgemmKernelVnniRequant(groups, a.data.get() + ((i0 + ir) / mr) * mr * groups * 4, panel_b,
                                   static_cast<int>(std::min(mr, mcur - ir)), cols, *q, i0 + ir, j0 + jr);
          }
        }
        continue;
      }
      for (int64_t jc = 0; jc < ncur; jc += kEpilogueCols) {
        const int64_t width = std::min(kEpilogueCols, ncur - jc);
        for (int64_t jr = jc; jr < jc + width; jr += nr) {
          const uint8_t* panel_b = pb + (jr / nr) * groups * nr * 4;
          const int cols = static_cast<int>(std::min(nr, ncur - jr));
          for (int64_t ir = 0; ir < mcur; ir += mr) {
            const int8_t* panel_a = a.data.get() + ((i0 + ir) / mr) * mr * groups * 4;
            ch.kernel(groups, panel_a, panel_b, ct + ir * kEpilogueCols + (jr - jc), kEpilogueCols,
                      static_cast<int>(std::min(mr, mcur - ir)), cols);
          }
        }
        (*finish)(i0, j0 + jc, mcur, width, ct, kEpilogueCols);
      }
    }
  });
}

}  // namespace

void Igemm(const PackedInt8& a, int64_t n, const Int8PanelPacker& pack_b, const Int8TileEpilogue& finish, int threads) {
  const Choice& ch = Pick();
  if (a.m <= 0 || n <= 0) return;
  if (a.mr != ch.mr) throw std::logic_error("igemm: weights packed for another kernel");
  if (n == 1 && ch.kernel == IgemmKernelVnni) return Gemv(a, pack_b, finish, threads);
  Tiles(a, n, pack_b, &finish, nullptr, threads);
}

bool IgemmRequant(const PackedInt8& a, int64_t n, const Int8PanelPacker& pack_b, const Int8Requant& q, int threads) {
  const Choice& ch = Pick();
  if (ch.kernel != IgemmKernelVnni || n <= 1) return false;
  if (a.m <= 0) return true;
  if (a.mr != ch.mr) throw std::logic_error("igemm: weights packed for another kernel");
  Tiles(a, n, pack_b, nullptr, &q, threads);
  return true;
}

void IgemmKernelPortable(int64_t groups, const int8_t* pa, const uint8_t* pb, int32_t* c, int64_t ldc, int mr, int nr) {
  int32_t acc[kIgemmMR][kIgemmNR] = {};
  for (int64_t g = 0; g < groups; ++g) {
    for (int r = 0; r < kIgemmMR; ++r) {
      for (int j = 0; j < kIgemmNR; ++j) {
        int32_t s = 0;
        for (int t = 0; t < 4; ++t) s += static_cast<int32_t>(pa[r * 4 + t]) * static_cast<int32_t>(pb[j * 4 + t]);
        acc[r][j] += s;
      }
    }
    pa += kIgemmMR * 4;
    pb += kIgemmNR * 4;
  }
  for (int r = 0; r < mr; ++r) {
    for (int j = 0; j < nr; ++j) c[r * ldc + j] = acc[r][j];
  }
}

}  // namespace cpu
}  // namespace hybridrt
