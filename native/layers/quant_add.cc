// The int8 add's params and shape rule (see quant_add.h).
#include "layers/quant_add.h"

#include "layers/activation.h"
#include "layers/elementwise.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

constexpr const char* kKeys[] = {"quant.inputScale",      "quant.inputZeroPoint", "quant.input1Scale",
                                 "quant.input1ZeroPoint", "quant.outputScale",    "quant.outputZeroPoint"};

}  // namespace

QuantAdd ReadQuantAdd(const Params& p) {
  QuantAdd q;
  q.a_scale = static_cast<float>(p.Float("quant.inputScale"));
  q.a_zero = static_cast<int32_t>(p.Int("quant.inputZeroPoint"));
  q.b_scale = static_cast<float>(p.Float("quant.input1Scale"));
  q.b_zero = static_cast<int32_t>(p.Int("quant.input1ZeroPoint"));
  q.y_scale = static_cast<float>(p.Float("quant.outputScale"));
  q.y_zero = static_cast<int32_t>(p.Int("quant.outputZeroPoint"));
  q.relu = HasActivation(p, "activation.") && ReadActivation(p, "activation.").op == UnaryOp::kRelu;
  return q;
}

void WriteQuantAdd(const QuantAdd& q, Params* p) {
  p->Set("quant.inputScale", ParamValue::Number(q.a_scale));
  p->Set("quant.inputZeroPoint", ParamValue::Number(q.a_zero));
  p->Set("quant.input1Scale", ParamValue::Number(q.b_scale));
  p->Set("quant.input1ZeroPoint", ParamValue::Number(q.b_zero));
  p->Set("quant.outputScale", ParamValue::Number(q.y_scale));
  p->Set("quant.outputZeroPoint", ParamValue::Number(q.y_zero));
  if (q.relu) SetActivationOp(p, "activation.", UnaryOp::kRelu);
}

void CheckQuantAdd(const LayerCheck& c) {
  c.ExpectInputs(2, 2);
  c.ExpectOutputs(1);
  const Params& p = c.params();
  if (binary::Read(p) != binary::kAdd) c.Bad(Cat("the int8 form is an add; this op is '", p.String("op"), "'"));
  for (const char* k : kKeys) {
    if (!p.Has(k)) c.Bad(Cat("param '", k, "' is missing (the int8 add has 'quant.inputScale')"));
  }
  if (p.Has("quant.weightScales") || p.Has("quant.residualScale")) {
    c.Bad("the int8 add takes no weight or residual scales (those are the convolution's and matmul's)");
  }
  for (size_t i = 0; i < 2; ++i) {
    const DType t = c.In(i).dtype;
    if (!IsInt8Type(t)) c.Bad(Cat(c.InLabel(i), " has dtype ", DTypeName(t), "; the int8 add reads int8 or uint8"));
    const char* zk = i == 0 ? "quant.inputZeroPoint" : "quant.input1ZeroPoint";
    if (!ZeroPointInRange(t, p.Int(zk))) c.Bad(Cat("param '", zk, "' is ", p.Int(zk), ", outside ", DTypeName(t)));
  }
  for (const char* k : {"quant.inputScale", "quant.input1Scale", "quant.outputScale"}) {
    if (!GoodQuantScale(p.Float(k))) c.Bad("the int8 add's scales must be finite float32 values > 0");
  }
  if (HasActivation(p, "activation.")) {
    const UnaryOp op = ReadActivation(p, "activation.").op;
    if (op != UnaryOp::kRelu && op != UnaryOp::kIdentity) {
      c.Bad(Cat("the int8 add's activation is relu or none, not ", UnaryOpName(op)));
    }
  }
  Shape out;
  if (!BroadcastShapes({c.In(0).shape, c.In(1).shape}, &out)) {
    c.Bad(Cat("shapes ", ShapeToString(c.In(0).shape), " and ", ShapeToString(c.In(1).shape), " do not broadcast"));
  }
  const DType yt = c.OutDTypeOr(0, DType::kInt8);
  if (!IsInt8Type(yt)) c.Bad(Cat(c.OutLabel(0), " has dtype ", DTypeName(yt), "; the int8 add makes int8 or uint8"));
  if (!ZeroPointInRange(yt, p.Int("quant.outputZeroPoint"))) {
    c.Bad(Cat("param 'quant.outputZeroPoint' is ", p.Int("quant.outputZeroPoint"), ", outside ", DTypeName(yt)));
  }
  c.ExpectOutput(0, yt, out);
}

}  // namespace hybridrt
