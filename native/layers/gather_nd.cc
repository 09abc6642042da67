// The gather layer's 'nd' geometry (see gather_nd.h).
#include "layers/gather_nd.h"

#include "src/util/error.h"

namespace hybridrt {

std::string ReadGatherNdGeometry(const Shape& data, const Shape& idx, int64_t b, GatherNdGeometry* g, Shape* out) {
  const int64_t r = static_cast<int64_t>(data.size()), q = static_cast<int64_t>(idx.size());
  if (q < 1) return "indices must have rank 1 or more";
  if (b < 0 || b >= std::min(r, q))
    return Cat("batch_dims ", b, " must be below the ranks of data (", r, ") and indices (", q, ")");
  const int64_t k = idx[q - 1];
  if (k < 1 || k > r - b || k > kMaxGatherNdTuple) {
    return Cat("the indices' last dim is ", k, "; expected 1 to ", std::min<int64_t>(r - b, kMaxGatherNdTuple));
  }
  *g = GatherNdGeometry();
  g->k = static_cast<int>(k);
  out->clear();
  for (int64_t d = 0; d < b; ++d) {
    if (idx[d] != data[d]) return Cat("batch dim ", d, " is ", idx[d], " in the indices and ", data[d], " in the data");
    g->batch *= data[d];
    out->push_back(data[d]);
  }
  for (int64_t d = b; d < q - 1; ++d) {
    g->tuples *= idx[d];
    out->push_back(idx[d]);
  }
  for (int64_t d = b + k; d < r; ++d) {
    g->slice *= data[d];
    out->push_back(data[d]);
  }
  int64_t stride = g->slice;
  for (int64_t j = k - 1; j >= 0; --j) {
    g->dims[j] = data[b + j];
    g->strides[j] = stride;
    stride *= data[b + j];
  }
  g->batch_stride = stride;
  return "";
}

}  // namespace hybridrt
