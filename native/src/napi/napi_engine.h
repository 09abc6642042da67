// N-API classes and functions behind src/engine/native.ts: buildEngine, deserializeEngine,
// Engine {serialize, createContext, info, dispose} and ExecutionContext {run, dispose}.
// Every entry point turns hybridrt::Error (and std::bad_alloc) into a JS Error whose `code`
// is the ErrorCode name; runs and builds execute off the JS thread (Napi::AsyncWorker) and
// settle a Promise.
#pragma once

#include <napi.h>

namespace hybridrt {

void InitEngineBindings(Napi::Env env, Napi::Object exports);

}  // namespace hybridrt
