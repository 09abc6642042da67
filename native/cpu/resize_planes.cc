// Resize by planes (resize_planes.h): each output row summed from its input rows' taps, 16
// columns a gather on AVX-512.
#include "cpu/resize_planes.h"

#include <algorithm>
#include <limits>

#include "cpu/tap_sum.h"  // VectorKernel

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HYBRIDRT_RESIZE_AVX512 1
#endif

namespace hybridrt {
namespace cpu {

namespace {

constexpr int kLanes = 16;

#ifdef HYBRIDRT_RESIZE_AVX512
// Output row r of one plane, 16 columns a vector: over the row's taps h, then the column's taps
// k, acc + (wh * wk) * x, multiplied and added in that order without fused multiply-adds, which
// is how resize.cc's general path computes each element: the same bits. (A first version
// interpolated the rows along the width first and then summed them by height: a few ulps
// apart from the general path and from onnxruntime, which flipped a rounding step of the
// dynamically quantized imgly_isnet_small's next convolution and failed its --compare.) The
// masked add leaves a lane without a k-th tap as it is (adding 0 x 0 would turn -0 into +0).
__attribute__((target("avx512f"))) void Row512(const ResizePlanes& p, const float* in, const ResizeTaps& t,
                                               float* out) {
  const int taps = p.col_taps;
  for (int64_t j = 0, b = 0; j < p.out_w; j += kLanes, ++b) {
    __m512 acc = _mm512_setzero_ps();
    for (int h = 0; h < t.count; ++h) {
      const float* row = in + t.index[h] * p.in_w;
      const __m512 wh = _mm512_set1_ps(t.weight[h]);
      for (int k = 0; k < taps; ++k) {
        const int64_t at = (b * taps + k) * kLanes;
        const __mmask16 m = p.col_mask[b * taps + k];
        const __m512i idx = _mm512_loadu_si512(p.col_index.data() + at);
        const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, row, 4);
        const __m512 w = _mm512_mul_ps(wh, _mm512_maskz_loadu_ps(m, p.col_weight.data() + at));
        acc = _mm512_mask_add_ps(acc, m, acc, _mm512_mul_ps(w, v));
      }
    }
    const int64_t left = p.out_w - j;
    _mm512_mask_storeu_ps(
        out + j, left >= kLanes ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << left) - 1), acc);
  }
}
#endif

}  // namespace

ResizePlanes MakeResizePlanes(const std::vector<ResizeAxis>& axes, const Shape& x, const Shape& y) {
  ResizePlanes p;
  const int nd = static_cast<int>(x.size());
  if (nd < 2 || axes.size() != x.size()) return p;
#ifdef HYBRIDRT_RESIZE_AVX512
  if (VectorKernel() != SimdKernel::kAvx512) return p;  // elsewhere the general path (resize.cc)
#else
  return p;
#endif
  // The outer dims: one tap of weight 1 per output index, its input plane's offset.
  const std::vector<int64_t> st = Strides(x);
  p.plane_at.assign(1, 0);
  for (int d = 0; d < nd - 2; ++d) {
    std::vector<int64_t> off;
    for (int64_t o = 0; o < y[d]; ++o) {
      const ResizeTaps t = ResizeTapsAt(axes[d], o);
      if (t.count != 1 || t.weight[0] != 1.0f) return p;
      off.push_back(t.index[0] * st[d]);
    }
    // Row-major: plane (a, o) of the dims so far is a * y[d] + o.
    std::vector<int64_t> next;
    next.reserve(p.plane_at.size() * off.size());
    for (int64_t at : p.plane_at) {
      for (int64_t o : off) next.push_back(at + o);
    }
    p.plane_at.swap(next);
  }
  p.in_h = x[nd - 2];
  p.in_w = x[nd - 1];
  p.out_h = y[nd - 2];
  p.out_w = y[nd - 1];
  if (p.in_w > std::numeric_limits<int32_t>::max() || p.out_h <= 0 || p.out_w <= 0) return p;
  for (int64_t o = 0; o < p.out_h; ++o) p.rows.push_back(ResizeTapsAt(axes[nd - 2], o));
  for (int64_t o = 0; o < p.out_w; ++o) p.cols.push_back(ResizeTapsAt(axes[nd - 1], o));
  for (const ResizeTaps& t : p.cols) p.col_taps = std::max(p.col_taps, t.count);
  const int64_t blocks = (p.out_w + kLanes - 1) / kLanes;
  p.col_index.assign(static_cast<size_t>(blocks * p.col_taps * kLanes), 0);
  p.col_weight.assign(p.col_index.size(), 0.0f);
  p.col_mask.assign(static_cast<size_t>(blocks * p.col_taps), 0);
  for (int64_t j = 0; j < p.out_w; ++j) {
    const int64_t b = j / kLanes, lane = j % kLanes;
    for (int k = 0; k < p.cols[j].count; ++k) {
      const size_t at = static_cast<size_t>((b * p.col_taps + k) * kLanes + lane);
      p.col_index[at] = static_cast<int32_t>(p.cols[j].index[k]);
      p.col_weight[at] = p.cols[j].weight[k];
      p.col_mask[static_cast<size_t>(b * p.col_taps + k)] |= static_cast<uint16_t>(1u << lane);
    }
  }
  // About 16 K outputs a task (a 224-wide plane in 4 bands).
  p.band = std::max<int64_t>(1, std::min<int64_t>(p.out_h, (16384 + p.out_w - 1) / p.out_w));
  p.on = true;
  return p;
}

void RunResizePlanes(const ResizePlanes& p, const float* x, float* y,
                     const std::function<void(int64_t, const std::function<void(int64_t, int64_t)>&)>& par) {
#ifdef HYBRIDRT_RESIZE_AVX512
  const int64_t bands = (p.out_h + p.band - 1) / p.band;
  par(static_cast<int64_t>(p.plane_at.size()) * bands, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t plane = t / bands, r0 = t % bands * p.band, r1 = std::min(p.out_h, r0 + p.band);
      const float* in = x + p.plane_at[plane];
      float* out = y + plane * p.out_h * p.out_w;
      for (int64_t r = r0; r < r1; ++r) Row512(p, in, p.rows[r], out + r * p.out_w);
    }
  });
#else
  (void)p, (void)x, (void)y, (void)par;
#endif
}

}  // namespace cpu
}  // namespace hybridrt
