// The network layers the builder fused into a layer: its `fused` param, which any kind may
// carry (fusion.h), their names joined by '|' in the order they were fused. The param's one
// reader and writer: the builder's passes note a fusion through AppendFused (net_rewrite.h's
// NoteFused), engine.info() lists the names (fusedFrom), and the timing cache leaves the param
// out of a layer's key by kFusedParam (a note, not what decides a tactic).
#pragma once

#include <optional>
#include <string>

#include "src/ir/network.h"

namespace hybridrt {

constexpr const char* kFusedParam = "fused";

// The layer's '|'-joined list, or nullopt where nothing was fused into it.
inline std::optional<std::string> FusedNames(const Params& p) {
  if (!p.Has(kFusedParam)) return std::nullopt;
  return p.String(kFusedParam);
}

// Appends `names` (one name, or a '|'-joined list) to the layer's list, starting it where there
// is none.
inline void AppendFused(Params* p, const std::string& names) {
  const std::optional<std::string> had = FusedNames(*p);
  p->Set(kFusedParam, ParamValue::String(had ? *had + "|" + names : names));
}

}  // namespace hybridrt
