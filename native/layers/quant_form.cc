// The int8 builder form's params and dtype rules (see quant_form.h).
#include "layers/quant_form.h"

#include <cmath>

#include "src/ir/shape_rules.h"

namespace hybridrt {

QuantForm ReadQuantForm(const Params& p) {
  QuantForm q;
  if (!IsQuantForm(p)) return q;
  q.on = true;
  q.input_scale = static_cast<float>(p.Float("quant.inputScale"));
  q.input_zero = static_cast<int32_t>(p.Int("quant.inputZeroPoint"));
  for (double s : p.Floats("quant.weightScales")) q.weight_scales.push_back(static_cast<float>(s));
  q.requantize = p.Has("quant.outputScale");
  if (q.requantize) {
    q.output_scale = static_cast<float>(p.Float("quant.outputScale"));
    q.output_zero = static_cast<int32_t>(p.Int("quant.outputZeroPoint"));
  }
  q.residual_quantized = p.Has("quant.residualScale");
  if (q.residual_quantized) {
    q.residual_scale = static_cast<float>(p.Float("quant.residualScale"));
    q.residual_zero = static_cast<int32_t>(p.Int("quant.residualZeroPoint"));
  }
  return q;
}

void WriteQuantForm(const QuantForm& q, Params* p) {
  p->Set("quant.inputScale", ParamValue::Number(q.input_scale));
  p->Set("quant.inputZeroPoint", ParamValue::Number(q.input_zero));
  ParamValue scales;
  scales.type = ParamValue::Type::kNumbers;
  scales.numbers.assign(q.weight_scales.begin(), q.weight_scales.end());
  p->Set("quant.weightScales", scales);
  if (q.requantize) {
    p->Set("quant.outputScale", ParamValue::Number(q.output_scale));
    p->Set("quant.outputZeroPoint", ParamValue::Number(q.output_zero));
  }
  if (q.residual_quantized) {
    p->Set("quant.residualScale", ParamValue::Number(q.residual_scale));
    p->Set("quant.residualZeroPoint", ParamValue::Number(q.residual_zero));
  }
}

bool ZeroPointInRange(DType t, int64_t zero) {
  return t == DType::kInt8 ? zero >= -128 && zero <= 127 : zero >= 0 && zero <= 255;
}

bool GoodQuantScale(double s) {
  return std::isfinite(s) && s > 0 && std::isfinite(static_cast<float>(s)) && static_cast<float>(s) > 0;
}

DType CheckQuantForm(const LayerCheck& c, int64_t channels) {
  const Params& p = c.params();
  for (const char* k : {"quant.inputZeroPoint", "quant.weightScales"}) {
    if (!p.Has(k)) c.Bad(Cat("param '", k, "' is missing (the int8 form has 'quant.inputScale')"));
  }
  if (p.Has("quant.outputScale") != p.Has("quant.outputZeroPoint")) {
    c.Bad("params 'quant.outputScale' and 'quant.outputZeroPoint' come together");
  }
  if (p.Has("quant.residualScale") != p.Has("quant.residualZeroPoint")) {
    c.Bad("params 'quant.residualScale' and 'quant.residualZeroPoint' come together");
  }
  // The residual (the last input) is int8/uint8 where its scale is given.
  const bool zq = p.Has("quant.residualScale");
  if (zq && !(p.Has("residual") && p.Bool("residual"))) c.Bad("param 'quant.residualScale' needs a residual input");
  const size_t zin = zq ? c.NumIn() - 1 : c.NumIn();
  if (zq) {
    const DType zt = c.In(zin).dtype;
    if (zt != DType::kInt8 && zt != DType::kUInt8) {
      c.Bad(Cat(c.InLabel(zin), " has dtype ", DTypeName(zt), "; a quantized residual is int8 or uint8"));
    }
    if (!ZeroPointInRange(zt, p.Int("quant.residualZeroPoint"))) {
      c.Bad(Cat("param 'quant.residualZeroPoint' is ", p.Int("quant.residualZeroPoint"), ", outside ", DTypeName(zt)));
    }
    if (!GoodQuantScale(p.Float("quant.residualScale")))
      c.Bad("the int8 form's scales must be finite float32 values > 0");
  }
  const DType xt = c.In(0).dtype;
  if (xt != DType::kInt8 && xt != DType::kUInt8) {
    c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(xt), "; the int8 form reads int8 or uint8"));
  }
  if (c.In(1).dtype != DType::kInt8) {
    c.Bad(Cat(c.InLabel(1), " has dtype ", DTypeName(c.In(1).dtype), "; the int8 form's weights are int8"));
  }
  for (size_t i = 2; i < zin; ++i) {
    if (c.In(i).dtype != DType::kFloat32) {
      c.Bad(Cat(c.InLabel(i), " has dtype ", DTypeName(c.In(i).dtype), "; expected float32 (the int8 form)"));
    }
  }
  if (!ZeroPointInRange(xt, p.Int("quant.inputZeroPoint"))) {
    c.Bad(Cat("param 'quant.inputZeroPoint' is ", p.Int("quant.inputZeroPoint"), ", outside ", DTypeName(xt)));
  }
  const std::vector<double> ws = p.Floats("quant.weightScales");
  if (ws.size() != 1 && static_cast<int64_t>(ws.size()) != channels) {
    c.Bad(Cat("param 'quant.weightScales' has ", ws.size(), " entries; expected 1 or ", channels));
  }
  bool good = GoodQuantScale(p.Float("quant.inputScale"));
  for (double s : ws) good = good && GoodQuantScale(s);
  if (p.Has("quant.outputScale")) good = good && GoodQuantScale(p.Float("quant.outputScale"));
  if (!good) c.Bad("the int8 form's scales must be finite float32 values > 0");
  if (!p.Has("quant.outputScale")) return DType::kFloat32;
  const DType yt = c.OutDTypeOr(0, DType::kInt8);
  if (yt != DType::kInt8 && yt != DType::kUInt8) {
    c.Bad(Cat(c.OutLabel(0), " has dtype ", DTypeName(yt), "; a requantizing int8 layer makes int8 or uint8"));
  }
  if (!ZeroPointInRange(yt, p.Int("quant.outputZeroPoint"))) {
    c.Bad(Cat("param 'quant.outputZeroPoint' is ", p.Int("quant.outputZeroPoint"), ", outside ", DTypeName(yt)));
  }
  return yt;
}

std::string Int8MatmulRefusal(const MatmulParams& p, const Shape& b, const Shape* c) {
  if (p.trans_a) return "an int8 matmul takes no transposed A (transA)";
  if (b.size() != 2) return Cat("its weights have ", b.size(), " dims; an int8 matmul takes a matrix");
  if (p.alpha != 1 || (c && p.beta != 1)) {
    return Cat("an int8 matmul takes alpha 1 and beta 1; this one has alpha ", p.alpha, " and beta ", p.beta);
  }
  const int64_t k = p.trans_b ? b[1] : b[0], n = p.trans_b ? b[0] : b[1];
  if (c && (c->empty() || c->back() != n || Numel(*c) != n)) {
    return Cat("an int8 matmul's c is a bias of N = ", n, " values; c has shape ", ShapeToString(*c));
  }
  if (!Int8ProductsFit(k)) {
    return Cat("an int8 matmul sums 1 to ", kMaxInt8Products, " products per output (int32 range); this one ", k);
  }
  return "";
}

void CheckInt8Matmul(const LayerCheck& c, const MatmulParams& p, bool has_c) {
  const std::string why = Int8MatmulRefusal(p, c.In(1).shape, has_c ? &c.In(2).shape : nullptr);
  if (!why.empty()) c.Bad(why);
}

}  // namespace hybridrt
