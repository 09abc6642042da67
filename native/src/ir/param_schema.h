// The params each layer kind takes (names and types exactly as in src/engine/network.ts):
// which are required, which optional, which must be integral, and which strings an enum
// param allows. CheckParams refuses a missing, mistyped, out-of-enum or unknown param with
// an Error naming the layer and the param. Ranges that depend on shapes are checked by
// the shape rules (shape_rules.h).
#pragma once

#include "src/ir/network.h"

namespace hybridrt {

void CheckParams(const Layer& layer);

// The unary op names (shared with fused activations).
bool IsUnaryOp(const std::string& op);

}  // namespace hybridrt
