// N-API entry point: the module object that src/engine/native.ts loads (its typed
// interface, NativeAddon, lists everything exported here).
#include <napi.h>

#include "src/engine/backend.h"
#include "src/napi/napi_engine.h"
#include "src/napi/napi_layer.h"
#include "src/util/env_switches.h"
#include "src/util/version.h"

namespace hybridrt {
namespace {

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kNativeVersion); }

// Backends compiled into this addon; whether a device is present is asked with deviceQuery.
Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Array list = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (const std::string& name : CompiledBackends()) list.Set(i++, Napi::String::New(info.Env(), name));
  return list;
}

// The switches as a build reads them now, with the cpu kernel form in effect (set at load).
Napi::Value EnvSwitchesLine(const Napi::CallbackInfo& info) {
  EnvSwitches s = ReadEnvSwitches();
  s.cpu_kernel = cpu::KernelForm();
  return Napi::String::New(info.Env(), DescribeEnvSwitches(s));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The process-wide switch, read once before any kernel runs (engine/backend.h SetKernelForm).
  cpu::SetKernelForm(ReadEnvSwitches().cpu_kernel);
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("backends", Napi::Function::New(env, Backends, "backends"));
  exports.Set("envSwitches", Napi::Function::New(env, EnvSwitchesLine, "envSwitches"));
  InitEngineBindings(env, exports);
  InitLayerBindings(env, exports);
  return exports;
}

}  // namespace hybridrt

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return hybridrt::Init(env, exports); }

NODE_API_MODULE(hybridrt, InitModule)
