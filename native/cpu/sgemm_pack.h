// The blocked SGEMM's packing (sgemm.cc): blocks of A and B copied into the panels its
// micro-kernels read, MR rows or NR columns a panel, zeros past the block's edge.
#pragma once

#include <algorithm>
#include <cstdint>

namespace hybridrt {
namespace cpu {

// A block rows [0, mc) x cols [0, kc) into MR-row panels: panel p holds, for each k, the
// MR values A(p*MR + r, k) * alpha (zero past mc).
template <int MR>
void PackA(const float* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc, float alpha, float* out) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR) {
    int64_t mr = std::min<int64_t>(MR, mc - i0);
    const float* src = a + i0 * rs;
    if (mr == MR && cs == 1) {
      for (int64_t k = 0; k < kc; ++k) {
        for (int r = 0; r < MR; ++r) out[r] = alpha * src[r * rs + k];
        out += MR;
      }
    } else if (mr == MR && rs == 1) {
      // A panel's rows side by side (a transposed product's positions, a k's channel plane
      // apart): MR floats a k in one vector; with a run-time row stride and the test for the
      // panel's end the loop ran a float at a time (squeezenet1_1's classifier packed 49 x 512
      // floats per tile).
      for (int64_t k = 0; k < kc; ++k) {
        for (int r = 0; r < MR; ++r) out[r] = alpha * src[k * cs + r];
        out += MR;
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        for (int r = 0; r < MR; ++r) out[r] = r < mr ? alpha * src[r * rs + k * cs] : 0.0f;
        out += MR;
      }
    }
  }
}

// B block rows [0, kc) x cols [0, nc) into NR-column panels (zero past nc). Row-major B
// is read row by row (one sequential stream) and scattered to the panels; reading it panel
// by panel instead would walk kc rows far apart for every 64 bytes.
template <int NR>
void PackB(const float* b, int64_t rs, int64_t cs, int64_t kc, int64_t nc, float* out) {
  const int64_t full = nc / NR;
  if (cs == 1) {
    for (int64_t k = 0; k < kc; ++k) {
      const float* row = b + k * rs;
      for (int64_t p = 0; p < full; ++p) {
        float* dst = out + (p * kc + k) * NR;
        for (int j = 0; j < NR; ++j) dst[j] = row[p * NR + j];
      }
    }
  } else {
    for (int64_t p = 0; p < full; ++p) {
      const float* src = b + p * NR * cs;
      for (int64_t k = 0; k < kc; ++k) {
        float* dst = out + (p * kc + k) * NR;
        for (int j = 0; j < NR; ++j) dst[j] = src[k * rs + j * cs];
      }
    }
  }
  const int64_t rest = nc - full * NR;
  if (rest) {
    const float* src = b + full * NR * cs;
    for (int64_t k = 0; k < kc; ++k) {
      float* dst = out + (full * kc + k) * NR;
      for (int j = 0; j < NR; ++j) dst[j] = j < rest ? src[k * rs + j * cs] : 0.0f;
    }
  }
}

}  // namespace cpu
}  // namespace hybridrt
