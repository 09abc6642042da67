// N-API walk of a NetworkDefinition (see network_reader.h).
#include "src/napi/network_reader.h"

#include <cmath>

#include "src/napi/napi_util.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

[[noreturn]] void Bad(const std::string& where, const std::string& what) {
  Fail(ErrorCode::kNative, Cat("network: ", where, " ", what));
}

Napi::Value Prop(const Napi::Object& obj, const char* key, const std::string& where) {
  Napi::Value v = obj.Get(key);
  if (v.IsUndefined()) Bad(Cat(where, ".", key), "is missing");
  return v;
}

Napi::Object AsObject(const Napi::Value& v, const std::string& where) {
  if (!v.IsObject() || v.IsArray()) Bad(where, "must be an object");
  return v.As<Napi::Object>();
}

Napi::Array AsArray(const Napi::Value& v, const std::string& where) {
  if (!v.IsArray()) Bad(where, "must be an array");
  return v.As<Napi::Array>();
}

std::string AsString(const Napi::Value& v, const std::string& where) {
  if (!v.IsString()) Bad(where, "must be a string");
  return v.As<Napi::String>().Utf8Value();
}

int64_t AsInt(const Napi::Value& v, const std::string& where, int64_t min, int64_t max) {
  if (!v.IsNumber()) Bad(where, "must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    Bad(where, Cat("must be an integer in [", min, ", ", max, "], got ", d));
  }
  return static_cast<int64_t>(d);
}

std::vector<int32_t> ReadIds(const Napi::Value& v, const std::string& where) {
  Napi::Array arr = AsArray(v, where);
  std::vector<int32_t> ids(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    ids[i] =
        static_cast<int32_t>(AsInt(arr.Get(i), Cat(where, "[", i, "]"), -(int64_t{1} << 31), (int64_t{1} << 31) - 1));
  }
  return ids;
}

ParamValue ReadParamValue(const Napi::Value& v, const std::string& where) {
  ParamValue p;
  if (v.IsNumber()) {
    p.type = ParamValue::Type::kNumber;
    p.number = v.As<Napi::Number>().DoubleValue();
  } else if (v.IsBoolean()) {
    p.type = ParamValue::Type::kBool;
    p.boolean = v.As<Napi::Boolean>().Value();
  } else if (v.IsString()) {
    p.type = ParamValue::Type::kString;
    p.string = v.As<Napi::String>().Utf8Value();
  } else if (v.IsArray()) {
    Napi::Array arr = v.As<Napi::Array>();
    p.type = ParamValue::Type::kNumbers;
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Napi::Value e = arr.Get(i);
      if (!e.IsNumber()) Bad(Cat(where, "[", i, "]"), "must be a number");
      p.numbers.push_back(e.As<Napi::Number>().DoubleValue());
    }
  } else {
    Bad(where, "must be a number, boolean, string or list of numbers");
  }
  return p;
}

// Own enumerable keys; explicitly undefined values count as absent (optional TS fields).
void ReadParams(const Napi::Value& v, const std::string& where, Params* params) {
  Napi::Object obj = AsObject(v, where);
  Napi::Array keys = obj.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value value = obj.Get(key);
    if (value.IsUndefined()) continue;
    std::string here = Cat(where, ".", key);
    if (value.IsObject() && !value.IsArray()) {  // a nested object (a fused activation): dotted keys
      Napi::Object act = AsObject(value, here);
      Napi::Array act_keys = act.GetPropertyNames();
      for (uint32_t j = 0; j < act_keys.Length(); ++j) {
        std::string k = act_keys.Get(j).As<Napi::String>().Utf8Value();
        Napi::Value av = act.Get(k);
        if (av.IsUndefined()) continue;
        params->Set(key + "." + k, ReadParamValue(av, Cat(here, ".", k)));
      }
      continue;
    }
    params->Set(key, ReadParamValue(value, here));
  }
}

WeightView ReadWeights(const Napi::Value& v, const std::string& where, DType dtype) {
  if (!v.IsTypedArray()) Bad(where, "must be a typed array");
  Napi::TypedArray arr = v.As<Napi::TypedArray>();
  napi_typedarray_type expected = StorageOf(dtype);
  if (arr.TypedArrayType() != expected) {
    Bad(where, Cat("is ", StorageName(arr.TypedArrayType()), "; a ", DTypeName(dtype), " tensor needs ",
                   StorageName(expected)));
  }
  WeightView w;
  w.data = static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  w.bytes = arr.ByteLength();
  return w;
}

DType ReadDType(const Napi::Value& v, const std::string& where) {
  std::string name = AsString(v, where);
  DType t;
  if (!ParseDType(name, &t)) Bad(where, Cat("'", name, "' is not an engine dtype"));
  return t;
}

Shape ReadShape(const Napi::Value& v, const std::string& where) {
  Napi::Array arr = AsArray(v, where);
  Shape shape;
  for (uint32_t d = 0; d < arr.Length(); ++d)
    shape.push_back(AsInt(arr.Get(d), Cat(where, "[", d, "]"), 0, kMaxElements));
  return shape;
}

}  // namespace

LayerQuery ReadLayerQuery(const Napi::Value& value) {
  LayerQuery q;
  Napi::Object obj = AsObject(value, "layer");
  q.layer.name = AsString(Prop(obj, "name", "layer"), "layer.name");
  const std::string where = Cat("layer '", q.layer.name, "'");
  std::string kind = AsString(Prop(obj, "kind", where), where + ".kind");
  if (!ParseLayerKind(kind, &q.layer.kind)) Bad(where, Cat("has unknown kind '", kind, "'"));
  ReadParams(Prop(obj, "params", where), where + ".params", &q.layer.params);
  Napi::Array inputs = AsArray(Prop(obj, "inputs", where), where + ".inputs");
  for (uint32_t i = 0; i < inputs.Length(); ++i) {
    const std::string at = Cat(where, ".inputs[", i, "]");
    Napi::Object t = AsObject(inputs.Get(i), at);
    TensorInfo info;
    info.name = t.Get("name").IsString() ? t.Get("name").As<Napi::String>().Utf8Value() : Cat("input ", i);
    info.dtype = ReadDType(Prop(t, "dtype", at), at + ".dtype");
    info.shape = ReadShape(Prop(t, "shape", at), at + ".shape");
    q.inputs.push_back(std::move(info));
  }
  Napi::Value outputs = obj.Get("outputs");
  if (!outputs.IsUndefined()) {
    Napi::Array arr = AsArray(outputs, where + ".outputs");
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      const std::string at = Cat(where, ".outputs[", i, "]");
      Napi::Object t = AsObject(arr.Get(i), at);
      GivenOutput g;
      if (!t.Get("dtype").IsUndefined()) {
        g.has_dtype = true;
        g.dtype = ReadDType(t.Get("dtype"), at + ".dtype");
      }
      if (!t.Get("shape").IsUndefined()) {
        g.has_shape = true;
        g.shape = ReadShape(t.Get("shape"), at + ".shape");
      }
      q.given.push_back(std::move(g));
    }
  }
  return q;
}

Network ReadNetwork(const Napi::Value& value) {
  Network net;
  Napi::Object obj = AsObject(value, "definition");
  net.format_version = static_cast<uint32_t>(AsInt(Prop(obj, "formatVersion", "network"), "formatVersion", 0, 1 << 30));
  net.name = AsString(Prop(obj, "name", "network"), "name");
  Napi::Array tensors = AsArray(Prop(obj, "tensors", "network"), "tensors");
  for (uint32_t i = 0; i < tensors.Length(); ++i) {
    std::string where = Cat("tensors[", i, "]");
    Napi::Object t = AsObject(tensors.Get(i), where);
    int64_t id = AsInt(Prop(t, "id", where), where + ".id", 0, int64_t{1} << 31);
    if (id != i) Bad(where + ".id", Cat("is ", id, "; ids must equal the tensor's index ", i));
    TensorInfo info;
    info.name = AsString(Prop(t, "name", where), where + ".name");
    std::string dtype = AsString(Prop(t, "dtype", where), where + ".dtype");
    if (!ParseDType(dtype, &info.dtype)) Bad(where + ".dtype", Cat("'", dtype, "' is not an engine dtype"));
    Napi::Array shape = AsArray(Prop(t, "shape", where), where + ".shape");
    for (uint32_t d = 0; d < shape.Length(); ++d) {
      info.shape.push_back(AsInt(shape.Get(d), Cat(where, ".shape[", d, "] of '", info.name, "'"), 0, kMaxElements));
    }
    net.tensors.push_back(std::move(info));
  }
  net.inputs = ReadIds(Prop(obj, "inputs", "network"), "inputs");
  net.outputs = ReadIds(Prop(obj, "outputs", "network"), "outputs");
  // ranges: [{ min, max }] per input, optional (static).
  Napi::Value ranges = obj.Get("ranges");
  if (!ranges.IsUndefined()) {
    Napi::Array arr = AsArray(ranges, "ranges");
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      const std::string where = Cat("ranges[", i, "]");
      Napi::Object r = AsObject(arr.Get(i), where);
      InputRange range;
      for (auto [key, dims] : {std::pair{"min", &range.min}, std::pair{"max", &range.max}}) {
        Napi::Array shape = AsArray(Prop(r, key, where), Cat(where, ".", key));
        for (uint32_t d = 0; d < shape.Length(); ++d) {
          dims->push_back(AsInt(shape.Get(d), Cat(where, ".", key, "[", d, "]"), 0, kMaxElements));
        }
      }
      net.ranges.push_back(std::move(range));
    }
  }
  Napi::Array layers = AsArray(Prop(obj, "layers", "network"), "layers");
  for (uint32_t i = 0; i < layers.Length(); ++i) {
    std::string where = Cat("layers[", i, "]");
    Napi::Object l = AsObject(layers.Get(i), where);
    Layer layer;
    layer.name = AsString(Prop(l, "name", where), where + ".name");
    where = Cat(where, " '", layer.name, "'");
    std::string kind = AsString(Prop(l, "kind", where), where + ".kind");
    if (!ParseLayerKind(kind, &layer.kind)) Bad(where, Cat("has unknown kind '", kind, "'"));
    layer.inputs = ReadIds(Prop(l, "inputs", where), where + ".inputs");
    layer.outputs = ReadIds(Prop(l, "outputs", where), where + ".outputs");
    ReadParams(Prop(l, "params", where), where + ".params", &layer.params);
    WeightView w;
    if (layer.kind == LayerKind::kConstant) {
      if (layer.outputs.size() != 1 || layer.outputs[0] < 0 ||
          static_cast<size_t>(layer.outputs[0]) >= net.tensors.size()) {
        Bad(where, "must have one output with a valid tensor id");
      }
      w = ReadWeights(Prop(l, "weights", where), where + ".weights", net.tensors[layer.outputs[0]].dtype);
    }
    net.layers.push_back(std::move(layer));
    net.weights.push_back(w);
  }
  return net;
}

}  // namespace hybridrt
