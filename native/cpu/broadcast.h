// numpy broadcasting of up to three operands onto an output shape, as rows: the output is
// walked row by row (a row = the innermost collapsed dim), and for each row every operand
// gets its start offset and its stride along the row (0 where it is broadcast, else its
// element stride). Dims where every operand is contiguous, or broadcast alike, are merged,
// so that e.g. [N,C,H,W] + [1,C,1,1] walks rows of H*W.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/shape.h"

namespace hybridrt {
namespace cpu {

class Broadcast {
 public:
  Broadcast(const Shape& out, const std::vector<Shape>& operands);

  int64_t rows() const { return rows_; }
  int64_t row_length() const { return inner_; }
  int64_t inner_stride(int operand) const { return inner_stride_[operand]; }

  // Calls fn(row, offsets) for rows [begin, end), offsets[i] being operand i's element
  // offset at the start of the row. The output offset of a row is row * row_length().
  template <typename F>
  void ForRows(int64_t begin, int64_t end, F&& fn) const {
    if (begin >= end) return;
    const int nd = static_cast<int>(outer_dims_.size());
    std::vector<int64_t> idx(nd, 0);
    int64_t offs[3] = {0, 0, 0};
    int64_t r = begin;
    for (int d = nd - 1; d >= 0; --d) {
      idx[d] = r % outer_dims_[d];
      r /= outer_dims_[d];
      for (int k = 0; k < num_; ++k) offs[k] += idx[d] * outer_strides_[k][d];
    }
    for (int64_t row = begin; row < end; ++row) {
      fn(row, offs);
      for (int d = nd - 1; d >= 0; --d) {
        for (int k = 0; k < num_; ++k) offs[k] += outer_strides_[k][d];
        if (++idx[d] < outer_dims_[d]) break;
        for (int k = 0; k < num_; ++k) offs[k] -= outer_strides_[k][d] * outer_dims_[d];
        idx[d] = 0;
      }
    }
  }

 private:
  int num_ = 0;
  int64_t rows_ = 1;
  int64_t inner_ = 1;
  int64_t inner_stride_[3] = {0, 0, 0};
  std::vector<int64_t> outer_dims_;
  std::vector<int64_t> outer_strides_[3];
};

}  // namespace cpu
}  // namespace hybridrt
