// Full validation of a network before anything is built from it: format version, tensor
// shapes, ids in range, every tensor produced exactly once and before use (topological
// order), params (param_schema.h), per-kind dtypes and shapes (shape_rules.h), and constant
// weights whose byte size matches their tensor. A violation is an Error naming the layer
// and the tensor; nothing in a network can make the builder read out of bounds afterwards.
#pragma once

#include "src/ir/network.h"

namespace hybridrt {

constexpr uint32_t kNetworkFormatVersion = 1;  // NETWORK_FORMAT_VERSION in network.ts

void ValidateNetwork(const Network& net);

}  // namespace hybridrt
