// IndexMap copies (see index_map.h).
#include "cpu/index_map.h"

#include <algorithm>
#include <cstring>

#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {

namespace {

template <typename T>
void RunRows(const std::vector<std::vector<int64_t>>& maps, const T* x, T* y, T fill, bool contiguous, bool has_fill,
             int64_t r0, int64_t r1) {
  const int nd = static_cast<int>(maps.size());
  const std::vector<int64_t>& last = maps[nd - 1];
  const int64_t inner = static_cast<int64_t>(last.size());
  std::vector<int64_t> idx(nd - 1, 0);
  int64_t r = r0;
  for (int d = nd - 2; d >= 0; --d) {
    const int64_t n = static_cast<int64_t>(maps[d].size());
    idx[d] = r % n;
    r /= n;
  }
  for (int64_t row = r0; row < r1; ++row) {
    T* out = y + row * inner;
    int64_t base = 0;
    bool pad = false;
    for (int d = 0; d < nd - 1; ++d) {
      const int64_t m = maps[d][idx[d]];
      if (m < 0) pad = true;
      base += m;
    }
    if (pad) {
      std::fill(out, out + inner, fill);
    } else if (contiguous) {
      std::memcpy(out, x + base + last[0], static_cast<size_t>(inner) * sizeof(T));
    } else if (!has_fill) {
      const T* in = x + base;
      for (int64_t i = 0; i < inner; ++i) out[i] = in[last[i]];
    } else {
      const T* in = x + base;
      for (int64_t i = 0; i < inner; ++i) out[i] = last[i] < 0 ? fill : in[last[i]];
    }
    for (int d = nd - 2; d >= 0; --d) {
      if (++idx[d] < static_cast<int64_t>(maps[d].size())) break;
      idx[d] = 0;
    }
  }
}

template <typename T>
T FillOf(const std::vector<uint8_t>& bytes) {
  T v;
  std::memcpy(&v, bytes.data(), sizeof(T));
  return v;
}

}  // namespace

IndexMap::IndexMap(std::vector<std::vector<int64_t>> maps, size_t elem_size, std::vector<uint8_t> fill)
    : maps_(std::move(maps)), es_(elem_size), fill_(std::move(fill)) {
  if (maps_.empty()) maps_.push_back({0});  // a scalar: one element at offset 0
  fill_.resize(es_, 0);
  const std::vector<int64_t>& last = maps_.back();
  inner_ = static_cast<int64_t>(last.size());
  rows_ = 1;
  for (size_t d = 0; d + 1 < maps_.size(); ++d) rows_ *= static_cast<int64_t>(maps_[d].size());
  inner_contiguous_ = inner_ > 0 && last[0] >= 0;
  for (int64_t i = 0; i < inner_; ++i) {
    if (last[i] < 0) inner_has_fill_ = true;
    if (last[i] != last[0] + i) inner_contiguous_ = false;
  }
}

void IndexMap::Run(const void* x, void* y, int threads) const {
  if (inner_ == 0 || rows_ == 0) return;
  const int64_t grain = std::max<int64_t>(1, 16 * 1024 / inner_);
  ParallelFor(threads, rows_, grain, [&](int64_t r0, int64_t r1) {
    switch (es_) {
      case 1:
        RunRows(maps_, static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), FillOf<uint8_t>(fill_),
                inner_contiguous_, inner_has_fill_, r0, r1);
        break;
      case 2:
        RunRows(maps_, static_cast<const uint16_t*>(x), static_cast<uint16_t*>(y), FillOf<uint16_t>(fill_),
                inner_contiguous_, inner_has_fill_, r0, r1);
        break;
      case 4:
        RunRows(maps_, static_cast<const uint32_t*>(x), static_cast<uint32_t*>(y), FillOf<uint32_t>(fill_),
                inner_contiguous_, inner_has_fill_, r0, r1);
        break;
      default:
        RunRows(maps_, static_cast<const uint64_t*>(x), static_cast<uint64_t*>(y), FillOf<uint64_t>(fill_),
                inner_contiguous_, inner_has_fill_, r0, r1);
        break;
    }
  });
}

}  // namespace cpu
}  // namespace hybridrt
