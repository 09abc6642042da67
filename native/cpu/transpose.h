// N-d transpose of elements of any size: y = x permuted by `perm` (y dim i is x dim
// perm[i]). Dims that stay adjacent in order are merged first (layers/shuffle.h
// MergePermutedDims, as cuda/shuffle.cu reads them); the walk is over output
// rows, reading the input with per-dim strides. Used by shuffle and reduce.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "src/ir/shape.h"

namespace hybridrt {
namespace cpu {

class Transpose {
 public:
  Transpose(const Shape& in, const std::vector<int64_t>& perm, size_t elem_size);
  bool identity() const { return identity_; }
  void Run(const void* x, void* y, int threads) const;

 private:
  size_t es_;
  bool identity_ = false;
  int64_t total_ = 0;
  std::vector<int64_t> out_dims_;    // merged output dims
  std::vector<int64_t> in_strides_;  // input element stride per merged output dim
};

}  // namespace cpu
}  // namespace hybridrt
