// The qdq pass's element-wise add (qdq_parts.h; qdq_fusion.h describes the pass):
//
//   dequantize(a int8/uint8, per tensor) ─┐
//                                         ├─► add (relu fused or none) ─► quantize (per tensor, its only reader)
//   dequantize(b int8/uint8, per tensor) ─┘
//
// becomes one int8 add (layers/quant_add.h) reading a and b as they are and writing the
// quantize's int8/uint8 output: the pattern onnxruntime's QDQ format and TensorRT's Q/DQ
// placement give an add that no convolution took as its residual (the fusion pass, which runs
// first, fuses an add into the convolution whose float output it reads; the qdq pass then folds
// that add's other dequantize into the convolution, quant_form.h). An add that reads a
// dequantize and does not fold says why, as a convolution does.
#include <string>
#include <utility>

#include "layers/activation.h"
#include "layers/elementwise.h"
#include "layers/quant_add.h"
#include "layers/quant_form.h"
#include "src/builder/qdq_parts.h"
#include "src/util/error.h"

namespace hybridrt {
namespace qdq {

bool AddCandidate(const RewriteWork& w, const Layer& l) {
  return l.kind == LayerKind::kElementwise && l.inputs.size() == 2 && !IsQuantAdd(l.params) &&
         binary::Read(l.params) == binary::kAdd && (Dequantized(w, l, 0) || Dequantized(w, l, 1));
}

bool FoldAdd(RewriteWork& w, size_t i, const Int8Kernels& kernels, int* quantize_folded, NotFolded* why) {
  const Layer& l = w.net.layers[i];
  if (!AddCandidate(w, l)) return false;
  auto pass = [&](auto&&... parts) {
    *why = NotFolded{kNotInt8ByPass, Cat(parts...)};
    return false;
  };
  const std::string refusal = kernels.Refusal(l, w.ShapeOf(l.inputs[0]).size(), w.ShapeOf(l.inputs[1]));
  if (!refusal.empty()) {
    *why = NotFolded{kNotInt8ByBackend, refusal};
    return false;
  }
  const DType out = w.TypeOf(l.outputs[0]);
  if (out != DType::kFloat32) return pass("its output is ", DTypeName(out), ", not float32");
  QuantAdd q;
  if (HasActivation(l.params, "activation.")) {
    const UnaryOp op = ReadActivation(l.params, "activation.").op;
    if (op != UnaryOp::kRelu && op != UnaryOp::kIdentity) {
      return pass("its fused activation is ", UnaryOpName(op), "; an int8 add takes relu or none");
    }
    q.relu = op == UnaryOp::kRelu;
  }
  // Each input's dequantize: per tensor, from int8/uint8, a positive scale.
  int64_t dq[2];
  for (size_t k = 0; k < 2; ++k) {
    const std::string name = Cat("its input ", k, " ('", w.net.tensors[l.inputs[k]].name, "')");
    if (!Dequantized(w, l, k)) {
      return pass(name, " comes from no dequantize: a float input, which the int8 add does not take");
    }
    dq[k] = w.producer[l.inputs[k]];
    const Layer& d = w.net.layers[dq[k]];
    const DType t = w.TypeOf(d.inputs[0]);
    if (!IsInt8(t)) return pass(name, " is dequantized from ", DTypeName(t), " (int8 or uint8 only)");
    Scales s;
    if (!ReadScales(w, d, &s)) return pass(name, "'s dequantize has no constant float32 scale and zero point");
    if (s.scale.size() != 1) return pass(name, " is dequantized per axis (the int8 add takes per-tensor scales only)");
    if (!(static_cast<float>(s.scale[0]) > 0)) return pass(name, "'s scale is not positive");
    (k == 0 ? q.a_scale : q.b_scale) = static_cast<float>(s.scale[0]);
    (k == 0 ? q.a_zero : q.b_zero) = static_cast<int32_t>(s.zero[0]);
  }
  // The output's quantize: its only reader, per tensor, into int8/uint8.
  const int64_t qy = w.SoleReader(l.outputs[0]);
  if (qy < 0 || w.net.layers[qy].kind != LayerKind::kQuantize || w.is_output[l.outputs[0]]) {
    return pass("its output goes to no QuantizeLinear as its only reader (the int8 add makes int8 or uint8)");
  }
  const Layer& ql = w.net.layers[qy];
  Scales ys;
  if (!IsInt8(w.TypeOf(ql.outputs[0]))) return pass("its output is quantized to ", DTypeName(w.TypeOf(ql.outputs[0])));
  if (!ReadScales(w, ql, &ys)) return pass("its output's quantize has no constant float32 scale and zero point");
  if (ys.scale.size() != 1) return pass("its output is quantized per axis (the int8 add takes per-tensor scales only)");
  if (!(static_cast<float>(ys.scale[0]) > 0)) return pass("its output's scale is not positive");
  q.y_scale = static_cast<float>(ys.scale[0]);
  q.y_zero = static_cast<int32_t>(ys.zero[0]);
  Layer folded = l;
  folded.inputs = {w.net.layers[dq[0]].inputs[0], w.net.layers[dq[1]].inputs[0]};
  folded.outputs = ql.outputs;
  WriteQuantAdd(q, &folded.params);
  NoteFused(folded, w.net.layers[dq[0]]);
  if (dq[1] != dq[0]) NoteFused(folded, w.net.layers[dq[1]]);
  NoteFused(folded, ql);
  w.alive[qy] = false;
  ++*quantize_folded;
  w.net.layers[i] = folded;
  w.Index();
  DropUnread(w, {dq[0], dq[1] != dq[0] ? dq[1] : -1});
  return true;
}

}  // namespace qdq
}  // namespace hybridrt
