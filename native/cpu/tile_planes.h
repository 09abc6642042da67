// A finished tile of a transposed product (positions as rows, channels as columns) moved into
// its output planes: y[c * ldy + i] = t[i * ldt + c] for rows i < `rows`, channels c < `cols`.
// On AVX-512: 8 rows of 16 channels a step, transposed in registers (transpose8x16.h, which the
// lanes kernel's tiles use too) and stored 8 positions a line; elsewhere element by element.
// squeezenet1_1's classifier (1000 channels over 7 x 7) moved its 49 000 sums one at a time,
// each read 1000 floats from the last.
#pragma once

#include <cstdint>

namespace hybridrt {
namespace cpu {

void TileToPlanes(const float* t, int64_t ldt, int64_t rows, int64_t cols, float* y, int64_t ldy);

}  // namespace cpu
}  // namespace hybridrt
