// N-d transpose (see transpose.h).
#include "cpu/transpose.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "layers/shuffle.h"
#include "src/util/thread_pool.h"

namespace hybridrt {
namespace cpu {

namespace {

template <typename T>
void Rows(const T* x, T* y, const std::vector<int64_t>& dims, const std::vector<int64_t>& strides, int64_t r0,
          int64_t r1) {
  const int nd = static_cast<int>(dims.size());
  const int64_t inner = dims[nd - 1], st = strides[nd - 1];
  std::vector<int64_t> idx(nd - 1, 0);
  int64_t off = 0, r = r0;
  for (int d = nd - 2; d >= 0; --d) {
    idx[d] = r % dims[d];
    r /= dims[d];
    off += idx[d] * strides[d];
  }
  for (int64_t row = r0; row < r1; ++row) {
    T* out = y + row * inner;
    const T* in = x + off;
    if (st == 1) {
      std::memcpy(out, in, static_cast<size_t>(inner) * sizeof(T));
    } else {
      for (int64_t i = 0; i < inner; ++i) out[i] = in[i * st];
    }
    for (int d = nd - 2; d >= 0; --d) {
      off += strides[d];
      if (++idx[d] < dims[d]) break;
      off -= strides[d] * dims[d];
      idx[d] = 0;
    }
  }
}

}  // namespace

Transpose::Transpose(const Shape& in, const std::vector<int64_t>& perm, size_t elem_size) : es_(elem_size) {
  total_ = Numel(in);
  PermutedRead read = MergePermutedDims(in, perm);
  out_dims_ = std::move(read.dims);
  in_strides_ = std::move(read.strides);
  identity_ = read.identity;
}

void Transpose::Run(const void* x, void* y, int threads) const {
  if (total_ == 0) return;
  if (identity_) {
    ParallelFor(threads, total_, 256 * 1024 / static_cast<int64_t>(es_), [&](int64_t b, int64_t e) {
      std::memcpy(static_cast<uint8_t*>(y) + b * es_, static_cast<const uint8_t*>(x) + b * es_, (e - b) * es_);
    });
    return;
  }
  const int64_t inner = out_dims_.back();
  const int64_t rows = total_ / inner;
  const int64_t grain = std::max<int64_t>(1, 16 * 1024 / inner);
  ParallelFor(threads, rows, grain, [&](int64_t r0, int64_t r1) {
    switch (es_) {
      case 1: Rows(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), out_dims_, in_strides_, r0, r1); break;
      case 2: Rows(static_cast<const uint16_t*>(x), static_cast<uint16_t*>(y), out_dims_, in_strides_, r0, r1); break;
      case 4: Rows(static_cast<const uint32_t*>(x), static_cast<uint32_t*>(y), out_dims_, in_strides_, r0, r1); break;
      default: Rows(static_cast<const uint64_t*>(x), static_cast<uint64_t*>(y), out_dims_, in_strides_, r0, r1); break;
    }
  });
}

}  // namespace cpu
}  // namespace hybridrt
