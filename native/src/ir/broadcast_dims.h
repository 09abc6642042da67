// numpy broadcasting of operand shapes onto an output shape, as both backends walk it: each
// operand's element strides aligned to the output's dims (0 where it is broadcast:
// BroadcastStrides, also the pointwise kernels' and the shape-value evaluation's), the
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

// The row-major element strides of an operand of shape `s` (rank <= `rank`) aligned right to
// `rank` output dims: 0 along the dims where it has size 1 or none, so that an output
// element's offset in it is the dot product of its index with these.
inline std::vector<int64_t> BroadcastStrides(const Shape& s, size_t rank) {
  std::vector<int64_t> st(rank, 0);
  const size_t off = rank - s.size();
  int64_t acc = 1;
  for (size_t d = s.size(); d-- > 0;) {
    st[off + d] = s[d] == 1 ? 0 : acc;
    acc *= s[d];
  }
  return st;
}

inline MergedBroadcast MergeBroadcastDims(const Shape& out, const std::vector<Shape>& operands) {
  const size_t num = operands.size();
  const size_t rank = out.size();
  std::vector<std::vector<int64_t>> aligned(num);
  for (size_t k = 0; k < num; ++k) aligned[k] = BroadcastStrides(operands[k], rank);
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
