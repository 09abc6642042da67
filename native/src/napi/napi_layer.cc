// inferLayer: a layer's output dtypes and shapes for the TypeScript builder
// (src/engine/layer-outputs.ts), worked out by the rules the validator checks networks with
// (src/ir/shape_rules.h in derive mode), so that a layer's shape has one authority; and
// deriveShapes: a whole network's at other input shapes, as a dynamic engine derives them.
#include "src/napi/napi_layer.h"

#include "src/napi/napi_util.h"
#include "src/napi/network_reader.h"
#include "src/ir/derive_shapes.h"
#include "src/ir/validator.h"

namespace hybridrt {
namespace {

Napi::Value InferLayer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    LayerQuery q = ReadLayerQuery(info[0]);
    std::vector<TensorInfo> outs = DeriveLayerOutputs(q.layer, q.inputs, q.given);
    Napi::Array result = Napi::Array::New(env, outs.size());
    for (uint32_t i = 0; i < outs.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("dtype", Napi::String::New(env, DTypeName(outs[i].dtype)));
      Napi::Array shape = Napi::Array::New(env, outs[i].shape.size());
      for (uint32_t d = 0; d < outs[i].shape.size(); ++d)
        shape.Set(d, Napi::Number::New(env, static_cast<double>(outs[i].shape[d])));
      o.Set("shape", shape);
      result.Set(i, o);
    }
    return result;
  });
}

// deriveShapes(network, inputShapes): every tensor's shape at those input shapes, as a dynamic
// engine built from the network computes them at run time (derive_shapes.h).
Napi::Value DeriveShapes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    Network net = ReadNetwork(info[0]);
    ValidateNetwork(net);
    if (info.Length() < 2 || !info[1].IsArray())
      Fail(ErrorCode::kInput, "deriveShapes(network, inputShapes): inputShapes must be an array");
    Napi::Array given = info[1].As<Napi::Array>();
    std::vector<Shape> shapes;
    for (uint32_t i = 0; i < given.Length(); ++i) {
      Napi::Value v = given.Get(i);
      if (!v.IsArray()) Fail(ErrorCode::kInput, Cat("deriveShapes: inputShapes[", i, "] must be an array"));
      Napi::Array dims = v.As<Napi::Array>();
      Shape s;
      for (uint32_t d = 0; d < dims.Length(); ++d)
        s.push_back(static_cast<int64_t>(dims.Get(d).As<Napi::Number>().DoubleValue()));
      shapes.push_back(std::move(s));
    }
    std::vector<TensorInfo> tensors = DeriveNetworkShapes(net, shapes);
    Napi::Array result = Napi::Array::New(env, tensors.size());
    for (uint32_t i = 0; i < tensors.size(); ++i) {
      Napi::Array shape = Napi::Array::New(env, tensors[i].shape.size());
      for (uint32_t d = 0; d < tensors[i].shape.size(); ++d)
        shape.Set(d, Napi::Number::New(env, static_cast<double>(tensors[i].shape[d])));
      result.Set(i, shape);
    }
    return result;
  });
}

}  // namespace

void InitLayerBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("inferLayer", Napi::Function::New(env, InferLayer, "inferLayer"));
  exports.Set("deriveShapes", Napi::Function::New(env, DeriveShapes, "deriveShapes"));
}

}  // namespace hybridrt
