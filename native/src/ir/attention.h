// The attention layer (the fusion pass makes it from the chain q @ k -> scale -> + mask ->
// softmax -> @ v that exporters write, builder/attention_fusion.h; the com.microsoft Attention
// and MultiHeadAttention converters emit it directly): its geometry, read from the input shapes
// once, for the shape rule and for both backends' kernels.
//
//   inputs  q [..., S, D], k [..., D, T] (k^T as the first matmul reads it; with transK,
//           [..., T, D]), v [..., T, Dv], optionally a float mask that broadcasts onto
//           [..., S, T] (added to the scores before the softmax);
//   output  [..., S, Dv]:  softmax(scale * q k + mask) v, the softmax over T; with nanToZero,
//           a row whose softmax is NaN (every score -inf, or a NaN among them) gives 0.
// The leading ("batch") dims are equal across q, k and v (at most kMaxAttentionBatchDims of
// them); the mask may broadcast along any dim.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/host_device.h"

namespace hybridrt {

constexpr int kMaxAttentionBatchDims = 4;

struct AttentionGeometry {
  int64_t batch = 1;  // the product of the leading dims
  int64_t s = 0, t = 0, d = 0, dv = 0;
  bool trans_k = false;
  bool has_mask = false;
  int num_batch_dims = 0;
  // The leading dims (outermost first) and the mask's element strides along them, then along
  // S and T: 0 where the mask broadcasts.
  int64_t batch_dims[kMaxAttentionBatchDims] = {1, 1, 1, 1};
  int64_t mask_batch_strides[kMaxAttentionBatchDims] = {0, 0, 0, 0};
  int64_t mask_s_stride = 0, mask_t_stride = 0;

  // Element offsets of flat batch index b's matrices, and of its mask (host and device code).
  HYBRIDRT_HD int64_t QOffset(int64_t b) const { return b * s * d; }
  HYBRIDRT_HD int64_t KOffset(int64_t b) const { return b * t * d; }
  HYBRIDRT_HD int64_t VOffset(int64_t b) const { return b * t * dv; }
  HYBRIDRT_HD int64_t OutOffset(int64_t b) const { return b * s * dv; }
  HYBRIDRT_HD int64_t MaskOffset(int64_t b) const {
    int64_t off = 0;
    for (int i = num_batch_dims - 1; i >= 0; --i) {
      off += (b % batch_dims[i]) * mask_batch_strides[i];
      b /= batch_dims[i];
    }
    return off;
  }
  // k's element (ti, di) within one batch entry.
  HYBRIDRT_HD int64_t KIndex(int64_t ti, int64_t di) const { return trans_k ? ti * d + di : di * t + ti; }
};

// Reads the geometry of inputs of these shapes (q, k, v and, where given, the mask); returns
// what is wrong ("" when nothing is).
std::string ReadAttentionGeometry(const std::vector<Shape>& inputs, bool trans_k, AttentionGeometry* g);

// A layer read once, for the shape rule and both kernels: its geometry and params.
struct AttentionLayerParams {
  AttentionGeometry g;
  float scale = 1;
  bool nan_to_zero = false;
};
std::string ReadAttentionLayer(const Params& params, const std::vector<Shape>& inputs, AttentionLayerParams* out);

// The output shape: q's leading dims, S, Dv.
Shape AttentionOutputShape(const std::vector<Shape>& inputs);

}  // namespace hybridrt
