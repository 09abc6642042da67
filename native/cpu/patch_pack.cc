// PackPatches (patch_pack.h): each row of the block is walked along its output lines; a line
// piece is cut where it crosses a panel, and each part is written as zeros before the tap's
// valid range, a (strided) copy inside it and zeros after it. The AVX-512 form writes a part
// as masked loads (zero outside the valid range, no input read there) and masked stores, for
// strides 1 and 2; the portable form copies element by element.
#include "cpu/patch_pack.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cpu/strided_load.h"
#include "cpu/tap_sum.h"

namespace hybridrt {
namespace cpu {

namespace {

// dst[0, len) for output columns [ow, ow + len) of a line whose tap reads x[at + ow * sw]
// where ow is in [lo, hi), zero elsewhere (x null: the tap's input line is padding).
struct PutPortable {
  int64_t sw;
  void operator()(float* dst, const float* x, int64_t at, int64_t ow, int64_t len, int64_t lo, int64_t hi) const {
    if (!x) {
      std::fill(dst, dst + len, 0.0f);
      return;
    }
    const int64_t a = std::min(ow + len, std::max(ow, lo)), b = std::max(a, std::min(ow + len, hi));
    std::fill(dst, dst + (a - ow), 0.0f);
    float* o = dst + (a - ow);
    const float* s = x + at + a * sw;
    if (sw == 1) {
      for (int64_t i = 0; i < b - a; ++i) o[i] = s[i];
    } else {
      for (int64_t i = 0; i < b - a; ++i) o[i] = s[i * sw];
    }
    std::fill(dst + (b - ow), dst + len, 0.0f);
  }
};

// Every row of the block, its line pieces cut at panel edges, through put (above).
template <typename Put>
__attribute__((always_inline)) inline void Walk(const Window& w, const float* xg, int64_t p0, int64_t kc, int64_t j0,
                                                int64_t nc, int64_t nr, float* out, const Put& put) {
  const int64_t ks = w.kernel_size(), ow_n = w.out[2], oh_n = w.out[1], sw = w.stride[2];
  const int64_t panel = kc * nr;  // floats between panels
  for (int64_t rr = 0; rr < kc; ++rr) {
    const int64_t r = p0 + rr, c = r / ks;
    int64_t kd, kh, kw;
    w.Tap(r % ks, &kd, &kh, &kw);
    const float* xc = xg + c * w.in_size();
    const int64_t ow_off = kw * w.dilation[2];
    int64_t lo, hi;
    ValidRange(w.in[2], ow_n, sw, w.pad[2], ow_off, &lo, &hi);
    float* row = out + rr * nr;  // this row in panel 0
    const int64_t line0 = j0 / ow_n;
    int64_t ow = j0 % ow_n, oh = line0 % oh_n, od = line0 / oh_n;
    for (int64_t jj = 0; jj < nc;) {
      const int64_t id = od * w.stride[0] - w.pad[0] + kd * w.dilation[0];
      const int64_t ih = oh * w.stride[1] - w.pad[1] + kh * w.dilation[1];
      const bool inside = id >= 0 && id < w.in[0] && ih >= 0 && ih < w.in[1];
      // xc[at + ow * sw] is the input this tap reads for output column ow (valid in [lo, hi)).
      const int64_t at = (id * w.in[1] + ih) * w.in[2] - w.pad[2] + ow_off;
      for (const int64_t end = std::min(ow_n, ow + (nc - jj)); ow < end;) {
        const int64_t lane = jj % nr, len = std::min(end - ow, nr - lane);
        put(row + (jj / nr) * panel + lane, inside ? xc : nullptr, at, ow, len, lo, hi);
        ow += len;
        jj += len;
      }
      ow = 0;
      if (++oh == oh_n) {
        oh = 0;
        ++od;
      }
    }
    if (const int64_t tail = nc % nr) {  // the last panel's columns past nc
      float* last = row + (nc / nr) * panel;
      std::fill(last + tail, last + nr, 0.0f);
    }
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HR_X86 1

inline unsigned LowBits(int64_t n) { return n >= 16 ? 0xffffu : (1u << n) - 1u; }

template <int S>
struct Put512 {
  __attribute__((target("avx512f"))) void operator()(float* dst, const float* x, int64_t at, int64_t ow, int64_t len,
                                                     int64_t lo, int64_t hi) const {
    for (int64_t i = 0; i < len; i += 16) {
      const int64_t n = std::min<int64_t>(16, len - i), first = ow + i;
      const int64_t a = std::min(n, std::max<int64_t>(0, lo - first)), b = std::max(a, std::min(n, hi - first));
      const __mmask16 valid = static_cast<__mmask16>(x ? LowBits(b) & ~LowBits(a) : 0u);
      // Lanes outside `valid` load nothing, whatever their addresses.
      const __m512 v = valid ? StridedLoad512<S>(x + at + first * S, valid) : _mm512_setzero_ps();
      _mm512_mask_storeu_ps(dst + i, static_cast<__mmask16>(LowBits(n)), v);
    }
  }
};

// PackPatchesFlat's rows: block b of 16 columns of row (c, t) is the masked load of input
// plane c at 16 b + shift[t]; lanes the mask leaves out (padding, columns past the output) read
// nothing and are zero. j0 and nr are multiples of 16, so blocks never straddle a panel.
__attribute__((target("avx512f"))) void FlatAvx512(const DepthwisePlan& p, const float* xg, int64_t plane, int64_t p0,
                                                   int64_t kc, int64_t j0, int64_t nc, int nr, float* out) {
  const int64_t taps = p.taps, blocks = (p.out_size + 15) / 16, panel = kc * nr;
  const int64_t b0 = j0 / 16, b1 = b0 + (nc + nr - 1) / nr * (nr / 16);  // through the last panel's end
  for (int64_t rr = 0; rr < kc; ++rr) {
    const int64_t r = p0 + rr, c = r / taps, t = r % taps;
    const float* src = xg + c * plane + p.shift[t];
    const uint16_t* masks = p.masks.data() + t;
    float* row = out + rr * nr;
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t col = (b - b0) * 16;
      const __mmask16 m = static_cast<__mmask16>(b < blocks ? masks[b * taps] : 0u);
      _mm512_store_ps(row + (col / nr) * panel + col % nr, _mm512_maskz_loadu_ps(m, src + b * 16));
    }
  }
}

template <int S>
__attribute__((target("avx512f"))) void PackAvx512(const Window& w, const float* xg, int64_t p0, int64_t kc, int64_t j0,
                                                   int64_t nc, int nr, float* out) {
  Walk(w, xg, p0, kc, j0, nc, nr, out, Put512<S>{});
}
#endif

}  // namespace

bool FlatPatchesFit(int nr) {
#ifdef HR_X86
  return VectorKernel() == SimdKernel::kAvx512 && nr % 16 == 0;
#else
  return false;
#endif
}

void PackPatchesFlat(const DepthwisePlan& p, const float* xg, int64_t plane, int64_t p0, int64_t kc, int64_t j0,
                     int64_t nc, int nr, float* out) {
#ifdef HR_X86
  FlatAvx512(p, xg, plane, p0, kc, j0, nc, nr, out);
#else
  std::abort();  // FlatPatchesFit is false
#endif
}

void PackPatches(const Window& w, const float* xg, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* out) {
#ifdef HR_X86
  if (VectorKernel() == SimdKernel::kAvx512 && w.stride[2] == 1) return PackAvx512<1>(w, xg, p0, kc, j0, nc, nr, out);
  if (VectorKernel() == SimdKernel::kAvx512 && w.stride[2] == 2) return PackAvx512<2>(w, xg, p0, kc, j0, nc, nr, out);
#endif
  Walk(w, xg, p0, kc, j0, nc, nr, out, PutPortable{w.stride[2]});
}

void Im2colRows(const Window& w, const float* xg, int64_t j0, int64_t nc, float* col, int64_t r0, int64_t r1) {
  const int64_t ks = w.kernel_size();
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t c = r / ks, t = r % ks;
    int64_t kd, kh, kw;
    w.Tap(t, &kd, &kh, &kw);
    const float* xc = xg + c * w.in_size();
    float* dst = col + r * nc;
    const int64_t ow_off = kw * w.dilation[2];
    int64_t lo, hi;
    ValidRange(w.in[2], w.out[2], w.stride[2], w.pad[2], ow_off, &lo, &hi);
    // Walk output lines (od, oh) that intersect [j0, j0 + nc).
    int64_t j = j0;
    const int64_t jend = j0 + nc;
    while (j < jend) {
      const int64_t line = j / w.out[2];
      const int64_t ow_a = j % w.out[2];
      const int64_t ow_b = std::min(w.out[2], ow_a + (jend - j));
      const int64_t od = line / w.out[1], oh = line % w.out[1];
      const int64_t id = od * w.stride[0] - w.pad[0] + kd * w.dilation[0];
      const int64_t ih = oh * w.stride[1] - w.pad[1] + kh * w.dilation[1];
      float* out = dst + (j - j0);
      if (id < 0 || id >= w.in[0] || ih < 0 || ih >= w.in[1]) {
        std::fill(out, out + (ow_b - ow_a), 0.0f);
      } else {
        const float* src = xc + (id * w.in[1] + ih) * w.in[2];
        // NOTE: a block may split an output line, so [ow_a, ow_b) can lie wholly before
        // or after the tap's valid range: clamp both ends into the block's own columns.
        const int64_t a = std::min(ow_b, std::max(ow_a, lo)), b = std::max(a, std::min(ow_b, hi));
        std::fill(out, out + (a - ow_a), 0.0f);
        const int64_t sw = w.stride[2];
        const float* s = src + a * sw - w.pad[2] + ow_off;
        float* o = out + (a - ow_a);
        if (sw == 1) {
          // NOTE: a loop, not memcpy: runs are one output line (tens of floats), where a
          // call per run cost as much as the copying.
          for (int64_t i = 0; i < b - a; ++i) o[i] = s[i];
        } else {
          for (int64_t i = 0; i < b - a; ++i) o[i] = s[i * sw];
        }
        std::fill(out + (b - ow_a), out + (ow_b - ow_a), 0.0f);
      }
      j += ow_b - ow_a;
    }
  }
}

void Subsample(const Window& w, const float* x, int64_t c0, int64_t c1, float* out) {
  const int64_t sh = w.stride[1], sw = w.stride[2], oh_n = w.out[1], ow_n = w.out[2], iw = w.in[2];
  for (int64_t c = c0; c < c1; ++c) {
    for (int64_t oh = 0; oh < oh_n; ++oh) {
      const float* from = x + c * w.in_size() + oh * sh * iw;
      float* to = out + (c * oh_n + oh) * ow_n;
      for (int64_t ow = 0; ow < ow_n; ++ow) to[ow] = from[ow * sw];
    }
  }
}

void PadPlane(const Window& w, const float* src, const int64_t* ext, float* dst) {
  for (int64_t d = 0; d < ext[0]; ++d) {
    for (int64_t h = 0; h < ext[1]; ++h) {
      float* line = dst + (d * ext[1] + h) * ext[2];
      const int64_t id = d - w.pad[0], ih = h - w.pad[1];
      if (id < 0 || id >= w.in[0] || ih < 0 || ih >= w.in[1]) {
        std::fill(line, line + ext[2], 0.0f);
        continue;
      }
      const int64_t lo = std::min(ext[2], w.pad[2]), hi = std::max(lo, std::min(ext[2], w.in[2] + w.pad[2]));
      std::fill(line, line + lo, 0.0f);
      if (hi > lo) {
        std::memcpy(line + lo, src + (id * w.in[1] + ih) * w.in[2] + (lo - w.pad[2]),
                    static_cast<size_t>(hi - lo) * sizeof(float));
      }
      std::fill(line + hi, line + ext[2], 0.0f);
    }
  }
}

}  // namespace cpu
}  // namespace hybridrt
