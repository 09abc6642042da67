// The int8 GEMM's patch panels from quad planes (quant_patch.h).
#include "cpu/quant_patch.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "cpu/igemm.h"

#include "cpu/x86.h"

namespace hybridrt {
namespace cpu {

namespace {

// The AVX-512 forms with the VNNI GEMM (whose CPUs have AVX-512 BW), else the plain loops.
bool Vector512() {
  static const bool v = std::string(IgemmKernelName()) == "avx512vnni";
  return v;
}

// n words from src (every sw-th) to dst, for each group: src + at[g], dst + g * step.
void CopyWordsPortable(const uint32_t* src, const int64_t* at, int64_t groups, int64_t sw, int64_t n, uint8_t* dst,
                       int64_t step) {
  for (int64_t g = 0; g < groups; ++g) {
    const uint32_t* s = src + at[g];
    uint8_t* d = dst + g * step;
    for (int64_t i = 0; i < n; ++i) std::memcpy(d + 4 * i, s + i * sw, 4);
  }
}

void QuadPlanePortable(const QuadPatchPlan& p, const uint8_t* xg, int64_t q, uint8_t flip, uint8_t* plane) {
  const Window& w = p.w;
  const int64_t in_size = w.in_size();
  const int64_t cols = std::max<int64_t>(0, std::min(w.in[2], p.ext[2] - w.pad[2]));
  for (int64_t d = 0; d < w.in[0] && d + w.pad[0] < p.ext[0]; ++d) {
    for (int64_t h = 0; h < w.in[1] && h + w.pad[1] < p.ext[1]; ++h) {
      uint8_t* to = plane + 4 * (((d + w.pad[0]) * p.ext[1] + h + w.pad[1]) * p.ext[2] + w.pad[2]);
      const uint8_t* from = xg + 4 * q * in_size + (d * w.in[1] + h) * w.in[2];
      for (int64_t j = 0; j < cols; ++j) {
        for (int t = 0; t < 4; ++t) to[4 * j + t] = from[t * in_size + j] ^ flip;
      }
    }
  }
}

#ifdef HR_X86
// Output words [0, n) (n <= 32) at stride 1 or 2: one or two vectors of 16 words, the masked
// lanes neither read nor written.
template <int SW>
__attribute__((target("avx512f"))) void CopyWords512(const uint32_t* src, const int64_t* at, int64_t groups, int64_t n,
                                                     uint8_t* dst, int64_t step) {
  const int64_t n0 = std::min<int64_t>(n, 16), n1 = n - n0;
  const __mmask16 m0 = static_cast<__mmask16>((1u << n0) - 1u), m1 = static_cast<__mmask16>((1u << n1) - 1u);
  if (SW == 1) {
    for (int64_t g = 0; g < groups; ++g) {
      const uint32_t* s = src + at[g];
      uint8_t* d = dst + g * step;
      _mm512_mask_storeu_epi32(d, m0, _mm512_maskz_loadu_epi32(m0, s));
      if (n1) _mm512_mask_storeu_epi32(d + 64, m1, _mm512_maskz_loadu_epi32(m1, s + 16));
    }
    return;
  }
  // Stride 2: output i reads word 2i; 16 outputs from two vectors of 16 words (the even ones).
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const auto reads = [](int64_t k) {  // words [0, 2k - 1) of 32 as two masks
    const int64_t words = k > 0 ? 2 * k - 1 : 0;
    const int64_t a = std::min<int64_t>(words, 16), b = words - a;
    return std::pair<__mmask16, __mmask16>(static_cast<__mmask16>((1u << a) - 1u),
                                           static_cast<__mmask16>((1u << b) - 1u));
  };
  const auto r0 = reads(n0), r1 = reads(n1);
  for (int64_t g = 0; g < groups; ++g) {
    const uint32_t* s = src + at[g];
    uint8_t* d = dst + g * step;
    const __m512i v0 = _mm512_permutex2var_epi32(_mm512_maskz_loadu_epi32(r0.first, s), even,
                                                 _mm512_maskz_loadu_epi32(r0.second, s + 16));
    _mm512_mask_storeu_epi32(d, m0, v0);
    if (n1) {
      const __m512i v1 = _mm512_permutex2var_epi32(_mm512_maskz_loadu_epi32(r1.first, s + 32), even,
                                                   _mm512_maskz_loadu_epi32(r1.second, s + 48));
      _mm512_mask_storeu_epi32(d + 64, m1, v1);
    }
  }
}

// 16 pixels of four channel rows interleaved into 64 bytes (the SSE form of InterleaveGroup):
// the row tails through masked loads and a masked store.
__attribute__((target("avx512f,avx512bw,avx512vl"))) void QuadPlane512(const QuadPatchPlan& p, const uint8_t* xg,
                                                                       int64_t q, uint8_t flip, uint8_t* plane) {
  const Window& w = p.w;
  const int64_t in_size = w.in_size();
  const int64_t cols = std::max<int64_t>(0, std::min(w.in[2], p.ext[2] - w.pad[2]));
  const __m128i f = _mm_set1_epi8(static_cast<char>(flip));
  for (int64_t d = 0; d < w.in[0] && d + w.pad[0] < p.ext[0]; ++d) {
    for (int64_t h = 0; h < w.in[1] && h + w.pad[1] < p.ext[1]; ++h) {
      uint8_t* to = plane + 4 * (((d + w.pad[0]) * p.ext[1] + h + w.pad[1]) * p.ext[2] + w.pad[2]);
      const uint8_t* from = xg + 4 * q * in_size + (d * w.in[1] + h) * w.in[2];
      for (int64_t j = 0; j < cols; j += 16) {
        const int64_t n = std::min<int64_t>(16, cols - j);
        const __mmask16 m = static_cast<__mmask16>((1u << n) - 1u);
        __m128i r[4];
        for (int t = 0; t < 4; ++t) r[t] = _mm_xor_si128(_mm_maskz_loadu_epi8(m, from + t * in_size + j), f);
        const __m128i lo01 = _mm_unpacklo_epi8(r[0], r[1]), hi01 = _mm_unpackhi_epi8(r[0], r[1]);
        const __m128i lo23 = _mm_unpacklo_epi8(r[2], r[3]), hi23 = _mm_unpackhi_epi8(r[2], r[3]);
        const __m512i v = _mm512_inserti64x4(
            _mm512_castsi256_si512(_mm256_setr_m128i(_mm_unpacklo_epi16(lo01, lo23), _mm_unpackhi_epi16(lo01, lo23))),
            _mm256_setr_m128i(_mm_unpacklo_epi16(hi01, hi23), _mm_unpackhi_epi16(hi01, hi23)), 1);
        _mm512_mask_storeu_epi32(to + 4 * j, m, v);
      }
    }
  }
}
#endif

}  // namespace

QuadPatchPlan PlanQuadPatch(const Window& w, const int64_t ext[3], int64_t channels) {
  QuadPatchPlan p;
  p.w = w;
  std::copy(ext, ext + 3, p.ext);
  p.quads = channels / 4;
  for (int64_t t = 0; t < w.kernel_size(); ++t) {
    for (int64_t q = 0; q < p.quads; ++q) p.group_at.push_back(q * p.plane_words() + w.TapOffset(t, ext));
  }
  return p;
}

void QuadPlane(const QuadPatchPlan& p, const uint8_t* xg, int64_t q, uint8_t flip, uint8_t* plane) {
#ifdef HR_X86
  if (Vector512()) return QuadPlane512(p, xg, q, flip, plane);
#endif
  QuadPlanePortable(p, xg, q, flip, plane);
}

void QuadPanels(const QuadPatchPlan& p, const uint8_t* planes, int64_t j0, int64_t nc, int nr, uint8_t* out) {
  const Window& w = p.w;
  const int64_t groups = static_cast<int64_t>(p.group_at.size()), step = nr * 4, panel_bytes = groups * step;
  const int64_t sw = w.stride[2];
  const uint32_t* words = reinterpret_cast<const uint32_t*>(planes);
  const int64_t line = j0 / w.out[2];
  int64_t od = line / w.out[1], oh = line % w.out[1], ow = j0 % w.out[2];
#ifdef HR_X86
  const bool v512 = Vector512() && sw <= 2 && nr <= 32;
#endif
  for (int64_t j = 0; j < nc;) {
    const int64_t len = std::min(w.out[2] - ow, nc - j);
    const int64_t at = ((od * w.stride[0]) * p.ext[1] + oh * w.stride[1]) * p.ext[2] + ow * sw;
    for (int64_t k = 0; k < len;) {  // the line's part in each panel
      const int64_t col = j + k, n = std::min(len - k, nr - col % nr);
      uint8_t* dst = out + (col / nr) * panel_bytes + (col % nr) * 4;
      const uint32_t* src = words + at + k * sw;
#ifdef HR_X86
      if (v512 && sw == 1) {
        CopyWords512<1>(src, p.group_at.data(), groups, n, dst, step);
      } else if (v512) {
        CopyWords512<2>(src, p.group_at.data(), groups, n, dst, step);
      } else
#endif
      {
        CopyWordsPortable(src, p.group_at.data(), groups, sw, n, dst, step);
      }
      k += n;
    }
    j += len;
    ow = 0;
    if (++oh == w.out[1]) oh = 0, ++od;
  }
}

}  // namespace cpu
}  // namespace hybridrt
