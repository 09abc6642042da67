// The addon's inferLayer (napi_layer.cc): derives one layer's outputs with the validator's rules.
#pragma once

#include <napi.h>

namespace hybridrt {

void InitLayerBindings(Napi::Env env, Napi::Object exports);

}  // namespace hybridrt
