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
//
// Strided operands (the builder folds the transposes around attention into the layer,
// attention_fusion.h): `qPerm`, `kPerm`, `vPerm` (optional) say that the operand above is its
// input transposed by that permutation (logical dim i is the input's dim perm[i]), and
// `outPerm` that the layer's output is the result above transposed so; each keeps the last dim
// last, so that rows stay contiguous. `qSelect`, `kSelect`, `vSelect` ([axis, index], optional)
// say that the input has one more dim, `axis`, of which the operand is entry `index` (before
// the permutation): q, k and v read straight from a packed projection, [S, B, 3, H, D] with q
// at index 0. The kernels read and write through the strides and offsets these give
// (AttentionGeometry's batch and row strides, base offsets) and no transpose or gather runs.
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
  // Element strides of q, k, v and the output (kQ..kOut) along the leading dims, and between
  // rows: q's and the output's along S, v's along T, k's along T with transK, else along D.
  // The last dim is contiguous in each.
  enum Operand { kQ = 0, kK = 1, kV = 2, kOut = 3 };
  int64_t batch_strides[4][kMaxAttentionBatchDims] = {};
  int64_t row_stride[4] = {};
  // Element offset of each operand's first element in its input (a selected entry's).
  int64_t base[4] = {};

  // Element offsets of flat batch index b's matrices, and of its mask (host and device code).
  HYBRIDRT_HD int64_t Offset(const int64_t* strides, int64_t b, int64_t off = 0) const {
    for (int i = num_batch_dims - 1; i >= 0; --i) {
      off += (b % batch_dims[i]) * strides[i];
      b /= batch_dims[i];
    }
    return off;
  }
  HYBRIDRT_HD int64_t QOffset(int64_t b) const { return Offset(batch_strides[kQ], b, base[kQ]); }
  HYBRIDRT_HD int64_t KOffset(int64_t b) const { return Offset(batch_strides[kK], b, base[kK]); }
  HYBRIDRT_HD int64_t VOffset(int64_t b) const { return Offset(batch_strides[kV], b, base[kV]); }
  HYBRIDRT_HD int64_t OutOffset(int64_t b) const { return Offset(batch_strides[kOut], b, base[kOut]); }
  HYBRIDRT_HD int64_t MaskOffset(int64_t b) const { return Offset(mask_batch_strides, b); }
  // k's element (ti, di) within one batch entry.
  HYBRIDRT_HD int64_t KIndex(int64_t ti, int64_t di) const {
    return trans_k ? ti * row_stride[kK] + di : di * row_stride[kK] + ti;
  }
};

// The layer's permutations and selections (empty: none), from its params.
struct AttentionPerms {
  std::vector<int64_t> q, k, v, out;
  std::vector<int64_t> select[3];  // q's, k's, v's [axis, index]
};

// Reads the geometry of inputs of these shapes (q, k, v and, where given, the mask), through
// the permutations where given; returns what is wrong ("" when nothing is).
std::string ReadAttentionGeometry(const std::vector<Shape>& inputs, bool trans_k, AttentionGeometry* g,
                                  const AttentionPerms& perms = {});

// A layer read once, for the shape rule and both kernels: its geometry and params.
struct AttentionLayerParams {
  AttentionGeometry g;
  float scale = 1;
  bool nan_to_zero = false;
};
std::string ReadAttentionLayer(const Params& params, const std::vector<Shape>& inputs, AttentionLayerParams* out);
AttentionPerms ReadAttentionPerms(const Params& params);
// The params ReadAttentionLayer reads back (the fusion pass makes the layer with them): the
// scale, transK, nanToZero where set, and the permutations and selections that are not empty.
void WriteAttentionParams(double scale, bool trans_k, bool nan_to_zero, const AttentionPerms& perms, Params* out);

// The output shape: q's leading dims, S, Dv (through the permutations; an invalid one gives
// the shape without it, which ReadAttentionGeometry refuses first).
Shape AttentionOutputShape(const std::vector<Shape>& inputs, const AttentionPerms& perms = {});

}  // namespace hybridrt
