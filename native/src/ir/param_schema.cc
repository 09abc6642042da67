// Param schemas per layer kind (see param_schema.h).
#include "src/ir/param_schema.h"

#include <cmath>
#include <initializer_list>
#include <iterator>
#include <set>
#include <vector>

#include "layers/activation.h"
#include "layers/elementwise.h"
#include "src/ir/fused_names.h"
#include "layers/pad.h"
#include "layers/quant_form.h"
#include "layers/reduce.h"
#include "layers/scatter.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

enum class PType { kInt, kInts, kFloat, kFloats, kBool, kEnum, kString };

struct PSpec {
  const char* key;
  PType type;
  bool required;
  std::vector<const char*> choices;  // kEnum only
};

// The ops' names from their one table each (activation.cc, elementwise.h, reduce.h).
const std::vector<const char*> kUnaryOps = UnaryOpNames();
const std::vector<const char*> kBinaryOps(std::begin(binary::kNames), std::end(binary::kNames));
const std::vector<const char*> kReduceOps(std::begin(reduce::kNames), std::end(reduce::kNames));
const std::vector<const char*> kScatterReductions(std::begin(kScatterReductionNames), std::end(kScatterReductionNames));
const std::vector<const char*> kDTypeNames = {"float32", "float16", "bfloat16", "int32",
                                              "int64",   "int8",    "uint8",    "bool"};

PSpec Ints(const char* k, bool req = true) { return {k, PType::kInts, req, {}}; }
PSpec Int(const char* k) { return {k, PType::kInt, true, {}}; }
PSpec Float(const char* k, bool req = true) { return {k, PType::kFloat, req, {}}; }
PSpec Floats(const char* k, bool req = true) { return {k, PType::kFloats, req, {}}; }
PSpec Bool(const char* k, bool req = true) { return {k, PType::kBool, req, {}}; }
PSpec Enum(const char* k, std::vector<const char*> c, bool req = true) { return {k, PType::kEnum, req, std::move(c)}; }

struct KindSchema {
  std::vector<PSpec> params;
  bool activation = false;               // takes a fused activation ("activation.op", ...)
  std::vector<const char*> activations;  // further activation prefixes (a builder form's)
};

const KindSchema& SchemaOf(LayerKind kind) {
  static const std::vector<KindSchema> schemas = [] {
    std::vector<KindSchema> s(kNumLayerKinds);
    auto at = [&](LayerKind k) -> KindSchema& { return s[static_cast<int>(k)]; };
    std::vector<PSpec> window = {Ints("kernel"), Ints("strides"), Ints("padsBegin"), Ints("padsEnd"),
                                 Ints("dilations")};
    at(LayerKind::kConvolution).params = window;
    at(LayerKind::kConvolution).params.push_back(Int("groups"));
    // Builder forms (fusion.h, layout.h): a residual input added before the activation, and
    // channels-last tensors.
    at(LayerKind::kConvolution).params.push_back(Bool("residual", false));
    at(LayerKind::kConvolution).params.push_back(Enum("layout", {"nchw", "nhwc"}, false));
    at(LayerKind::kConvolution).params.push_back(Float("inputClip", false));
    at(LayerKind::kConvolution).activation = true;
    // Builder form (quant_form.h): the int8 convolution and matmul.
    const std::vector<PSpec> quant = {Float("quant.inputScale", false),
                                      {"quant.inputZeroPoint", PType::kInt, false, {}},
                                      Floats("quant.weightScales", false),
                                      Float("quant.outputScale", false),
                                      {"quant.outputZeroPoint", PType::kInt, false, {}},
                                      Float("quant.residualScale", false),
                                      {"quant.residualZeroPoint", PType::kInt, false, {}}};
    for (const PSpec& q : quant) at(LayerKind::kConvolution).params.push_back(q);
    // The qdq pass's note on a convolution, matmul or add it left float (quant_form.h kNotInt8).
    const std::vector<PSpec> not_int8 = {{kNotInt8, PType::kString, false, {}},
                                         Enum(kNotInt8By, {kNotInt8ByBackend, kNotInt8ByPass}, false)};
    for (const PSpec& n : not_int8) at(LayerKind::kConvolution).params.push_back(n);
    at(LayerKind::kDeconvolution).params = window;
    at(LayerKind::kDeconvolution).params.push_back(Ints("outputPadding"));
    at(LayerKind::kDeconvolution).params.push_back(Int("groups"));
    at(LayerKind::kDeconvolution).activation = true;
    // Builder form (fusion.h): a residual input, last, added to the product.
    at(LayerKind::kMatmul).params = {Bool("transA"), Bool("transB"), Float("alpha"), Float("beta"),
                                     Bool("residual", false)};
    at(LayerKind::kMatmul).activation = true;
    for (const PSpec& q : quant) at(LayerKind::kMatmul).params.push_back(q);
    for (const PSpec& n : not_int8) at(LayerKind::kMatmul).params.push_back(n);
    at(LayerKind::kElementwise).params = {Enum("op", kBinaryOps)};
    // Builder form (quant_add.h): the int8 add; and the qdq pass's note on an add it left float.
    for (const char* k : {"quant.inputScale", "quant.input1Scale", "quant.outputScale"}) {
      at(LayerKind::kElementwise).params.push_back(Float(k, false));
    }
    for (const char* k : {"quant.inputZeroPoint", "quant.input1ZeroPoint", "quant.outputZeroPoint"}) {
      at(LayerKind::kElementwise).params.push_back({k, PType::kInt, false, {}});
    }
    for (const PSpec& n : not_int8) at(LayerKind::kElementwise).params.push_back(n);
    at(LayerKind::kElementwise).activation = true;
    at(LayerKind::kUnary).params = {Enum("op", kUnaryOps), Float("alpha", false), Float("beta", false),
                                    Float("min", false), Float("max", false)};
    at(LayerKind::kPooling).params = window;
    at(LayerKind::kPooling).params.push_back(Enum("mode", {"max", "average"}));
    at(LayerKind::kPooling).params.push_back(Bool("ceilMode"));
    at(LayerKind::kPooling).params.push_back(Bool("countIncludePad"));
    at(LayerKind::kPooling).params.push_back(Enum("layout", {"nchw", "nhwc"}, false));
    at(LayerKind::kReduce).params = {Enum("op", kReduceOps), Ints("axes"), Bool("keepDims")};
    // Builder form (fusion.h): a squeeze-excite tail, two fully connected layers with their
    // activations, on a mean.
    at(LayerKind::kReduce).params.push_back(Bool("excite", false));
    at(LayerKind::kReduce).params.push_back(Bool("exciteScale", false));
    at(LayerKind::kReduce).activations = {"excite1.", "excite2."};
    at(LayerKind::kSoftmax).params = {Int("axis"), Bool("log")};
    at(LayerKind::kNormalization).params = {Enum("mode", {"layer", "instance", "group"}), Int("axis"), Float("epsilon"),
                                            Int("groups")};
    at(LayerKind::kShuffle).params = {Ints("firstPerm", false), Ints("reshape", false), Ints("secondPerm", false),
                                      Bool("zeroIsPlaceholder", false)};
    at(LayerKind::kConcat).params = {Int("axis")};
    at(LayerKind::kSplit).params = {Int("axis"), Ints("sizes")};
    // starts in the plain form, axes in the computed window's (computed_layers.h).
    at(LayerKind::kSlice).params = {Ints("starts", false), Ints("steps"), Ints("axes", false)};
    at(LayerKind::kGather).params = {Int("axis"), Enum("mode", {"default", "elements", "nd"})};
    at(LayerKind::kPad).params = {Enum("mode", {std::begin(kPadModeNames), std::end(kPadModeNames)}), Ints("padsBegin"),
                                  Ints("padsEnd"), Float("value")};
    at(LayerKind::kResize).params = {
        Enum("mode", {"nearest", "linear", "cubic"}),
        Enum("coordinateTransformation", {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                          "tf_half_pixel_for_nn", "half_pixel_symmetric"}),
        Enum("nearestMode", {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}),
        Floats("scales"),
        Float("cubicCoeffA"),
        Bool("excludeOutside"),
        Float("extrapolationValue"),
        Bool("followScales", false)};
    // Builder form (layout.h): a transposing cast.
    at(LayerKind::kCast).params = {Enum("to", kDTypeNames), Ints("perm", false)};
    at(LayerKind::kCumSum).params = {Int("axis"), Bool("exclusive"), Bool("reverse")};
    at(LayerKind::kArgMinMax).params = {Enum("op", {"max", "min"}), Int("axis"), Bool("keepDims"), Bool("lastIndex")};
    // Builder form (attention_fusion.h).
    at(LayerKind::kAttention).params = {Float("scale"),         Bool("transK"),         Bool("nanToZero", false),
                                        Ints("qPerm", false),   Ints("kPerm", false),   Ints("vPerm", false),
                                        Ints("outPerm", false), Ints("qSelect", false), Ints("kSelect", false),
                                        Ints("vSelect", false)};
    at(LayerKind::kScatter).params = {Enum("mode", {"nd", "elements"}), Int("axis"),
                                      Enum("reduction", kScatterReductions)};
    // k in the plain form; the computed form reads it from its second input (computed_layers.h).
    at(LayerKind::kTopK).params = {Int("axis"), {"k", PType::kInt, false, {}}, Bool("largest")};
    at(LayerKind::kRoiAlign).params = {Enum("mode", {"avg", "max"}), Int("outputHeight"),   Int("outputWidth"),
                                       Int("samplingRatio"),         Float("spatialScale"), Bool("halfPixel")};
    at(LayerKind::kNonZero).params = {};
    // scoreThreshold absent: every box is a candidate.
    at(LayerKind::kNms).params = {Int("maxOutputBoxesPerClass"), Float("iouThreshold"), Float("scoreThreshold", false),
                                  Bool("centerPointBox")};
    at(LayerKind::kGridSample).params = {Enum("mode", {"linear", "nearest", "cubic"}),
                                         Enum("padding", {"zeros", "border", "reflection"}), Bool("alignCorners")};
    // Which optional inputs are present: recurrent.h.
    at(LayerKind::kRecurrent).params = {Enum("cell", {"rnn", "gru", "lstm"}),
                                        Bool("reverse"),
                                        Bool("linearBeforeReset"),
                                        Bool("recurrentBias"),
                                        Bool("initialH"),
                                        Bool("initialC"),
                                        Bool("sequenceLens")};
    // The plain form's (computed_layers.h); a range with inputs reads them there.
    at(LayerKind::kRange).params = {Ints("start", false), Ints("delta", false)};
    at(LayerKind::kQuantize).params = {Int("axis")};
    at(LayerKind::kDequantize).params = {Int("axis")};
    // Builder form (pointwise.h): a fused chain of float elementwise, unary and cast layers.
    at(LayerKind::kPointwise).params = {{"program", PType::kString, true, {}}, Floats("constants", false)};
    return s;
  }();
  return schemas[static_cast<int>(kind)];
}

const char* TypeName(PType t) {
  switch (t) {
    case PType::kInt: return "an integer";
    case PType::kInts: return "a list of integers";
    case PType::kFloat: return "a number";
    case PType::kFloats: return "a list of numbers";
    case PType::kBool: return "a boolean";
    case PType::kEnum: return "a string";
    case PType::kString: return "a string";
  }
  return "?";
}

// Integral params are bounded by 2^40 like dims (shape.h): no sane network needs more, and
// the bound keeps every product the rules and kernels form from them inside 128 bits.
bool IsIntegral(double d) { return std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= 1099511627776.0; }

void CheckOne(const Layer& layer, const std::string& key, const PSpec& spec, const ParamValue& v) {
  auto bad = [&](const std::string& why) { BadParam(layer, key, why); };
  switch (spec.type) {
    case PType::kInt:
      if (v.type != ParamValue::Type::kNumber) bad(Cat("must be ", TypeName(spec.type)));
      if (!IsIntegral(v.number)) bad(Cat("must be an integer of magnitude <= 2^40, got ", v.number));
      break;
    case PType::kFloat:
      if (v.type != ParamValue::Type::kNumber) bad(Cat("must be ", TypeName(spec.type)));
      if (std::isnan(v.number)) bad("is NaN");
      break;
    case PType::kInts:
    case PType::kFloats:
      if (v.type != ParamValue::Type::kNumbers) bad(Cat("must be ", TypeName(spec.type)));
      for (double d : v.numbers) {
        if (spec.type == PType::kInts && !IsIntegral(d)) bad(Cat("must hold integers of magnitude <= 2^40, got ", d));
        if (std::isnan(d)) bad("holds NaN");
      }
      break;
    case PType::kBool:
      if (v.type != ParamValue::Type::kBool) bad(Cat("must be ", TypeName(spec.type)));
      break;
    case PType::kString:
      if (v.type != ParamValue::Type::kString) bad(Cat("must be ", TypeName(spec.type)));
      break;
    case PType::kEnum: {
      if (v.type != ParamValue::Type::kString) bad(Cat("must be ", TypeName(spec.type)));
      bool ok = false;
      std::string list;
      for (const char* c : spec.choices) {
        if (v.string == c) ok = true;
        list += list.empty() ? "" : ", ";
        list += c;
      }
      if (!ok) bad(Cat("is '", v.string, "'; expected one of: ", list));
      break;
    }
  }
}

}  // namespace

bool IsUnaryOp(const std::string& op) {
  for (const char* u : kUnaryOps) {
    if (op == u) return true;
  }
  return false;
}

void CheckParams(const Layer& layer) {
  const KindSchema& schema = SchemaOf(layer.kind);
  std::set<std::string> known;
  for (const PSpec& spec : schema.params) {
    known.insert(spec.key);
    auto it = layer.params.values().find(spec.key);
    if (it == layer.params.values().end()) {
      if (spec.required) {
        BadParam(layer, spec.key, Cat("is missing (expected ", TypeName(spec.type), ")"));
      }
      continue;
    }
    CheckOne(layer, spec.key, spec, it->second);
  }
  std::vector<std::string> prefixes(schema.activations.begin(), schema.activations.end());
  if (schema.activation) prefixes.insert(prefixes.begin(), "activation.");
  for (const std::string& prefix : prefixes) {
    static const PSpec kActNum = Float("activation.x", false);
    const PSpec act_op = Enum("activation.op", kUnaryOps);
    bool any = false;
    for (size_t i = 0; i < std::size(kActivationKeys); ++i) {  // the op first, then its numbers
      const std::string k = prefix + kActivationKeys[i];
      known.insert(k);
      auto it = layer.params.values().find(k);
      if (it == layer.params.values().end()) continue;
      any = true;
      CheckOne(layer, k, i == 0 ? act_op : kActNum, it->second);
    }
    if (any && !HasActivation(layer.params, prefix)) {
      BadParam(layer, Cat(prefix, "op"), "is missing");
    }
  }
  // Any layer may say which network layers the builder fused into it (fusion.h).
  static const PSpec kFused = {kFusedParam, PType::kString, false, {}};
  auto fused = layer.params.values().find(kFusedParam);
  if (fused != layer.params.values().end()) {
    known.insert(kFusedParam);
    CheckOne(layer, kFusedParam, kFused, fused->second);
  }
  for (const auto& [key, value] : layer.params.values()) {
    if (!known.count(key)) {
      Fail(ErrorCode::kNative,
           Cat(LayerLabel(layer), ": unknown param '", key, "' for a ", LayerKindName(layer.kind), " layer"));
    }
  }
}

}  // namespace hybridrt
