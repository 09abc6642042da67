// The N-API class of execution contexts (ExecutionContext in src/engine/native.ts): run (on a
// worker thread), runSync (on the caller's), dispose and what the last run measured. An
// engine's binding (napi_engine.cc) creates them with the state below and marks them when the
// engine is disposed; the class is defined once per addon instance (AddonData::context_ctor).
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "src/engine/context.h"

namespace hybridrt {

// What a context's JS object holds; the engine's binding keeps weak references to release
// every idle context's native memory when the engine is disposed (a busy one's once its run
// settles).
struct ContextState {
  std::shared_ptr<ExecutionContext> ctx;
  std::string engine_name;
  bool busy = false;
  bool disposed = false;
  bool engine_disposed = false;
  bool release_after_run = false;
  TransferCounts last_transfers;
  RunTiming last_timing;
  std::string graph_state = "warm-up";
  size_t graph_nodes = 0;
  std::vector<Shape> last_output_shapes;
  double last_prepare_ms = 0;
  // What the last run took on its thread: the layers and taking the outputs (ms).
  double last_run_ms = 0;
};

// The ExecutionContext class; its constructor takes an External<shared_ptr<ContextState>>.
Napi::Function DefineContext(Napi::Env env);

}  // namespace hybridrt
