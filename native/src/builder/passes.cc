// The builder's pass list and its runner (see passes.h).
#include "src/builder/passes.h"

#include <utility>

#include "src/builder/layout.h"
#include "src/builder/pointwise_fusion.h"
#include "src/builder/precision.h"
#include "src/builder/qdq_fusion.h"
#include "src/ir/validator.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

// -1 in a config toggle: the default.
bool Toggle(int value, bool fallback) { return value < 0 ? fallback : value != 0; }

bool FusionEnabled(const BuildConfig& c, const PassTarget&) { return Toggle(c.fusion, true); }

bool RunFusion(const Network& net, const BuildConfig& c, PassOutput* out, PassStats* stats) {
  FusionCounts counts;
  Network fused = FuseLayers(net, &counts, Toggle(c.attention, true));
  counts.pointwise = stats->fusions.pointwise;  // the pointwise pass's, not this one's
  stats->fusions = counts;
  if (!counts.total()) return false;
  out->net = std::move(fused);
  return true;
}

// The int8 kernel table the qdq pass folds by: the backend's, or the one a test names.
Int8Kernels QdqKernels(const BuildConfig& c) {
  Int8Kernels k = Int8KernelsOf(c.int8_kernels.empty() ? c.backend : c.int8_kernels);
  k.fold_depthwise = Toggle(c.int8_depthwise, k.fold_depthwise);
  return k;
}

// Where the backend has int8 kernels (Int8KernelsOf, qdq_fusion.h). Switched off (the config's
// qdq), it folds nothing and only notes on the layers it would have looked at that it is off,
// so that the report reads why from the pass and nothing else reads the switch.
bool QdqEnabled(const BuildConfig& c, const PassTarget&) { return QdqKernels(c).any; }

bool RunQdq(const Network& net, const BuildConfig& c, PassOutput* out, PassStats* stats) {
  QdqRewrite r = FoldQdq(net, QdqKernels(c), Toggle(c.qdq, true));
  stats->int8_layers = r.int8_layers;
  stats->quantize_folded = r.quantize_folded;
  if (!r.int8_layers && !r.constants_folded && !r.not_int8) return false;
  out->net = std::move(r.net);
  out->owned = std::move(r.owned);
  return true;
}

// Reports nothing of its own: engine.info() gives each layer's precision (DescribePrecision).
bool PrecisionEnabled(const BuildConfig& c, const PassTarget&) {
  return ChooseReducedPrecision(c.reduced_precisions) != DType::kFloat32;
}

bool RunPrecision(const Network& net, const BuildConfig& c, PassOutput* out, PassStats*) {
  PrecisionRewrite r = ApplyReducedPrecision(net, ChooseReducedPrecision(c.reduced_precisions));
  out->net = std::move(r.net);
  out->owned = std::move(r.owned);
  return true;
}

bool LayoutEnabled(const BuildConfig& c, const PassTarget&) { return Toggle(c.layout, c.backend == "cuda"); }

bool RunLayout(const Network& net, const BuildConfig& c, PassOutput* out, PassStats* stats) {
  LayoutRewrite r = ApplyChannelsLast(net, Int8KernelsOf(c.backend).channels_last);
  stats->nhwc_layers = r.nhwc_layers;
  stats->layout_transposes = r.transposes;
  if (!r.nhwc_layers) return false;
  out->net = std::move(r.net);
  out->owned = std::move(r.owned);
  return true;
}

// As `fusion` by default, and only where the backend runs pointwise layers.
bool PointwiseEnabled(const BuildConfig& c, const PassTarget& t) {
  return Toggle(c.pointwise, FusionEnabled(c, t)) && t.runs_pointwise;
}

bool RunPointwise(const Network& net, const BuildConfig&, PassOutput* out, PassStats* stats) {
  PointwiseCounts counts;
  Network chains = FusePointwise(net, &counts);
  stats->fusions.pointwise = counts.layers;
  if (!counts.layers) return false;
  out->net = std::move(chains);
  return true;
}

}  // namespace

const std::vector<BuilderPass>& BuilderPasses() {
  static const std::vector<BuilderPass> passes = {
      {"fusion", FusionEnabled, RunFusion},          {"qdq", QdqEnabled, RunQdq},
      {"precision", PrecisionEnabled, RunPrecision}, {"layout", LayoutEnabled, RunLayout},
      {"pointwise", PointwiseEnabled, RunPointwise},
  };
  return passes;
}

BuiltNetwork RunBuilderPasses(const Network& source, const BuildConfig& config, const PassTarget& target,
                              PassStats* stats) {
  BuiltNetwork built;
  for (const BuilderPass& pass : BuilderPasses()) {
    if (!pass.enabled(config, target)) continue;
    PassOutput out;
    if (!pass.run(built.changed ? built.net : source, config, &out, stats)) continue;
    try {
      ValidateNetwork(out.net);
    } catch (const Error& e) {
      Fail(ErrorCode::kNative,
           Cat("internal: the builder's pass '", pass.name, "' made an invalid network: ", e.what()));
    }
    built.net = std::move(out.net);
    for (auto& bytes : out.owned) built.owned.push_back(std::move(bytes));
    built.changed = true;
  }
  return built;
}

}  // namespace hybridrt
