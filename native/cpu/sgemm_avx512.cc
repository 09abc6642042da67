// The AVX-512 SGEMM micro-kernel: an 8 x 32 tile of C (kGemmMR512 x kGemmNR512) in sixteen zmm
// accumulators, two loads of B and eight broadcasts of A per k: sixteen independent FMA chains
// hide the FMA latency, and each load feeds two FMAs (the 6 x 16 tile of the AVX2 kernel, one
// zmm a row, fed one FMA per load and ran out of load slots first). B is prefetched ahead.
// (A 12 x 32 tile, 24 accumulators, ran 5% faster with its panels in L1 but no faster on
// resnet18/50, whose layers wait on memory, not on the FMAs.) Compiled for avx512f
// through a target attribute; sgemm.cc picks it at run time where the CPU has AVX-512F.
#include "cpu/sgemm.h"

#include <cstdlib>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace hybridrt {
namespace cpu {

namespace {

// One row of a tile into C: = acc, or beta * C + acc; lanes outside the masks untouched.
__attribute__((target("avx512f"), always_inline)) inline void StoreRow(float* row, __m512 a0, __m512 a1, float beta,
                                                                       __m512 vb, __mmask16 lo, __mmask16 hi) {
  if (beta == 0) {
    _mm512_mask_storeu_ps(row, lo, a0);
    _mm512_mask_storeu_ps(row + 16, hi, a1);
  } else {
    _mm512_mask_storeu_ps(row, lo, _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(lo, row), a0));
    _mm512_mask_storeu_ps(row + 16, hi, _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(hi, row + 16), a1));
  }
}

constexpr int64_t kPrefetchB = 16 * kGemmNR512;
// A's panel 64 k ahead (2 KiB): where A is a layer's packed weights (a 1x1 convolution over
// 8 x 8 to 16 x 16 positions) it streams from memory once per run, and the kernel waited on it
// too (1024 -> 256 over 8 x 8, 2 threads, weights from memory: 0.121 -> 0.095 ms, their time
// from cache; 512 -> 128 over 16 x 16 0.118 -> 0.099; from cache unchanged).
constexpr int64_t kPrefetchA = 64 * kGemmMR512;

// The sum of a vector's lanes, in halves (GCC's _mm512_reduce_add_ps warns of an uninitialized
// value inside its own header).
__attribute__((target("avx512f"))) inline float LaneSum(__m512 v) {
  alignas(64) float l[16];
  _mm512_store_ps(l, v);
  float h[8];
  for (int i = 0; i < 8; ++i) h[i] = l[i] + l[i + 8];
  for (int i = 0; i < 4; ++i) h[i] += h[i + 4];
  return (h[0] + h[2]) + (h[1] + h[3]);
}

// The kernel's body for the tile's first R rows: a partial tile of R < 8 rows runs R rows' FMAs,
// not eight (the panel still holds 8 values a k, zero past the tile). A transposed product's last
// tile of positions: squeezenet1_1's classifier, 49 positions as 7 panels, the last of 1 row, ran
// as long as a full one. Each row's sums are the 8-row kernel's, in the same order.
template <int R>
__attribute__((target("avx512f"), always_inline)) inline void MicroRows(int64_t kc, const float* pa, const float* pb,
                                                                        float* c, int64_t ldc, float beta, int nr) {
  __m512 acc[R][2];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    // B's panel 16 k ahead (2 KiB), into L1: where B is a layer's weights (the transposed
    // product of a late convolution, positions as rows) it streams from memory once per run,
    // and the hardware prefetcher alone left the kernel waiting on it (a 3x3 layer over 4x4
    // positions and 512 channels ran at 11 GB/s, 0.85 ms; prefetched 0.5 ms, onnxruntime's
    // time). Past a panel's end the prefetch runs into the next panel, which comes next.
    _mm_prefetch(reinterpret_cast<const char*>(pb + kPrefetchB), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(pb + kPrefetchB + 16), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(pa + kPrefetchA), _MM_HINT_T0);
    const __m512 p = _mm512_load_ps(pb);
    const __m512 q = _mm512_load_ps(pb + 16);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512 a = _mm512_set1_ps(pa[r]);
      acc[r][0] = _mm512_fmadd_ps(a, p, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, q, acc[r][1]);
    }
    pa += kGemmMR512;
    pb += kGemmNR512;
  }
  // Columns past nr are masked off, so partial tiles store straight into C too. The
  // accumulators are indexed by constants only (rows unrolled, R a constant), so that they stay
  // in registers: indexed by the run-time row count they lived on the stack, zeroed there and
  // copied out around the loop, which cost a quarter of a shallow product's time (a 1x1
  // convolution over 16 to 32 channels).
  const __mmask16 lo = static_cast<__mmask16>(nr >= 16 ? 0xffffu : (1u << nr) - 1u);
  const __mmask16 hi = static_cast<__mmask16>(nr >= 32 ? 0xffffu : nr <= 16 ? 0u : (1u << (nr - 16)) - 1u);
  const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) StoreRow(c + r * ldc, acc[r][0], acc[r][1], beta, vb, lo, hi);
}

}  // namespace

__attribute__((target("avx512f"))) void MicroKernelAvx512(int64_t kc, const float* pa, const float* pb, float* c,
                                                          int64_t ldc, float beta, int mr, int nr) {
  switch (mr) {
    case 1: return MicroRows<1>(kc, pa, pb, c, ldc, beta, nr);
    case 2: return MicroRows<2>(kc, pa, pb, c, ldc, beta, nr);
    case 3: return MicroRows<3>(kc, pa, pb, c, ldc, beta, nr);
    case 4: return MicroRows<4>(kc, pa, pb, c, ldc, beta, nr);
    case 5: return MicroRows<5>(kc, pa, pb, c, ldc, beta, nr);
    case 6: return MicroRows<6>(kc, pa, pb, c, ldc, beta, nr);
    case 7: return MicroRows<7>(kc, pa, pb, c, ldc, beta, nr);
    default: return MicroRows<kGemmMR512>(kc, pa, pb, c, ldc, beta, nr);
  }
}

namespace {

// One row of a shallow tile finished and stored: (+ bias) (+ z row), clamped as Clip's formula
// (max(lo, v) keeps v where it is NaN, min(hi, .) likewise) or HardSwish.
__attribute__((target("avx512f"), always_inline)) inline void FinishRow(float* row, __m512 a0, __m512 a1,
                                                                        const ShallowFinish& f, int r, int64_t ldc,
                                                                        __m512 vlo, __m512 vhi, __mmask16 lo,
                                                                        __mmask16 hi) {
  if (f.bias) {
    const __m512 b = _mm512_set1_ps(f.bias[r]);
    a0 = _mm512_add_ps(a0, b);
    a1 = _mm512_add_ps(a1, b);
  }
  if (f.z) {
    const float* z = f.z + r * f.ldz;
    a0 = _mm512_add_ps(a0, _mm512_maskz_loadu_ps(lo, z));
    a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(hi, z + 16));
  }
  if (f.clamp) {
    // (The maskz forms: GCC warns of the plain forms' undefined pass-through operand.)
    a0 = _mm512_maskz_min_ps(0xffff, vhi, _mm512_maskz_max_ps(0xffff, vlo, a0));
    a1 = _mm512_maskz_min_ps(0xffff, vhi, _mm512_maskz_max_ps(0xffff, vlo, a1));
  } else if (f.hard_swish) {
    // x * clamp01(x / 6 + 0.5): the formula's operations in its order (a division, not * 1/6),
    // clamp01's NaN kept as max/min keep their second operand.
    const __m512 six = _mm512_set1_ps(6.0f), half = _mm512_set1_ps(0.5f);
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __m512 t0 = _mm512_add_ps(_mm512_div_ps(a0, six), half), t1 = _mm512_add_ps(_mm512_div_ps(a1, six), half);
    a0 = _mm512_mul_ps(a0, _mm512_maskz_min_ps(0xffff, one, _mm512_maskz_max_ps(0xffff, zero, t0)));
    a1 = _mm512_mul_ps(a1, _mm512_maskz_min_ps(0xffff, one, _mm512_maskz_max_ps(0xffff, zero, t1)));
  }
  _mm512_mask_storeu_ps(row + r * ldc, lo, a0);
  _mm512_mask_storeu_ps(row + r * ldc + 16, hi, a1);
}

}  // namespace

__attribute__((target("avx512f"))) void ShallowKernelAvx512(int64_t kc, const float* pa, const float* b, int64_t ldb,
                                                            float* c, int64_t ldc, int mr, int nr,
                                                            const ShallowFinish& f) {
  const __mmask16 lo = static_cast<__mmask16>(nr >= 16 ? 0xffffu : (1u << nr) - 1u);
  const __mmask16 hi = static_cast<__mmask16>(nr >= 32 ? 0xffffu : nr <= 16 ? 0u : (1u << (nr - 16)) - 1u);
  __m512 acc[kGemmMR512][2];
#pragma GCC unroll 8
  for (int r = 0; r < kGemmMR512; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 p = _mm512_maskz_loadu_ps(lo, b + k * ldb);
    const __m512 q = _mm512_maskz_loadu_ps(hi, b + k * ldb + 16);
#pragma GCC unroll 8
    for (int r = 0; r < kGemmMR512; ++r) {
      const __m512 a = _mm512_set1_ps(pa[r]);
      acc[r][0] = _mm512_fmadd_ps(a, p, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, q, acc[r][1]);
    }
    pa += kGemmMR512;
  }
  const __m512 vlo = _mm512_set1_ps(f.lo), vhi = _mm512_set1_ps(f.hi);
  if (mr == kGemmMR512) {  // rows unrolled: the accumulators stay in registers (see above)
#pragma GCC unroll 8
    for (int r = 0; r < kGemmMR512; ++r) FinishRow(c, acc[r][0], acc[r][1], f, r, ldc, vlo, vhi, lo, hi);
    return;
  }
  alignas(64) float rows[kGemmMR512][kGemmNR512];
#pragma GCC unroll 8
  for (int r = 0; r < kGemmMR512; ++r) {
    _mm512_store_ps(rows[r], acc[r][0]);
    _mm512_store_ps(rows[r] + 16, acc[r][1]);
  }
  for (int r = 0; r < mr; ++r)
    FinishRow(c, _mm512_load_ps(rows[r]), _mm512_load_ps(rows[r] + 16), f, r, ldc, vlo, vhi, lo, hi);
}

// The narrow micro-kernel (sgemm.h): C[mr x nr] (mr <= 24, nr <= 16) from a packed 24-row panel of
// A and a 16-column panel of B, one zmm accumulator a row: each 64-byte load of B feeds 24 FMAs,
// and A streams from memory as one run (the 8 x 32 tile with 16 columns left half of each FMA
// idle and read the weights twice; three 8-row panels read at once, three streams, ran 10-15%
// slower from memory than one).
__attribute__((target("avx512f"))) void NarrowKernelAvx512(int64_t kc, const float* pa, const float* pb, float* c,
                                                           int64_t ldc, float beta, int mr, int nr) {
  constexpr int R = kNarrowMR;
  constexpr int64_t kAhead = 64 * R;  // 64 k ahead, 6 KiB
  __m512 acc[R];
#pragma GCC unroll 24
  for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 2 <= kc; k += 2) {  // two k: three cache lines of A
#pragma GCC unroll 3
    for (int l = 0; l < 3; ++l) _mm_prefetch(reinterpret_cast<const char*>(pa + kAhead + 16 * l), _MM_HINT_T0);
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      const __m512 b = _mm512_load_ps(pb + h * 16);
#pragma GCC unroll 24
      for (int r = 0; r < R; ++r) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(pa[h * R + r]), b, acc[r]);
    }
    pa += 2 * R;
    pb += 32;
  }
  if (k < kc) {
    const __m512 b = _mm512_load_ps(pb);
#pragma GCC unroll 24
    for (int r = 0; r < R; ++r) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(pa[r]), b, acc[r]);
  }
  const __mmask16 m = static_cast<__mmask16>(nr >= 16 ? 0xffffu : (1u << nr) - 1u);
  const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 24
  for (int r = 0; r < R; ++r) {  // constant indices: the accumulators stay in registers
    if (r >= mr) break;
    float* row = c + r * ldc;
    const __m512 v = beta == 0 ? acc[r] : _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m, row), acc[r]);
    _mm512_mask_storeu_ps(row, m, v);
  }
}

// Columns j .. j + Q - 1 of GemvColumnsAvx512, each summed in two zmm chains: Q streams from
// memory at once (a fully connected layer's weights are read once per run, so the time is how
// many misses are in flight), each prefetched 1 KiB ahead. One body for the blocks of four and
// the single columns after them, so that a column's arithmetic (and its last bits) does not
// depend on where it falls: which block, which thread's share (identical columns, as constant
// weights make, must give identical logits, or a softmax of large equal logits picks one).
template <int Q>
__attribute__((target("avx512f"), always_inline)) inline void GemvColumns(int64_t k, float alpha, const float* a,
                                                                          const float* b, int64_t ldb, float beta,
                                                                          float* c) {
  constexpr int64_t kAhead = 256;
  const __mmask16 tail = static_cast<__mmask16>((1u << (k % 16)) - 1u);
  const int64_t k16 = k / 16 * 16;
  const float* col[Q];
  __m512 s0[Q], s1[Q];
  for (int q = 0; q < Q; ++q) {
    col[q] = b + q * ldb;
    s0[q] = s1[q] = _mm512_setzero_ps();
  }
  int64_t i = 0;
  for (; i + 32 <= k; i += 32) {
    const __m512 x0 = _mm512_loadu_ps(a + i), x1 = _mm512_loadu_ps(a + i + 16);
#pragma GCC unroll 4
    for (int q = 0; q < Q; ++q) {
      _mm_prefetch(reinterpret_cast<const char*>(col[q] + i + kAhead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(col[q] + i + kAhead + 16), _MM_HINT_T0);
      s0[q] = _mm512_fmadd_ps(x0, _mm512_loadu_ps(col[q] + i), s0[q]);
      s1[q] = _mm512_fmadd_ps(x1, _mm512_loadu_ps(col[q] + i + 16), s1[q]);
    }
  }
  for (; i < k16; i += 16) {
    const __m512 x0 = _mm512_loadu_ps(a + i);
    for (int q = 0; q < Q; ++q) s0[q] = _mm512_fmadd_ps(x0, _mm512_loadu_ps(col[q] + i), s0[q]);
  }
  if (tail) {
    const __m512 x0 = _mm512_maskz_loadu_ps(tail, a + k16);
    for (int q = 0; q < Q; ++q) s1[q] = _mm512_fmadd_ps(x0, _mm512_maskz_loadu_ps(tail, col[q] + k16), s1[q]);
  }
  for (int q = 0; q < Q; ++q) {
    const float dot = LaneSum(_mm512_add_ps(s0[q], s1[q]));
    c[q] = alpha * dot + (beta == 0 ? 0.0f : beta * c[q]);
  }
}

__attribute__((target("avx512f"))) void GemvColumnsAvx512(int64_t n, int64_t k, float alpha, const float* a,
                                                          const float* b, int64_t ldb, float beta, float* c) {
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) GemvColumns<4>(k, alpha, a, b + j * ldb, ldb, beta, c + j);
  for (; j < n; ++j) GemvColumns<1>(k, alpha, a, b + j * ldb, ldb, beta, c + j);
}

}  // namespace cpu
}  // namespace hybridrt

#else

namespace hybridrt {
namespace cpu {
// Unreachable: HasAvx512() is false where this file has no AVX-512 kernel, and the portable
// kernel reads 6 x 16 panels, not this kernel's 8 x 32 ones.
void MicroKernelAvx512(int64_t, const float*, const float*, float*, int64_t, float, int, int) { std::abort(); }
void GemvColumnsAvx512(int64_t, int64_t, float, const float*, const float*, int64_t, float, float*) { std::abort(); }
void NarrowKernelAvx512(int64_t, const float*, const float*, float*, int64_t, float, int, int) { std::abort(); }
void ShallowKernelAvx512(int64_t, const float*, const float*, int64_t, float*, int64_t, int, int,
                         const ShallowFinish&) {
  std::abort();
}
}  // namespace cpu
}  // namespace hybridrt

#endif
