// Copies where every output element comes from one input element chosen independently per
// dim: y[o0..ok] = x[sum_d map_d[o_d]], or a fill value where any map_d[o_d] is -1.
// map_d holds input element offsets (index * input stride). Slice, pad and nearest resize
// are all this copy with different maps; rows whose last-dim map is a contiguous run are
// copied with memcpy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hybridrt {
namespace cpu {

class IndexMap {
 public:
  // maps[d].size() is the output's dim d; fill holds one element's bytes (used where -1).
  IndexMap(std::vector<std::vector<int64_t>> maps, size_t elem_size, std::vector<uint8_t> fill);
  void Run(const void* x, void* y, int threads) const;

 private:
  std::vector<std::vector<int64_t>> maps_;
  size_t es_;
  std::vector<uint8_t> fill_;
  int64_t rows_ = 0, inner_ = 0;
  bool inner_contiguous_ = false;
  bool inner_has_fill_ = false;
};

}  // namespace cpu
}  // namespace hybridrt
