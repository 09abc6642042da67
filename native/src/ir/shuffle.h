// The shapes of a shuffle layer (network.ts: transpose by firstPerm, reshape, transpose by
// secondPerm), in one place for its shape rule, the alias planner and the kernels. `reshape`
// takes one -1 (what the element count leaves) and, with `zeroIsPlaceholder` (TensorRT's
// setZeroIsPlaceholder; ONNX's allowzero=0), 0 as the dim at that index before the reshape,
// else 0 as an empty dim: so that a reshape stays valid when a dynamic engine's dims change.
#pragma once

#include <string>

#include "src/ir/network.h"

namespace hybridrt {

struct ShuffleShapes {
  Shape mid;       // after firstPerm
  Shape reshaped;  // after the reshape (mid where there is none)
  // The two permutations, the identity where the layer has none.
  std::vector<int64_t> first_perm, second_perm;
};

// The shapes for input shape `x`; false with `why` set where `reshape` cannot be resolved (a
// 0 past mid's rank, two -1, an element count that does not divide or does not match).
// firstPerm is checked by the rule, not here: it must be a permutation of x's dims.
bool ShuffleShapesOf(const Params& p, const Shape& x, ShuffleShapes* out, std::string* why);

// A reshape target resolved against the shape `mid` it reshapes: one -1 takes what the element
// count leaves, 0 copies mid's dim there where `placeholder` (else it is an empty dim). False
// with `why` set where it cannot be. The `reshape` param's rule, and a run-time target's (a
// shuffle's second input, read by derive_shapes.cc).
// `what` names the target in `why` ("param 'reshape'").
bool ResolveReshape(const std::vector<int64_t>& target, const Shape& mid, bool placeholder, const char* what,
                    Shape* out, std::string* why);

}  // namespace hybridrt
