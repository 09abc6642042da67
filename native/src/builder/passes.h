// The builder's passes: network-to-network rewrites run before anything else sees the
// network, in the order of one list (BuilderPasses(), passes.cc), as the TypeScript side's
// lowering runs its passes (src/lowering/index.ts). Each pass has a name, says whether the
// build config enables it, rewrites, and reports what it did into PassStats (engine.info()'s
// `build`). The contract of every pass: a valid network in, a valid network out, weight views
// kept alive by the source or by the bytes the pass owns. RunBuilderPasses checks it after
// every pass that changed the network (ValidateNetwork), so that a pass that breaks it is named.
//
// Order: fusion (fusion.h), Q/DQ folding into int8 layers (qdq_fusion.h: it needs the fused
// activations and residuals; where the backend has int8 kernels), reduced precision (precision.h), channels-last
// layouts (layout.h), which need to know which convolutions run in fp16/bf16, then pointwise chains
// (pointwise_fusion.h), which need the final dtypes and layouts.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "src/builder/build_config.h"
#include "src/builder/fusion.h"
#include "src/ir/network.h"

namespace hybridrt {

// What the passes did (engine.info().build: fusions, nhwcLayers, layoutTransposes).
struct PassStats {
  FusionCounts fusions;       // fusion: its patterns; pointwise: chains made one layer
  int nhwc_layers = 0;        // layout: layers that run channels-last
  int layout_transposes = 0;  // layout: layout changes inserted
  int int8_layers = 0;        // qdq: convolutions and matmuls made int8 (qdq_fusion.h)
  int quantize_folded = 0;    // qdq: quantize layers folded into their epilogues
};

// Bytes a pass made that its network's weights view (converted or permuted constants).
using OwnedWeights = std::vector<std::shared_ptr<std::vector<uint8_t>>>;

// What a pass makes: the rewritten network and the bytes of the weights it made.
struct PassOutput {
  Network net;
  OwnedWeights owned;
};

// What the passes need to know of the backend being built for (the engine asks its registry).
struct PassTarget {
  bool runs_pointwise = false;  // the backend runs pointwise layers (backend.h RunsPointwise)
};

struct BuilderPass {
  const char* name;
  bool (*enabled)(const BuildConfig& config, const PassTarget& target);
  // Rewrites `net` into `out` and adds what it did to `stats`; returns whether the network
  // changed (false: `out` is not used).
  bool (*run)(const Network& net, const BuildConfig& config, PassOutput* out, PassStats* stats);
};

// The passes, in the order they run.
const std::vector<BuilderPass>& BuilderPasses();

// The network an engine is built from: `net` if changed, else the source network (unchanged).
struct BuiltNetwork {
  bool changed = false;
  Network net;
  OwnedWeights owned;  // the bytes of every pass's weights that `net` may view
};

// Runs the enabled passes on `source` (valid) in order; an Error (kNative, "internal: ...")
// names a pass that made an invalid network.
BuiltNetwork RunBuilderPasses(const Network& source, const BuildConfig& config, const PassTarget& target,
                              PassStats* stats);

}  // namespace hybridrt
