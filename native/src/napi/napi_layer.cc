// inferLayer: a layer's output dtypes and shapes for the TypeScript builder
// (src/engine/layer-outputs.ts), worked out by the rules the validator checks networks with
// (src/ir/shape_rules.h in derive mode), so that a layer's shape has one authority.
#include "src/napi/napi_layer.h"

#include "src/napi/napi_util.h"
#include "src/napi/network_reader.h"

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

}  // namespace

void InitLayerBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("inferLayer", Napi::Function::New(env, InferLayer, "inferLayer"));
}

}  // namespace hybridrt
