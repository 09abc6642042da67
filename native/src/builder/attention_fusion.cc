// The attention fusion (see attention_fusion.h).
#include "src/builder/attention_fusion.h"

#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "layers/activation.h"
#include "layers/attention.h"
#include "layers/elementwise.h"
#include "src/ir/derive_shapes.h"
#include "src/ir/fused_names.h"
#include "layers/gather.h"
#include "layers/matmul.h"
#include "layers/shuffle.h"
#include "layers/softmax.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

bool IsElementwise(const Layer& l, binary::Op op) {
  return l.kind == LayerKind::kElementwise && binary::Read(l.params) == op && !HasActivation(l.params, "activation.");
}

// The value of a float32 constant scalar (one element) that tensor `id` holds, if it is one.
bool ConstantScalar(const RewriteWork& w, int32_t id, double* value) {
  const int64_t p = w.producer[id];
  if (p < 0 || w.net.layers[p].kind != LayerKind::kConstant || w.TypeOf(id) != DType::kFloat32) return false;
  int64_t n = 1;
  for (int64_t d : w.ShapeOf(id)) n *= d;
  const WeightView& wv = w.net.weights[p];
  if (n != 1 || wv.bytes != sizeof(float)) return false;
  float f;
  std::memcpy(&f, wv.data, sizeof f);
  *value = f;
  return true;
}

// The value of an int32/int64 constant scalar (rank 0) that tensor `id` holds, if it is one.
bool ConstantIndex(const RewriteWork& w, int32_t id, int64_t* value) {
  const int64_t p = w.producer[id];
  if (p < 0 || w.net.layers[p].kind != LayerKind::kConstant || !w.ShapeOf(id).empty()) return false;
  const WeightView& wv = w.net.weights[p];
  if (w.TypeOf(id) == DType::kInt64 && wv.bytes == sizeof(int64_t)) {
    std::memcpy(value, wv.data, sizeof(int64_t));
    return true;
  }
  int32_t v32;
  if (w.TypeOf(id) != DType::kInt32 || wv.bytes != sizeof v32) return false;
  std::memcpy(&v32, wv.data, sizeof v32);
  *value = v32;
  return true;
}

// The live layers that read tensor `id`.
std::vector<int64_t> Readers(const RewriteWork& w, int32_t id) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    if (!w.alive[i]) continue;
    for (int32_t in : w.net.layers[i].inputs) {
      if (in == id) {
        out.push_back(static_cast<int64_t>(i));
        break;
      }
    }
  }
  return out;
}

// where(isnan(p), 0, p) after the softmax, as PyTorch's exporter writes attention (IsNaN
// converts to not(p == p)): the select's index, and the equal and not layers in `guard`; -1
// where `p` is not read so.
int64_t NanGuard(const RewriteWork& w, int32_t p, std::vector<int64_t>* guard) {
  if (w.is_output[p]) return -1;
  const std::vector<int64_t> readers = Readers(w, p);
  if (readers.size() != 2) return -1;
  for (int k = 0; k < 2; ++k) {
    const Layer& eq = w.net.layers[readers[k]];
    const int64_t sel = readers[1 - k];
    const Layer& s = w.net.layers[sel];
    if (eq.kind != LayerKind::kElementwise || binary::Read(eq.params) != binary::kEqual || eq.inputs[0] != p ||
        eq.inputs[1] != p || s.kind != LayerKind::kSelect || s.inputs[2] != p) {
      continue;
    }
    const int64_t n = w.SoleReader(eq.outputs[0]);
    if (n < 0 || w.net.layers[n].kind != LayerKind::kUnary ||
        ReadActivation(w.net.layers[n].params, "").op != UnaryOp::kNot ||
        w.SoleReader(w.net.layers[n].outputs[0]) != sel || s.inputs[0] != w.net.layers[n].outputs[0]) {
      continue;
    }
    double zero;
    if (!ConstantScalar(w, s.inputs[1], &zero) || zero != 0 || w.ShapeOf(s.outputs[0]) != w.ShapeOf(p)) continue;
    *guard = {readers[k], n};
    return sel;
  }
  return -1;
}

// Over a shape range, the chain must fit the layer at the range's ends too, as it does at the
// declared shapes: a leading dim equal at opt may broadcast elsewhere (q's batch of 1 at opt
// against k's fixed 1, which the matmul broadcasts at batch 3).
bool FitsAtRangeEnds(const Network& net, const std::vector<int32_t>& inputs, int32_t out, bool trans_k,
                     const AttentionPerms& perms) {
  if (!IsDynamic(net)) return true;
  for (bool max : {false, true}) {
    std::vector<Shape> shapes;
    for (const InputRange& r : net.ranges) shapes.push_back(max ? r.max : r.min);
    std::vector<TensorInfo> t;
    try {
      t = DeriveNetworkShapes(net, shapes);
    } catch (const Error&) {
      return false;
    }
    std::vector<Shape> in;
    for (int32_t id : inputs) in.push_back(t[id].shape);
    AttentionGeometry g;
    if (!ReadAttentionGeometry(in, trans_k, &g, perms).empty() || AttentionOutputShape(in, perms) != t[out].shape) {
      return false;
    }
  }
  return true;
}

// The permutation a one-input shuffle applies, where that is all it does (its reshape, if any,
// keeps the shape; not over a shape range, where a fixed reshape may not keep it elsewhere).
bool PurePermutation(const RewriteWork& w, const Layer& l, std::vector<int64_t>* perm) {
  if (l.kind != LayerKind::kShuffle || l.inputs.size() != 1) return false;
  const Shape& x = w.ShapeOf(l.inputs[0]);
  const ShuffleParams p = ReadShuffleParams(l, x.size());
  if (p.has_reshape && IsDynamic(w.net)) return false;
  ShuffleShapes sh;
  std::string why;
  if (!ShuffleShapesOf(p, x, &sh, &why) || sh.reshaped != sh.mid) return false;
  perm->resize(sh.second_perm.size());
  for (size_t i = 0; i < perm->size(); ++i) (*perm)[i] = sh.first_perm[sh.second_perm[i]];
  return true;
}

bool IsIdentity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int64_t>(i)) return false;
  }
  return true;
}

// A gather of one entry (a constant scalar index, so one dim fewer) along a dim other than
// the last of a tensor of rank r + 1, where it is a plain float gather over a static shape:
// into `select` as [axis, index] (the index made non-negative).
bool SelectedEntry(const RewriteWork& w, const Layer& l, size_t r, std::vector<int64_t>* select) {
  if (l.kind != LayerKind::kGather || l.inputs.size() != 2 || IsDynamic(w.net)) return false;
  const GatherParams p = ReadGather(l.params);
  if (p.mode != GatherMode::kDefault) return false;
  const Shape& in = w.ShapeOf(l.inputs[0]);
  int64_t index;
  if (in.size() != r + 1 || !ConstantIndex(w, l.inputs[1], &index)) return false;
  const int64_t rank = static_cast<int64_t>(in.size());
  const int64_t axis = p.axis < 0 ? p.axis + rank : p.axis;
  if (axis < 0 || axis >= rank - 1) return false;
  if (index < 0) index += in[axis];
  if (index < 0 || index >= in[axis]) return false;
  *select = {axis, index};
  return true;
}

// What feeds q, k or v through layers the attention layer takes in, walking back from tensor
// `t` read by layer `reader`: multiplications by a constant scalar (PyTorch's exporter scales
// q and k each by the root of the scale: into `scale`; q and k only), and transposes (into
// `perm`, the operand's dims as dims of the tensor returned, which must keep the last dim last;
// for k, one whose last two dims end up swapped flips `trans_k` instead: the kernels read k
// either way). Each layer taken must have its one reader in the chain; they go into `taken`.
// Returns the tensor the attention layer reads instead.
int32_t TakeOperandChain(const RewriteWork& w, int32_t t, int64_t reader, char operand, double* scale, bool* trans_k,
                         std::vector<int64_t>* perm, std::vector<int64_t>* select, std::vector<int64_t>* taken) {
  const size_t r = w.ShapeOf(t).size();
  perm->resize(r);
  for (size_t i = 0; i < r; ++i) (*perm)[i] = static_cast<int64_t>(i);
  for (;;) {
    const int64_t p = w.producer[t];
    if (p < 0 || w.SoleReader(t) != reader) break;
    const Layer& l = w.net.layers[p];
    int32_t next = -1;
    std::vector<int64_t> shuffle;
    if (IsElementwise(l, binary::kMul) && operand != 'v') {
      for (int side : {0, 1}) {
        double c;
        const int32_t x = l.inputs[side];
        if (ConstantScalar(w, l.inputs[1 - side], &c) && w.ShapeOf(x) == w.ShapeOf(t) && w.TypeOf(x) == w.TypeOf(t)) {
          *scale *= c;
          next = x;
          break;
        }
      }
    } else if (PurePermutation(w, l, &shuffle) && shuffle.size() == r) {
      std::vector<int64_t> composed(r);
      for (size_t i = 0; i < r; ++i) composed[i] = shuffle[(*perm)[i]];
      const int64_t last = static_cast<int64_t>(r) - 1;
      if (composed[r - 1] == last || (operand == 'k' && r >= 2 && composed[r - 2] == last)) {
        *perm = composed;
        next = l.inputs[0];
      }
    } else if (SelectedEntry(w, l, r, select)) {
      // The operand is entry `index` along `axis` of the gather's input, whose other dims are
      // the gather's output's, which `perm` reads. The walk ends here (a permutation past it
      // would have to carry the selected dim too).
      taken->push_back(p);
      t = l.inputs[0];
      break;
    }
    if (next < 0) break;
    taken->push_back(p);
    reader = p;
    t = next;
  }
  if (operand == 'k' && r >= 2 && (*perm)[r - 1] != static_cast<int64_t>(r) - 1) {
    std::swap((*perm)[r - 2], (*perm)[r - 1]);
    *trans_k = !*trans_k;
  }
  return t;
}

// The transposes that read the attention layer's output `out` and nothing else, keeping the
// last dim last: the output's permutation (outPerm) and the tensor it then writes.
int32_t TakeOutputChain(const RewriteWork& w, int32_t out, std::vector<int64_t>* perm, std::vector<int64_t>* taken) {
  const size_t r = w.ShapeOf(out).size();
  perm->resize(r);
  for (size_t i = 0; i < r; ++i) (*perm)[i] = static_cast<int64_t>(i);
  for (;;) {
    const int64_t next = w.SoleReader(out);
    std::vector<int64_t> shuffle;
    if (next < 0 || !PurePermutation(w, w.net.layers[next], &shuffle) || shuffle.size() != r ||
        shuffle[r - 1] != static_cast<int64_t>(r) - 1) {
      return out;
    }
    std::vector<int64_t> composed(r);
    for (size_t i = 0; i < r; ++i) composed[i] = (*perm)[shuffle[i]];
    *perm = composed;
    taken->push_back(next);
    out = w.net.layers[next].outputs[0];
  }
}

// A plain matmul: two inputs (no bias), no activation, q not transposed.
bool PlainMatmul(const Layer& l) {
  return l.kind == LayerKind::kMatmul && l.inputs.size() == 2 && !HasActivation(l.params, "activation.") &&
         !ReadMatmul(l.params).trans_a;
}

}  // namespace

bool FuseAttention(RewriteWork& w) {
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    const Layer& sm = w.net.layers[i];
    if (!w.alive[i] || sm.kind != LayerKind::kSoftmax) continue;
    const SoftmaxParams sp = ReadSoftmaxParams(sm.params);
    if (sp.log) continue;
    const int32_t scores = sm.inputs[0];
    const int64_t rank = static_cast<int64_t>(w.ShapeOf(scores).size());
    const int64_t axis = sp.axis;
    if (rank < 2 || (axis != rank - 1 && axis != -1) || !IsFloat(w.TypeOf(scores))) continue;
    // Forward: the probabilities' one reader is matmul(p, v), or a NaN guard whose result is.
    std::vector<int64_t> guard;
    const int64_t sel = NanGuard(w, sm.outputs[0], &guard);
    if (sel >= 0) guard.push_back(sel);
    const int32_t probs = sel >= 0 ? w.net.layers[sel].outputs[0] : sm.outputs[0];
    const int64_t m2 = w.SoleReader(probs);
    if (m2 < 0 || !PlainMatmul(w.net.layers[m2]) || w.net.layers[m2].inputs[0] != probs ||
        ReadMatmul(w.net.layers[m2].params).trans_b || ReadMatmul(w.net.layers[m2].params).alpha != 1.0) {
      continue;
    }
    // Backward from the scores: an optional mask add, an optional scale, then matmul(q, k).
    std::vector<int64_t> chain;  // the layers between the first matmul and the softmax
    int32_t cur = scores, mask = -1;
    double scale = 1;
    auto only_reader = [&](int32_t t, int64_t layer) { return w.SoleReader(t) == layer; };
    int64_t p = w.producer[cur];
    if (p >= 0 && IsElementwise(w.net.layers[p], binary::kAdd) && only_reader(cur, static_cast<int64_t>(i))) {
      const Layer& add = w.net.layers[p];
      // The chain is the operand of the scores' shape that a matmul or a scale produced.
      for (int side : {0, 1}) {
        const int32_t x = add.inputs[side], m = add.inputs[1 - side];
        const int64_t px = w.producer[x];
        if (px < 0 || w.ShapeOf(x) != w.ShapeOf(cur) || w.TypeOf(m) != w.TypeOf(cur)) continue;
        const Layer& pl = w.net.layers[px];
        if (pl.kind != LayerKind::kMatmul && !IsElementwise(pl, binary::kMul) && !IsElementwise(pl, binary::kDiv))
          continue;
        mask = m;
        chain.push_back(p);
        cur = x;
        break;
      }
    }
    p = w.producer[cur];
    if (p >= 0 && (IsElementwise(w.net.layers[p], binary::kMul) || IsElementwise(w.net.layers[p], binary::kDiv)) &&
        w.SoleReader(cur) == (chain.empty() ? static_cast<int64_t>(i) : chain.back())) {
      const Layer& el = w.net.layers[p];
      const bool div = binary::Read(el.params) == binary::kDiv;
      double c;
      for (int side : {0, 1}) {
        if (div && side == 1) break;  // only x / c
        const int32_t x = el.inputs[side], k = el.inputs[1 - side];
        if (!ConstantScalar(w, k, &c) || w.ShapeOf(x) != w.ShapeOf(cur) || c == 0) continue;
        scale = div ? 1.0 / c : c;
        chain.push_back(p);
        cur = x;
        break;
      }
    }
    p = w.producer[cur];
    const int64_t reader = chain.empty() ? static_cast<int64_t>(i) : chain.back();
    if (p < 0 || !PlainMatmul(w.net.layers[p]) || w.SoleReader(cur) != reader) continue;
    const Layer& m1 = w.net.layers[p];
    const Layer& mm2 = w.net.layers[m2];
    // First with the layers around the chain taken in; where the layer would not fit so, the
    // chain alone, as it fused before those were taken in.
    bool trans_k = false, fits = false;
    double scale_all = scale;
    std::vector<int64_t> operands, outs;  // the layers taken in before q, k and v, and after
    AttentionPerms perms;
    std::vector<int32_t> inputs;
    int32_t y = -1;
    for (const bool around : {true, false}) {
      trans_k = ReadMatmul(m1.params).trans_b;
      scale_all = scale;
      operands.clear(), outs.clear();
      perms = AttentionPerms();
      int32_t q = m1.inputs[0], k = m1.inputs[1], v = mm2.inputs[1];
      y = mm2.outputs[0];
      if (around) {
        q = TakeOperandChain(w, q, p, 'q', &scale_all, &trans_k, &perms.q, &perms.select[0], &operands);
        k = TakeOperandChain(w, k, p, 'k', &scale_all, &trans_k, &perms.k, &perms.select[1], &operands);
        v = TakeOperandChain(w, v, m2, 'v', &scale_all, &trans_k, &perms.v, &perms.select[2], &operands);
        y = TakeOutputChain(w, y, &perms.out, &outs);
        for (std::vector<int64_t>* perm : {&perms.q, &perms.k, &perms.v, &perms.out}) {
          if (IsIdentity(*perm)) perm->clear();
        }
      }
      inputs = {q, k, v};
      if (mask >= 0) inputs.push_back(mask);
      const DType dt = w.TypeOf(inputs[0]);
      std::vector<Shape> shapes;
      bool same = true;
      for (int32_t t : inputs) {
        same = same && w.TypeOf(t) == dt;
        shapes.push_back(w.ShapeOf(t));
      }
      AttentionGeometry g;
      fits = same && ReadAttentionGeometry(shapes, trans_k, &g, perms).empty() &&
             AttentionOutputShape(shapes, perms) == w.ShapeOf(y) && FitsAtRangeEnds(w.net, inputs, y, trans_k, perms);
      if (fits) break;
    }
    if (!fits) continue;
    scale = scale_all;
    // Named as the chain's first layer (as other fusions keep their head's name), listing the rest.
    Layer att;
    att.kind = LayerKind::kAttention;
    att.name = m1.name;
    att.inputs = inputs;
    att.outputs = {y};
    if (const std::optional<std::string> names = FusedNames(m1.params)) AppendFused(&att.params, *names);
    WriteAttentionParams(scale * ReadMatmul(m1.params).alpha, trans_k, sel >= 0, perms, &att.params);
    for (int64_t o : operands) NoteFused(att, w.net.layers[o]);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) NoteFused(att, w.net.layers[*it]);
    NoteFused(att, sm);
    for (int64_t gl : guard) NoteFused(att, w.net.layers[gl]);
    NoteFused(att, mm2);
    for (int64_t o : outs) NoteFused(att, w.net.layers[o]);
    w.alive[p] = false;
    for (int64_t c : chain) w.alive[c] = false;
    for (int64_t o : operands) w.alive[o] = false;
    for (int64_t o : outs) w.alive[o] = false;
    for (int64_t gl : guard) w.alive[gl] = false;
    w.alive[i] = false;
    w.net.layers[m2] = att;
    w.Index();
    return true;
  }
  return false;
}

}  // namespace hybridrt
