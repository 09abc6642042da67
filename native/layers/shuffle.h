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

// The layer's typed params, read once for its shape rule (CheckShuffleLayer), the shape derivation
// and evaluation, the builder's alias and attention passes and both kernels.
struct ShuffleParams {
  bool computed = false;  // the reshape target is the layer's second input (derive_shapes.cc)
  bool has_first_perm = false, has_reshape = false, has_second_perm = false;
  std::vector<int64_t> first_perm, reshape, second_perm;
  bool zero_is_placeholder = false;
};

// The layer's params (typed: the schema) for x of rank `rank`: firstPerm a permutation of x's
// dims, secondPerm one of the reshaped dims (reshape's count, else x's); a reshape to a computed
// target takes none of firstPerm, reshape and secondPerm. Else an Error naming the layer and the
// param. Whether `reshape` fits x's shape is ShuffleShapesOf's to say.
ShuffleParams ReadShuffleParams(const Layer& layer, size_t rank);
// A transpose before any reshape (the layout pass's transposes, and those it folds into a shuffle).
inline void SetFirstPerm(Params* p, const std::vector<int64_t>& perm) {
  p->Set("firstPerm", ParamValue::Numbers(perm));
}

// The shapes for input shape `x` (of the rank the params were read for); false with `why` set
// where `reshape` cannot be resolved (a 0 past mid's rank, two -1, an element count that does
// not divide or does not match).
bool ShuffleShapesOf(const ShuffleParams& p, const Shape& x, ShuffleShapes* out, std::string* why);

// A reshape target resolved against the shape `mid` it reshapes: one -1 takes what the element
// count leaves, 0 copies mid's dim there where `placeholder` (else it is an empty dim). False
// with `why` set where it cannot be. The `reshape` param's rule, and a run-time target's (a
// shuffle's second input, read by derive_shapes.cc).
// `what` names the target in `why` ("param 'reshape'").
bool ResolveReshape(const std::vector<int64_t>& target, const Shape& mid, bool placeholder, const char* what,
                    Shape* out, std::string* why);

// A transpose (y's dim i is x's dim perm[i]) as a strided read of x: y's dims in order with x's
// element strides, size-1 dims left out and each dim merged into the one before it where x walks
// the two contiguously too; at least one dim ([1] of stride 1, where every dim is 1). identity:
// y is x's elements in x's order (one dim, of stride 1). The geometry both kernels walk
// (cpu/transpose.cc, cuda/shuffle.cu MakePermute).
struct PermutedRead {
  std::vector<int64_t> dims, strides;
  bool identity = false;
};
PermutedRead MergePermutedDims(const Shape& x, const std::vector<int64_t>& perm);

}  // namespace hybridrt
