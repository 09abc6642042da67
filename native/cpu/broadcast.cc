// Dim merging for Broadcast (see broadcast.h).
#include "cpu/broadcast.h"

#include "src/ir/broadcast_dims.h"

namespace hybridrt {
namespace cpu {

Broadcast::Broadcast(const Shape& out, const std::vector<Shape>& operands) {
  num_ = static_cast<int>(operands.size());
  MergedBroadcast merged = MergeBroadcastDims(out, operands);
  std::vector<int64_t>& dims = merged.dims;
  std::vector<std::vector<int64_t>>& st = merged.strides;
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
