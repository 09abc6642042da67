// The rule of the elementwise layer (see elementwise.h).
#include "layers/elementwise.h"

#include "layers/activation.h"
#include "layers/quant_add.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckElementwiseLayer(const LayerCheck& c) {
  if (IsQuantAdd(c.params())) return CheckQuantAdd(c);  // the int8 add (quant_add.h)
  c.ExpectInputs(2, 2);
  c.ExpectOutputs(1);
  c.ExpectSameDType(1, 0);
  const binary::Op op = binary::Read(c.params());
  DType t = c.In(0).dtype;
  const bool is_compare = binary::IsCompare(op);
  bool ok;
  if (op == binary::kAnd || op == binary::kOr) {
    ok = t == DType::kBool;
  } else if (op == binary::kEqual) {
    ok = IsFloat(t) || t == DType::kInt32 || t == DType::kInt64 || t == DType::kBool;
  } else if (op == binary::kPow || op == binary::kPrelu) {
    ok = IsFloat(t);
  } else if (op == binary::kMod) {
    ok = t == DType::kInt32 || t == DType::kInt64;
  } else {
    ok = IsNumeric(t);
  }
  if (!ok) c.Bad(Cat("op '", binary::Name(op), "' does not take dtype ", DTypeName(t)));
  Shape out;
  if (!BroadcastShapes({c.In(0).shape, c.In(1).shape}, &out)) {
    c.Bad(Cat("shapes ", ShapeToString(c.In(0).shape), " and ", ShapeToString(c.In(1).shape), " do not broadcast"));
  }
  DType out_type = is_compare ? DType::kBool : t;
  c.ExpectOutput(0, out_type, out);
  CheckActivation(c, out_type);
}

}  // namespace hybridrt
