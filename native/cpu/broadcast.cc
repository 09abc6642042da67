// Dim merging for Broadcast (see broadcast.h).
#include "cpu/broadcast.h"

namespace hybridrt {
namespace cpu {

Broadcast::Broadcast(const Shape& out, const std::vector<Shape>& operands) {
  num_ = static_cast<int>(operands.size());
  const size_t rank = out.size();
  // Per operand, element strides aligned to the output's dims (0 where broadcast).
  std::vector<std::vector<int64_t>> strides(num_, std::vector<int64_t>(rank, 0));
  for (int k = 0; k < num_; ++k) {
    const Shape& s = operands[k];
    size_t off = rank - s.size();
    int64_t st = 1;
    for (int d = static_cast<int>(s.size()) - 1; d >= 0; --d) {
      strides[k][off + d] = s[d] == 1 ? 0 : st;
      st *= s[d];
    }
  }
  // Drop size-1 output dims, then merge neighbours that every operand walks alike.
  std::vector<int64_t> dims;
  std::vector<std::vector<int64_t>> st(num_);
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;
    bool merge = !dims.empty();
    for (int k = 0; merge && k < num_; ++k) merge = st[k].back() == strides[k][d] * out[d];
    if (merge) {
      dims.back() *= out[d];
      for (int k = 0; k < num_; ++k) st[k].back() = strides[k][d];
    } else {
      dims.push_back(out[d]);
      for (int k = 0; k < num_; ++k) st[k].push_back(strides[k][d]);
    }
  }
  if (dims.empty()) {
    dims.push_back(1);
    for (int k = 0; k < num_; ++k) st[k].push_back(0);
  }
  inner_ = dims.back();
  for (int k = 0; k < num_; ++k) inner_stride_[k] = st[k].back();
  outer_dims_.assign(dims.begin(), dims.end() - 1);
  rows_ = 1;
  for (int64_t d : outer_dims_) rows_ *= d;
  for (int k = 0; k < num_; ++k) outer_strides_[k].assign(st[k].begin(), st[k].end() - 1);
  for (int64_t d : out) {
    if (d == 0) rows_ = 0;
  }
}

}  // namespace cpu
}  // namespace hybridrt
