// Activation memory planning. Every tensor that is not a constant (network inputs and layer
// outputs) gets an offset in one arena per execution context. A tensor lives from the step
// of its producer (network inputs: step 0) to the step of its last consumer (network
// outputs: the end of the run); tensors whose lifetimes overlap must not share bytes, others
// may. Offsets and sizes are aligned to kArenaAlignment.
//
// Aliases (alias.h): the output of a byte-view shuffle (a reshape, squeeze, flatten) is its
// input's bytes, so the planner places alias groups, not tensors: a group (a root and every
// byte view of it, chains included) lives from its first member's first step to its last
// member's last step, takes the root's aligned size, and every member gets the group's
// offset. Such a layer then copies nothing (the engine runs it as tactic "alias"). So does a
// concat written in place (alias.h): its chosen inputs join its output's group, each at its
// slice of the output's bytes.
//
// Packing is the greedy-by-size heuristic (as TFLite's arena planner): largest groups first,
// each at the lowest offset that does not collide with an already placed group alive at the
// same time. VerifyMemoryPlan checks any plan (e.g. one read from a plan file) against the
// same rules, so a corrupted offset can never make two live tensors share memory or reach
// outside the arena. It accepts a byte view's output either at its input's offset (aliased:
// the pair is one block, alive for the union of their lifetimes) or in a block of its own
// (the layer copies; plans written before aliasing look like this), and a concat's inputs
// either at their slices of its output or anywhere else; any other sharing of bytes between
// tensors alive at the same time is refused.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

constexpr uint64_t kArenaAlignment = 256;

inline uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

struct MemoryPlan {
  uint64_t arena_bytes = 0;  // the packed arena
  // Sum of the aligned sizes of the arena's blocks without reuse: one per alias group (an
  // aliased tensor takes no bytes of its own), one per tensor where nothing is aliased.
  uint64_t activation_bytes = 0;
  std::vector<int64_t> offsets;  // per tensor: arena offset, or -1 when not in the arena
};

struct Lifetime {
  int64_t first = -1;  // step that writes it (-1: not in the arena)
  int64_t last = -1;   // last step that needs it
};

// Per tensor, from the (validated) network.
std::vector<Lifetime> ComputeLifetimes(const Network& net);
// Aligned arena size of a tensor.
uint64_t ArenaSize(const TensorInfo& t);

// `alias` false: every tensor a block of its own (byte views copy), as before aliasing.
MemoryPlan PlanMemory(const Network& net, bool alias = true);

// Throws Error(kPlan) naming the tensor when the plan is inconsistent with the network.
void VerifyMemoryPlan(const Network& net, const MemoryPlan& plan);

}  // namespace hybridrt
