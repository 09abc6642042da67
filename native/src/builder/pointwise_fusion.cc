// The pointwise pass (see pointwise_fusion.h).
#include "src/builder/pointwise_fusion.h"

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "src/builder/net_rewrite.h"
#include "layers/activation.h"
#include "layers/elementwise.h"
#include "src/ir/fused_names.h"
#include "layers/pointwise.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

bool OnlyParams(const Layer& l, std::initializer_list<const char*> allowed, const char* prefix = nullptr) {
  for (const auto& [key, value] : l.params.values()) {
    bool ok = key == kFusedParam || (prefix && key.rfind(prefix, 0) == 0);
    for (const char* a : allowed) ok |= key == a;
    if (!ok) return false;
  }
  return true;
}

bool IsMember(const RewriteWork& w, const Layer& l) {
  if (l.outputs.size() != 1 || !IsFloat(w.TypeOf(l.outputs[0]))) return false;
  for (int32_t id : l.inputs) {
    if (!IsFloat(w.TypeOf(id))) return false;
  }
  switch (l.kind) {
    case LayerKind::kElementwise:  // the float ops, the ones a program holds
      return binary::Read(l.params) < kNumPointwiseBinary && OnlyParams(l, {"op"}, "activation.");
    case LayerKind::kUnary:
      return ReadActivation(l.params, "").op != UnaryOp::kNot && OnlyParams(l, {"op", "alpha", "beta", "min", "max"});
    case LayerKind::kCast: return OnlyParams(l, {"to"});
    default: return false;
  }
}

// The value of a one-element float constant tensor, if `id` is one.
bool ScalarConstant(const RewriteWork& w, int32_t id, double* value) {
  const int64_t p = w.producer[id];
  if (p < 0 || w.net.layers[p].kind != LayerKind::kConstant || Numel(w.ShapeOf(id)) != 1) return false;
  const WeightView& v = w.net.weights[p];
  const DType t = w.TypeOf(id);
  if (!IsFloat(t) || v.bytes < DTypeSize(t)) return false;
  if (t == DType::kFloat32) {
    float f;
    std::memcpy(&f, v.data, 4);
    *value = f;
  } else {
    uint16_t h;
    std::memcpy(&h, v.data, 2);
    *value = t == DType::kFloat16 ? HalfToFloat(h) : BFloat16ToFloat(h);
  }
  return true;
}

// Per tensor: how many distinct layers read it (mul(t, t) is one reader of t).
std::vector<int> DistinctReaders(const Network& net) {
  std::vector<int> readers(net.tensors.size(), 0);
  std::vector<size_t> last(net.tensors.size(), SIZE_MAX);  // the last layer counted for each
  for (size_t i = 0; i < net.layers.size(); ++i) {
    for (int32_t id : net.layers[i].inputs) {
      if (last[id] == i) continue;
      last[id] = i;
      readers[id]++;
    }
  }
  return readers;
}

// The tensors a chain reads from outside itself, constants folded into the program excluded.
std::set<int32_t> ExternalInputs(const RewriteWork& w, const std::vector<int64_t>& members) {
  std::set<int32_t> made, in;
  for (int64_t m : members) made.insert(w.net.layers[m].outputs[0]);
  double scalar;
  for (int64_t m : members) {
    for (int32_t id : w.net.layers[m].inputs) {
      if (!made.count(id) && !ScalarConstant(w, id, &scalar)) in.insert(id);
    }
  }
  return in;
}

// Writes one chain (members in network order, the last one its output) as a program.
Layer MakePointwise(const RewriteWork& w, const std::vector<int64_t>& members) {
  const Layer& last = w.net.layers[members.back()];
  Layer fused;
  fused.kind = LayerKind::kPointwise;
  fused.name = last.name;
  fused.outputs = last.outputs;
  PointwiseProgram prog;
  std::map<int32_t, PointwiseOperand> value;  // tensor -> operand
  auto constant = [&](double v) {
    PointwiseOperand o;
    o.kind = PointwiseOperand::Kind::kConstant;
    auto it = std::find(prog.constants.begin(), prog.constants.end(), v);
    o.index = static_cast<int>(it - prog.constants.begin());
    if (it == prog.constants.end()) prog.constants.push_back(v);
    return o;
  };
  auto operand = [&](int32_t id) {
    auto it = value.find(id);
    if (it != value.end()) return it->second;
    double v;
    if (ScalarConstant(w, id, &v)) return value[id] = constant(v);
    PointwiseOperand o;
    o.index = static_cast<int>(fused.inputs.size());
    fused.inputs.push_back(id);
    return value[id] = o;
  };
  auto step = [&](PointwiseStep s) {
    prog.steps.push_back(std::move(s));
    PointwiseOperand o;
    o.kind = PointwiseOperand::Kind::kStep;
    o.index = static_cast<int>(prog.steps.size()) - 1;
    return o;
  };
  // A unary step of op `name` on `x`, its parameters read from `params` under `prefix`.
  auto unary = [&](PointwiseOperand x, const Params& params, const std::string& prefix) {
    PointwiseStep s;
    s.act = ReadActivation(params, prefix);
    s.args = {x};
    switch (s.act.op) {
      case UnaryOp::kLeakyRelu:
      case UnaryOp::kElu: s.args.push_back(constant(s.act.alpha)); break;
      case UnaryOp::kSelu:
      case UnaryOp::kHardSigmoid:
        s.args.push_back(constant(s.act.alpha));
        s.args.push_back(constant(s.act.beta));
        break;
      case UnaryOp::kClip:
        s.args.push_back(constant(s.act.min));
        s.args.push_back(constant(s.act.max));
        break;
      default: break;
    }
    return step(s);
  };
  for (int64_t m : members) {
    const Layer& l = w.net.layers[m];
    PointwiseOperand out;
    if (l.kind == LayerKind::kElementwise) {
      PointwiseStep s;
      s.binary = true;
      s.op2 = binary::Read(l.params);  // a float op (IsMember)
      s.args = {operand(l.inputs[0]), operand(l.inputs[1])};
      out = step(s);
      if (HasActivation(l.params, "activation.")) out = unary(out, l.params, "activation.");
    } else if (l.kind == LayerKind::kUnary) {
      out = unary(operand(l.inputs[0]), l.params, "");
    } else {  // a float-to-float cast: the value stays fp32 inside the chain
      PointwiseStep s;
      s.args = {operand(l.inputs[0])};
      out = step(s);
    }
    value[l.outputs[0]] = out;
    if (m != members.back()) NoteFused(fused, l);
  }
  // What had been fused into the last member: it runs here too.
  if (const std::optional<std::string> names = FusedNames(last.params)) AppendFused(&fused.params, *names);
  prog.num_inputs = static_cast<int>(fused.inputs.size());
  SetPointwiseProgram(prog, &fused.params);
  return fused;
}

}  // namespace

Network FusePointwise(const Network& net, PointwiseCounts* counts) {
  RewriteWork w(net);
  const size_t n = net.layers.size();
  // chain[i]: the members (ascending) of the chain whose last layer is i, for candidates.
  std::vector<std::vector<int64_t>> chain(n);
  std::vector<bool> member(n, false);
  for (size_t i = 0; i < n; ++i) member[i] = IsMember(w, net.layers[i]);
  const std::vector<int> readers = DistinctReaders(net);
  for (size_t i = 0; i < n; ++i) {
    if (!member[i]) continue;
    std::vector<int64_t> mine = {static_cast<int64_t>(i)};
    for (int32_t id : net.layers[i].inputs) {
      const int64_t p = w.producer[id];
      if (p < 0 || !member[p] || chain[p].empty() || w.is_output[id] || readers[id] != 1) continue;
      std::vector<int64_t> grown = mine;
      grown.insert(grown.end(), chain[p].begin(), chain[p].end());
      std::sort(grown.begin(), grown.end());
      if (grown.size() > static_cast<size_t>(kMaxPointwiseSteps) / 2 ||
          ExternalInputs(w, grown).size() > static_cast<size_t>(kMaxPointwiseInputs)) {
        continue;
      }
      mine = grown;
      chain[p].clear();  // now part of this chain
    }
    chain[i] = mine;
  }
  PointwiseCounts c;
  for (size_t i = 0; i < n; ++i) {
    if (chain[i].size() < 2) continue;
    Layer fused = MakePointwise(w, chain[i]);
    for (int64_t m : chain[i]) w.alive[m] = false;
    w.net.layers[i] = fused;
    w.alive[i] = true;
    c.layers++;
    c.merged += static_cast<int>(chain[i].size());
  }
  if (!c.layers) {
    if (counts) *counts = c;
    return net;
  }
  w.Index();
  // One-element constants now folded into programs and read by nothing else.
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = w.net.layers[i];
    if (w.alive[i] && l.kind == LayerKind::kConstant && !w.uses[l.outputs[0]] && !w.is_output[l.outputs[0]]) {
      w.alive[i] = false;
    }
  }
  if (counts) *counts = c;
  return Compact(w);
}

}  // namespace hybridrt
