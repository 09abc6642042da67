// Reads a NetworkDefinition (src/engine/network.ts) from its JS object by walking it with
// N-API. Weights are not copied: each constant's WeightView points into its typed array, so
// the caller must keep the JS object alive (and unmodified) while the Network is in use; the
// engine copies weights into its own store when it is built. Anything that is not the
// documented shape of the object (a missing field, a wrong type, a typed array that does not
// match the tensor's dtype) is an Error naming where it is.
#pragma once

#include <napi.h>

#include "src/ir/network.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

Network ReadNetwork(const Napi::Value& value);

// The argument of the addon's inferLayer (src/engine/native.ts): { kind, name, params,
// inputs: [{ dtype, shape }], outputs?: [{ dtype?, shape? }] }.
struct LayerQuery {
  Layer layer;
  std::vector<TensorInfo> inputs;
  std::vector<GivenOutput> given;
};
LayerQuery ReadLayerQuery(const Napi::Value& value);

}  // namespace hybridrt
