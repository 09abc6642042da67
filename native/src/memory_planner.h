// Activation memory planning. Every tensor that is not a constant (network inputs and layer
// outputs) gets an offset in one arena per execution context. A tensor lives from the step
// of its producer (network inputs: step 0) to the step of its last consumer (network
// outputs: the end of the run); tensors whose lifetimes overlap must not share bytes, others
// may. Offsets and sizes are aligned to kArenaAlignment.
//
// Packing is the greedy-by-size heuristic (as TFLite's arena planner): largest tensors first,
// each at the lowest offset that does not collide with an already placed tensor alive at the
// same time. VerifyMemoryPlan checks any plan (e.g. one read from a plan file) against the
// same rules, so a corrupted offset can never make two live tensors share memory or reach
// outside the arena.
#pragma once

#include <cstdint>
#include <vector>

#include "src/network.h"

namespace hybridrt {

constexpr uint64_t kArenaAlignment = 256;

inline uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

struct MemoryPlan {
  uint64_t arena_bytes = 0;       // the packed arena
  uint64_t activation_bytes = 0;  // sum of every activation's aligned size (no reuse)
  std::vector<int64_t> offsets;   // per tensor: arena offset, or -1 when not in the arena
};

struct Lifetime {
  int64_t first = -1;  // step that writes it (-1: not in the arena)
  int64_t last = -1;   // last step that needs it
};

// Per tensor, from the (validated) network.
std::vector<Lifetime> ComputeLifetimes(const Network& net);
// Aligned arena size of a tensor.
uint64_t ArenaSize(const TensorInfo& t);

MemoryPlan PlanMemory(const Network& net);

// Throws Error(kPlan) naming the tensor when the plan is inconsistent with the network.
void VerifyMemoryPlan(const Network& net, const MemoryPlan& plan);

}  // namespace hybridrt
