// numpy broadcasting of operand shapes onto an output shape, as both backends walk it: each
// operand's element strides aligned to the output's dims (0 where it is broadcast), the
// output's size-1 dims dropped, and neighbouring dims merged where every operand walks them
// alike (contiguous, or broadcast alike), so that [N,C,H,W] + [1,C,1,1] walks [N, C, H*W].
// The cpu backend walks the result as rows (cpu/broadcast.h), the cuda backend per element
// (cuda/device_common.cuh MakeBroadcast).
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/shape.h"

namespace hybridrt {

struct MergedBroadcast {
  // The merged output dims (empty where every output dim is 1), and per operand its element
  // stride along each of them.
  std::vector<int64_t> dims;
  std::vector<std::vector<int64_t>> strides;
};

inline MergedBroadcast MergeBroadcastDims(const Shape& out, const std::vector<Shape>& operands) {
  const size_t num = operands.size();
  const size_t rank = out.size();
  std::vector<std::vector<int64_t>> aligned(num, std::vector<int64_t>(rank, 0));
  for (size_t k = 0; k < num; ++k) {
    const Shape& s = operands[k];
    const size_t off = rank - s.size();
    int64_t st = 1;
    for (int d = static_cast<int>(s.size()) - 1; d >= 0; --d) {
      aligned[k][off + d] = s[d] == 1 ? 0 : st;
      st *= s[d];
    }
  }
  MergedBroadcast m;
  m.strides.resize(num);
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;
    bool merge = !m.dims.empty();
    for (size_t k = 0; merge && k < num; ++k) merge = m.strides[k].back() == aligned[k][d] * out[d];
    if (merge) {
      m.dims.back() *= out[d];
      for (size_t k = 0; k < num; ++k) m.strides[k].back() = aligned[k][d];
    } else {
      m.dims.push_back(out[d]);
      for (size_t k = 0; k < num; ++k) m.strides[k].push_back(aligned[k][d]);
    }
  }
  return m;
}

}  // namespace hybridrt
