// RowMin / RowMax (reduce_minmax.h).
#include "cpu/reduce_minmax.h"

#include <cmath>
#include <limits>

#include "cpu/tap_sum.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

// The rule itself, one element at a time.
template <bool kMax>
float Sequential(const float* x, int64_t n) {
  float m = kMax ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) m = ((kMax ? x[i] > m : x[i] < m) || std::isnan(x[i])) ? x[i] : m;
  return m;
}

// What the rule keeps, given the row's extreme e over its non-NaN elements and whether it holds
// a NaN: the last NaN; else the first element equal to e (the same bits as e unless e is zero).
template <bool kMax>
float Pick(const float* x, int64_t n, float e, bool nan) {
  if (nan) {
    for (int64_t i = n - 1; i >= 0; --i) {
      if (std::isnan(x[i])) return x[i];
    }
  }
  if (e != 0.0f) return e;
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] == e) return x[i];
  }
  return e;  // an empty row: the start value
}

#ifdef HR_X86
template <bool kMax>
__attribute__((target("avx512f"))) float Row512(const float* x, int64_t n) {
  const float start = kMax ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  const __m512 init = _mm512_set1_ps(start);
  __m512 a = init, b = init;
  __mmask16 nan = 0;
  int64_t i = 0;
  // MINPS/MAXPS return their second operand where either is NaN: the accumulator, so NaNs are
  // left out of the extreme and counted in `nan` instead.
  for (; i + 32 <= n; i += 32) {
    const __m512 u = _mm512_loadu_ps(x + i), v = _mm512_loadu_ps(x + i + 16);
    nan |= _mm512_cmp_ps_mask(u, v, _CMP_UNORD_Q);
    a = kMax ? _mm512_max_ps(u, a) : _mm512_min_ps(u, a);
    b = kMax ? _mm512_max_ps(v, b) : _mm512_min_ps(v, b);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = static_cast<__mmask16>(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    const __m512 u = _mm512_mask_loadu_ps(init, m, x + i);
    nan |= _mm512_cmp_ps_mask(u, u, _CMP_UNORD_Q);
    a = kMax ? _mm512_max_ps(u, a) : _mm512_min_ps(u, a);
  }
  alignas(64) float l[32];
  _mm512_store_ps(l, a);
  _mm512_store_ps(l + 16, b);
  float e = start;
  for (int j = 0; j < 32; ++j) e = (kMax ? l[j] > e : l[j] < e) ? l[j] : e;
  return Pick<kMax>(x, n, e, nan != 0);
}
#endif

template <bool kMax>
float Row(const float* x, int64_t n) {
#ifdef HR_X86
  if (VectorKernel() == SimdKernel::kAvx512) return Row512<kMax>(x, n);
#endif
  return Sequential<kMax>(x, n);
}

}  // namespace

float RowMin(const float* x, int64_t n) { return Row<false>(x, n); }
float RowMax(const float* x, int64_t n) { return Row<true>(x, n); }

}  // namespace cpu
}  // namespace hybridrt
