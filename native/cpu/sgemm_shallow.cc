// The shallow product's driver (SgemmShallow, see sgemm.h): strips of 32 columns of B, each read
// once and then from L1 by every panel of A, C finished as each tile is stored.
#include <algorithm>
#include <cstring>

#include "cpu/aligned_memory.h"
#include "cpu/sgemm.h"
#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {
namespace {

// Whether B's rows, ldb floats apart, put more than 8 of a strip's lines on one L1 set (of its
// 64 sets of 12 ways, the rest for A and C), where they would evict each other between the
// panels of A: a plane of 64 x 64 floats puts all of them on the same two sets.
bool RowsCollide(int64_t k, int64_t ldb) {
  int on_set[64] = {};
  for (int64_t r = 0; r < k; ++r) {
    const int64_t set = (r * ldb * 4 / 64) % 64;
    if (++on_set[set] > 8 || ++on_set[(set + 1) % 64] > 8) return true;
  }
  return false;
}

// Both forms of SgemmShallow: B in place (b, ldb; copied per strip where its rows collide) or
// from `pack` (each strip packed as one panel of 32 columns).
void Shallow(const PackedMatrix& a, int64_t n, const float* b, int64_t ldb, const PanelPacker* pack, float* c,
             int64_t ldc, const ShallowFinish& finish, int threads) {
  const int64_t m = a.outer(), k = a.k(), strips = (n + kGemmNR512 - 1) / kGemmNR512;
  const int64_t panels = (m + kGemmMR512 - 1) / kGemmMR512;
  const bool copy = pack || RowsCollide(k, ldb);
  const size_t own_bytes = static_cast<size_t>(4 * kShallowPatchK * kGemmNR512) * sizeof(float);
  // Strip s (B's columns from j0, its rows at bs, lds apart) times A's panels [p0, p1).
  const auto panels_of = [&](int64_t j0, const float* bs, int64_t lds, int64_t p0, int64_t p1) {
    const int nr = static_cast<int>(std::min<int64_t>(kGemmNR512, n - j0));
    if (bs == b + j0 && j0 + kGemmNR512 < n) {
      // B in place: the next strip's rows into L2 while this one runs. Each strip reads k short
      // segments a row apart, more streams than the hardware prefetcher follows, so every strip
      // started from misses (squeezenet1_1's 128 -> 16 over 31 x 31 read its 490 KB at 11 GB/s).
      for (int64_t r = 0; r < k; ++r) {
        const char* next = reinterpret_cast<const char*>(bs + r * lds + kGemmNR512);
        __builtin_prefetch(next, 0, 2);  // locality 2: into L2 (prefetcht1)
        __builtin_prefetch(next + 64, 0, 2);
        __builtin_prefetch(next + 127, 0, 2);
      }
    }
    for (int64_t i0 = p0 * kGemmMR512; i0 < std::min(m, p1 * kGemmMR512); i0 += kGemmMR512) {
      ShallowFinish f = finish;
      if (f.bias) f.bias += i0;
      if (f.z) f.z += i0 * f.ldz + j0;
      ShallowKernelAvx512(k, a.data() + i0 * k, bs, lds, c + i0 * ldc + j0, ldc,
                          static_cast<int>(std::min<int64_t>(kGemmMR512, m - i0)), nr, f);
    }
  };
  // Too few strips to share among the threads (a late layer: 8 x 8 or 4 x 4 positions make 1 or
  // 2 strips, which ran on one thread), with enough work: each strip's panels of A are cut into
  // blocks, one unit of work a (strip, block), each copying or packing its strip itself (k x 32
  // floats). The sums are the same either way.
  if (threads > 1 && strips < 4 * threads && panels > 1 && m * n * k >= (int64_t{1} << 19)) {
    const int64_t blocks = std::min(panels, (4 * threads + strips - 1) / strips);
    const int64_t per = (panels + blocks - 1) / blocks;
    ParallelFor(threads, strips * blocks, 1, [&](int64_t u0, int64_t u1) {
      float* own = copy ? static_cast<float*>(ThreadScratch(own_bytes, kSgemmB)) : nullptr;
      int64_t have = -1;  // the strip in `own`
      for (int64_t u = u0; u < u1; ++u) {
        const int64_t s = u / blocks, j0 = s * kGemmNR512, p0 = (u % blocks) * per;
        const float* bs = b + j0;
        int64_t lds = ldb;
        if (copy) {
          const int64_t nr = std::min<int64_t>(kGemmNR512, n - j0);
          if (have != s && pack) (*pack)(0, k, j0, nr, kGemmNR512, own);
          if (have != s && !pack) {
            for (int64_t r = 0; r < k; ++r)
              std::memcpy(own + r * kGemmNR512, bs + r * ldb, static_cast<size_t>(nr) * 4);
          }
          have = s;
          bs = own;
          lds = kGemmNR512;
        }
        panels_of(j0, bs, lds, p0, std::min(panels, p0 + per));
      }
    });
    return;
  }
  // A strip of 32 columns, every row of C, at a time, its B rows read once from memory and then
  // from L1 by each panel of A (first copied together where they collide in L1); C's strip
  // (m x 32) finished as each tile is stored.
  // Each thread one run of neighbouring strips (in chunks of 4 handed out in turn, the threads'
  // strips alternated: 16 -> 96 over 64 x 64, 2 threads, 0.084-0.090 -> 0.076-0.078 ms, 24 -> 144
  // over 32 x 32 0.053 -> 0.045-0.048; each thread's rows of B and C then run on as one stream).
  // A packer takes up to four strips a call (a 3-channel stem's 27 rows: packing one strip a
  // call, its per-row setup made the packing nearly as slow as the product), about 16 KiB.
  const int64_t group = pack ? std::max<int64_t>(1, std::min<int64_t>(4, 4096 / (k * kGemmNR512))) : 1;
  ParallelFor(threads, strips, std::max<int64_t>(4, (strips + threads - 1) / threads), [&](int64_t s0, int64_t s1) {
    float* own = copy ? static_cast<float*>(ThreadScratch(own_bytes, kSgemmB)) : nullptr;
    for (int64_t g0 = s0; g0 < s1; g0 += group) {
      const int64_t g1 = std::min(s1, g0 + group);
      if (pack) (*pack)(0, k, g0 * kGemmNR512, std::min(n, g1 * kGemmNR512) - g0 * kGemmNR512, kGemmNR512, own);
      for (int64_t s = g0; s < g1; ++s) {
        const int64_t j0 = s * kGemmNR512;
        const float* bs = b + j0;
        int64_t lds = ldb;
        if (pack) {
          bs = own + (s - g0) * k * kGemmNR512;  // panel s - g0 of the packed group
          lds = kGemmNR512;
        } else if (copy) {
          const int64_t nr = std::min<int64_t>(kGemmNR512, n - j0);
          for (int64_t r = 0; r < k; ++r) std::memcpy(own + r * kGemmNR512, bs + r * ldb, static_cast<size_t>(nr) * 4);
          bs = own;
          lds = kGemmNR512;
        }
        panels_of(j0, bs, lds, 0, panels);
      }
    }
  });
}

}  // namespace

void SgemmShallow(const PackedMatrix& a, int64_t n, const float* b, int64_t ldb, float* c, int64_t ldc,
                  const ShallowFinish& finish, int threads) {
  Shallow(a, n, b, ldb, nullptr, c, ldc, finish, threads);
}

void SgemmShallow(const PackedMatrix& a, int64_t n, const PanelPacker& pack_b, float* c, int64_t ldc,
                  const ShallowFinish& finish, int threads) {
  Shallow(a, n, nullptr, 0, &pack_b, c, ldc, finish, threads);
}

}  // namespace cpu
}  // namespace hybridrt
