// The rule of the matmul layer (see matmul.h).
#include "layers/matmul.h"

#include <utility>

#include "layers/activation.h"
#include "layers/quant_form.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckMatmulLayer(const LayerCheck& c) {
  // A residual (a builder form: fusion.h) is the last input: y = alpha a b + beta c + residual.
  const MatmulParams p = ReadMatmul(c.params());
  const bool residual = p.residual;
  c.ExpectInputs(residual ? 3 : 2, residual ? 4 : 3);
  c.ExpectOutputs(1);
  const size_t num_c = c.NumIn() - (residual ? 1 : 0);  // inputs a, b and c
  const bool quant = IsQuantForm(c.params());           // the int8 form: its dtypes below
  if (!quant) c.ExpectFloatInput(0);
  for (size_t i = 1; i < c.NumIn() && !quant; ++i) c.ExpectSameDType(i, 0);
  Shape a = c.In(0).shape;
  Shape b = c.In(1).shape;
  if (a.empty() || b.empty()) c.Bad("inputs a and b must have rank >= 1");
  const bool ta = p.trans_a, tb = p.trans_b;
  if (ta && a.size() < 2) c.Bad("param 'transA' needs input a of rank >= 2");
  if (tb && b.size() < 2) c.Bad("param 'transB' needs input b of rank >= 2");
  bool a_vec = a.size() == 1;
  bool b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  if (ta) std::swap(a[a.size() - 1], a[a.size() - 2]);
  if (tb) std::swap(b[b.size() - 1], b[b.size() - 2]);
  int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], n = b.back();
  if (k != kb) {
    c.Bad(Cat("inner dimensions differ: a ", ShapeToString(c.In(0).shape), " and b ", ShapeToString(c.In(1).shape),
              " give K = ", k, " and ", kb));
  }
  Shape batch;
  if (!BroadcastShapes({Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2)}, &batch)) {
    c.Bad(Cat("batch dims of ", ShapeToString(c.In(0).shape), " and ", ShapeToString(c.In(1).shape),
              " do not broadcast"));
  }
  Shape out = batch;
  if (!a_vec) out.push_back(m);
  if (!b_vec) out.push_back(n);
  if (num_c == 3) {
    Shape bc;
    if (!BroadcastShapes({c.In(2).shape, out}, &bc) || bc != out) {
      c.Bad(Cat(c.InLabel(2), " has shape ", ShapeToString(c.In(2).shape), ", which does not broadcast to ",
                ShapeToString(out)));
    }
  }
  if (residual && (quant || c.In(c.NumIn() - 1).shape != out)) {
    c.Bad(Cat(c.InLabel(c.NumIn() - 1), " (the residual) has shape ", ShapeToString(c.In(c.NumIn() - 1).shape),
              "; expected the output's ", ShapeToString(out), quant ? " (and no int8 form)" : ""));
  }
  if (quant) CheckInt8Matmul(c, p, num_c == 3);
  const DType y = quant ? CheckQuantForm(c, n) : c.In(0).dtype;
  c.ExpectOutput(0, y, out);
  CheckActivation(c, quant ? DType::kFloat32 : c.In(0).dtype);
}

}  // namespace hybridrt
