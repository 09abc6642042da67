// The attention layer's geometry (see attention.h).
#include "layers/attention.h"

#include <utility>

#include "src/ir/broadcast_dims.h"
#include "src/util/error.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

// Whether `perm` is empty (none) or a permutation of `rank` dims that keeps the last one.
std::string CheckPerm(const std::vector<int64_t>& perm, size_t rank, const std::string& name) {
  if (perm.empty()) return "";
  const bool ok = IsPermutation(perm, rank) && rank > 0 && perm.back() == static_cast<int64_t>(rank) - 1;
  return ok ? "" : Cat(name, "Perm must be a permutation of the ", rank, " dims that keeps the last one last");
}

// `shape` transposed by `perm` (none: as it is).
Shape Permuted(const Shape& shape, const std::vector<int64_t>& perm) {
  if (perm.empty() || perm.size() != shape.size()) return shape;
  Shape out;
  for (int64_t p : perm) out.push_back(shape[p]);
  return out;
}

// The inverse of a permutation (none: none).
std::vector<int64_t> Inverse(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = static_cast<int64_t>(i);
  return inv;
}

// An operand as a view of its contiguous input: the input's entry `select` ([axis, index],
// none: the whole input), transposed by `perm`.
struct OperandView {
  Shape shape;                   // before the permutation
  std::vector<int64_t> strides;  // element strides, in the permutation's order
  int64_t base = 0;
  std::string error;
};

OperandView ViewOf(const Shape& input, const std::vector<int64_t>& select, const std::vector<int64_t>& perm,
                   const char* name) {
  OperandView v;
  std::vector<int64_t> st(input.size(), 1);
  for (size_t i = input.size(); i-- > 1;) st[i - 1] = st[i] * input[i];
  v.shape = input;
  if (!select.empty()) {
    const int64_t axis = select.size() == 2 ? select[0] : -1, rank = static_cast<int64_t>(input.size());
    if (axis < 0 || axis + 1 >= rank || select[1] < 0 || select[1] >= input[axis]) {
      v.error =
          Cat(name, "Select must be [axis, index] within the input ", ShapeToString(input), " and not its last dim");
      return v;
    }
    v.base = select[1] * st[axis];
    v.shape.erase(v.shape.begin() + axis);
    st.erase(st.begin() + axis);
  }
  v.error = CheckPerm(perm, v.shape.size(), name);
  v.strides = st;
  if (!perm.empty() && v.error.empty()) {
    for (size_t i = 0; i < perm.size(); ++i) v.strides[i] = st[perm[i]];
  }
  return v;
}

}  // namespace

std::string ReadAttentionGeometry(const std::vector<Shape>& physical, bool trans_k, AttentionGeometry* g,
                                  const AttentionPerms& perms) {
  if (physical.size() < 3 || physical.size() > 4) {
    return Cat("takes q, k, v and an optional mask; got ", physical.size(), " inputs");
  }
  const OperandView views[3] = {ViewOf(physical[0], perms.select[0], perms.q, "q"),
                                ViewOf(physical[1], perms.select[1], perms.k, "k"),
                                ViewOf(physical[2], perms.select[2], perms.v, "v")};
  for (const OperandView& view : views) {
    if (!view.error.empty()) return view.error;
  }
  const std::string out_why = CheckPerm(perms.out, views[0].shape.size(), "out");
  if (!out_why.empty()) return out_why;
  std::vector<Shape> in = physical;
  in[0] = Permuted(views[0].shape, perms.q);
  in[1] = Permuted(views[1].shape, perms.k);
  in[2] = Permuted(views[2].shape, perms.v);
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
    for (size_t j = 0; j < m.size(); ++j) {
      const size_t dm = m.size() - 1 - j, ds = rank - 1 - j;
      if (m[dm] != 1 && m[dm] != scores[ds]) {
        return Cat("the mask ", ShapeToString(m), " does not broadcast onto the scores ", ShapeToString(scores));
      }
    }
    const std::vector<int64_t> stride = BroadcastStrides(m, rank);
    g->has_mask = true;
    for (int i = 0; i < g->num_batch_dims; ++i) g->mask_batch_strides[i] = stride[i];
    g->mask_s_stride = stride[rank - 2];
    g->mask_t_stride = stride[rank - 1];
  }
  // The operands' strides: each view's, in the order its permutation reads its dims; the
  // output's, of the physical output, in the order the logical one has them.
  Shape logical_out(q.begin(), q.end() - 1);
  logical_out.push_back(g->dv);
  const OperandView out =
      ViewOf(Permuted(logical_out, perms.out), {}, perms.out.empty() ? perms.out : Inverse(perms.out), "out");
  const OperandView* ops[4] = {&views[0], &views[1], &views[2], &out};
  for (int op = 0; op < 4; ++op) {
    for (int i = 0; i < g->num_batch_dims; ++i) g->batch_strides[op][i] = ops[op]->strides[i];
    g->row_stride[op] = ops[op]->strides[rank - 2];
    g->base[op] = ops[op]->base;
  }
  return "";
}

namespace {

// The permutations' and selections' params, in AttentionPerms' order.
constexpr const char* kPermKeys[4] = {"qPerm", "kPerm", "vPerm", "outPerm"};
constexpr std::vector<int64_t> AttentionPerms::*kPermOf[4] = {&AttentionPerms::q, &AttentionPerms::k,
                                                              &AttentionPerms::v, &AttentionPerms::out};
constexpr const char* kSelectKeys[3] = {"qSelect", "kSelect", "vSelect"};

}  // namespace

AttentionPerms ReadAttentionPerms(const Params& params) {
  AttentionPerms p;
  for (int i = 0; i < 4; ++i) {
    if (params.Has(kPermKeys[i])) p.*kPermOf[i] = params.Ints(kPermKeys[i]);
  }
  for (int i = 0; i < 3; ++i) {
    if (params.Has(kSelectKeys[i])) p.select[i] = params.Ints(kSelectKeys[i]);
  }
  return p;
}

void WriteAttentionParams(double scale, bool trans_k, bool nan_to_zero, const AttentionPerms& perms, Params* out) {
  out->Set("scale", ParamValue::Number(scale));
  out->Set("transK", ParamValue::Bool(trans_k));
  if (nan_to_zero) out->Set("nanToZero", ParamValue::Bool(true));
  for (int i = 0; i < 4; ++i) {
    if (!(perms.*kPermOf[i]).empty()) out->Set(kPermKeys[i], ParamValue::Numbers(perms.*kPermOf[i]));
  }
  for (int i = 0; i < 3; ++i) {
    if (!perms.select[i].empty()) out->Set(kSelectKeys[i], ParamValue::Numbers(perms.select[i]));
  }
}

std::string ReadAttentionLayer(const Params& params, const std::vector<Shape>& inputs, AttentionLayerParams* out) {
  out->scale = static_cast<float>(params.Float("scale"));
  out->nan_to_zero = params.Has("nanToZero") && params.Bool("nanToZero");
  return ReadAttentionGeometry(inputs, params.Bool("transK"), &out->g, ReadAttentionPerms(params));
}

Shape AttentionOutputShape(const std::vector<Shape>& in, const AttentionPerms& perms) {
  const Shape q = Permuted(ViewOf(in[0], perms.select[0], perms.q, "q").shape, perms.q);
  Shape out(q.begin(), q.end() - 1);
  out.push_back(in[2].back());  // v's last dim stays last (vPerm keeps it; vSelect never takes it)
  return Permuted(out, perms.out);
}

// softmax(scale * q k + mask) v (attention.h), in the inputs' float dtype.
void CheckAttentionLayer(const LayerCheck& c) {
  c.ExpectInputs(3, 4);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  std::vector<Shape> shapes;
  for (size_t i = 0; i < c.NumIn(); ++i) {
    if (i) c.ExpectSameDType(i, 0);
    shapes.push_back(c.In(i).shape);
  }
  AttentionLayerParams p;
  const std::string why = ReadAttentionLayer(c.params(), shapes, &p);
  if (!why.empty()) c.Bad(why);
  c.ExpectOutput(0, c.In(0).dtype, AttentionOutputShape(shapes, ReadAttentionPerms(c.params())));
}

}  // namespace hybridrt
