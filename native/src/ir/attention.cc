// The attention layer's geometry (see attention.h).
#include "src/ir/attention.h"

#include "src/util/error.h"

namespace hybridrt {

std::string ReadAttentionGeometry(const std::vector<Shape>& in, bool trans_k, AttentionGeometry* g) {
  if (in.size() < 3 || in.size() > 4) return Cat("takes q, k, v and an optional mask; got ", in.size(), " inputs");
  const Shape &q = in[0], &k = in[1], &v = in[2];
  const size_t rank = q.size();
  if (rank < 2 || rank > 2 + kMaxAttentionBatchDims)
    return Cat("q has rank ", rank, "; expected 2 to ", 2 + kMaxAttentionBatchDims);
  if (k.size() != rank || v.size() != rank) return "q, k and v must have one rank";
  *g = AttentionGeometry();
  g->trans_k = trans_k;
  g->num_batch_dims = static_cast<int>(rank - 2);
  for (size_t i = 0; i + 2 < rank; ++i) {
    if (k[i] != q[i] || v[i] != q[i]) return "q, k and v must have the same leading dims";
    g->batch_dims[i] = q[i];
    g->batch *= q[i];
  }
  g->s = q[rank - 2];
  g->d = q[rank - 1];
  const int64_t kd = trans_k ? k[rank - 1] : k[rank - 2];
  g->t = trans_k ? k[rank - 2] : k[rank - 1];
  if (kd != g->d) return Cat("q's last dim is ", g->d, " but k's reduced dim is ", kd);
  if (v[rank - 2] != g->t) return Cat("k has ", g->t, " keys but v has ", v[rank - 2], " rows");
  g->dv = v[rank - 1];
  if (in.size() == 4) {
    const Shape& m = in[3];
    if (m.size() > rank) return Cat("the mask has rank ", m.size(), ", more than the scores' ", rank);
    Shape scores(q.begin(), q.end() - 1);
    scores.push_back(g->t);
    std::vector<int64_t> stride(rank, 0);
    int64_t st = 1;
    for (size_t j = 0; j < m.size(); ++j) {
      const size_t dm = m.size() - 1 - j, ds = rank - 1 - j;
      if (m[dm] != 1 && m[dm] != scores[ds]) {
        return Cat("the mask ", ShapeToString(m), " does not broadcast onto the scores ", ShapeToString(scores));
      }
      stride[ds] = m[dm] == 1 ? 0 : st;
      st *= m[dm];
    }
    g->has_mask = true;
    for (int i = 0; i < g->num_batch_dims; ++i) g->mask_batch_strides[i] = stride[i];
    g->mask_s_stride = stride[rank - 2];
    g->mask_t_stride = stride[rank - 1];
  }
  return "";
}

std::string ReadAttentionLayer(const Params& params, const std::vector<Shape>& inputs, AttentionLayerParams* out) {
  out->scale = static_cast<float>(params.Float("scale"));
  out->nan_to_zero = params.Has("nanToZero") && params.Bool("nanToZero");
  return ReadAttentionGeometry(inputs, params.Bool("transK"), &out->g);
}

Shape AttentionOutputShape(const std::vector<Shape>& in) {
  Shape out(in[0].begin(), in[0].end() - 1);
  out.push_back(in[2].back());
  return out;
}

}  // namespace hybridrt
