// The gather layer's typed params, read once for its shape rule (CheckGatherLayer), the shape-value
// evaluation, the builder's passes and the cpu and cuda kernels (cpu/gather.cc, cuda/gather.cu).
// 'default' (ONNX Gather) and 'elements' (GatherElements) index data along `axis`, seen as
// (outer, len, inner) (AxisSplit); 'nd' (GatherND) reads `axis` as batch_dims, its geometry in
// gather_nd.h.
#pragma once

#include <cstdint>
#include <string>

#include "layers/gather_nd.h"
#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

enum class GatherMode : int { kDefault, kElements, kNd };

struct GatherParams {
  GatherMode mode = GatherMode::kDefault;
  int64_t axis = 0;  // in [0, rank) for 'default' and 'elements' (the shape rule checks); batch_dims for 'nd'
};

// The layer's params (validated by the schema: present, right types).
inline GatherParams ReadGather(const Params& p) {
  const std::string& mode = p.String("mode");
  return {mode == "nd"         ? GatherMode::kNd
          : mode == "elements" ? GatherMode::kElements
                               : GatherMode::kDefault,
          p.Int("axis")};
}

}  // namespace hybridrt
