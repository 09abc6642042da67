// The build configuration (TensorRT's IBuilderConfig): every switch of a build in one place.
// What buildEngine's config says (src/engine/network.ts BuildConfig), and where it does not
// say or has no key, the environment switches (util/env_switches.h). The binding fills it
// once per build (napi_engine.cc ReadBuildConfig) and it is passed down: the builder's passes
// read it (passes.h), the engine its backend, threads, timing cache and alias switch, and the
// kernels its tactic switches (KernelSetup::tactic_switches). Nothing below the binding reads
// the environment.
#pragma once

#include <string>
#include <vector>

#include "src/ir/dtype.h"
#include "src/util/env_switches.h"

namespace hybridrt {

struct BuildConfig {
  std::string backend = "cpu";
  int threads = 0;  // cpu: 0 = every core
  int device = 0;   // cuda: the device ordinal the engine is built and runs on
  // Reduced precisions the builder may use for float layers besides fp32 (kFloat16,
  // kBFloat16); the precision pass chooses among them (precision.h ChooseReducedPrecision).
  std::vector<DType> reduced_precisions;
  // The fusion pass (fusion.h): -1 = the default (on, both backends), 0 off, 1 on.
  int fusion = -1;
  // Channels-last layouts for reduced-precision convolutions (layout.h): -1 = the backend's
  // default (on for cuda), 0 off, 1 on.
  int layout = -1;
  // Byte-view shuffles as aliases (alias.h, memory_planner.h): -1 = default (on), 0 off, 1 on.
  int alias = -1;
  // Pointwise chains (pointwise_fusion.h), where the backend runs them: -1 = as `fusion`, 0
  // off, 1 on.
  int pointwise = -1;
  // The attention pattern of the fusion pass (attention_fusion.h), where the fusion pass runs:
  // -1 or 1 on, 0 off. Attention layers that converters emit are not affected.
  int attention = -1;
  // The qdq pass (qdq_fusion.h), where the backend has int8 kernels (cpu): -1 = the default
  // (on), 0 off, 1 on.
  int qdq = -1;
  // Whether the qdq pass folds depthwise convolutions where the backend's int8 kernels take them
  // (qdq_fusion.h fold_depthwise): -1 = the table's default (on), 0 off, 1 on. The
  // environment only (HYBRIDRT_INT8_DEPTHWISE).
  int int8_depthwise = -1;
  // Test hook: the int8 kernel table the qdq pass folds by (qdq_fusion.h Int8KernelsOf), "" =
  // the backend's. "cuda" on the cpu backend shows on any machine which layers the cuda kernels
  // refuse, and why (the cpu kernels take every layer cuda's do). The engine still checks every
  // int8 layer against its backend's own table.
  std::string int8_kernels;
  // Timing cache file (engine/timing_cache.h): read before and updated after choosing tactics.
  std::string timing_cache_path;
  // Debugging switches of tactic choice (environment only): what kernels are told.
  TacticSwitches tactic_switches;
};

}  // namespace hybridrt
