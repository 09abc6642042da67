// The gather layer's 'nd' mode (ONNX GatherND, batch_dims = the layer's `axis`): its geometry,
// read from the shapes once, for the shape rule and for both backends' kernels.
//
//   data [B..., D0, ..., D(k-1), R...], indices [B..., M..., k] (int32/int64; b = batch_dims
//   leading dims equal to data's) -> output [B..., M..., R...]: each index tuple picks the
//   slice data[b..., i0, ..., i(k-1)] (R...), negative indices counting from the end.
#pragma once

#include <cstdint>
#include <string>

#include "src/ir/shape.h"
#include "src/util/host_device.h"

namespace hybridrt {

constexpr int kMaxGatherNdTuple = 8;

struct GatherNdGeometry {
  int64_t batch = 1;                        // product of the batch dims
  int64_t tuples = 1;                       // index tuples per batch entry (the product of M...)
  int k = 0;                                // tuple length
  int64_t slice = 1;                        // elements of data each tuple picks (the product of R...)
  int64_t batch_stride = 0;                 // data elements per batch entry
  int64_t dims[kMaxGatherNdTuple] = {};     // data dims the tuple indexes
  int64_t strides[kMaxGatherNdTuple] = {};  // and their element strides

  // Output elements: batch * tuples * slice.
  HYBRIDRT_HD int64_t numel() const { return batch * tuples * slice; }
};

// Reads the geometry of data and indices of these shapes with `batch_dims`; returns what is
// wrong ("" when nothing is) and, in `out`, the output shape.
std::string ReadGatherNdGeometry(const Shape& data, const Shape& indices, int64_t batch_dims, GatherNdGeometry* g,
                                 Shape* out);

}  // namespace hybridrt
