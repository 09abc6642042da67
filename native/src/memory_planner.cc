// Greedy-by-size arena packing and its verifier (see memory_planner.h).
#include "src/memory_planner.h"

#include <algorithm>
#include <numeric>

#include "src/error.h"

namespace hybridrt {

std::vector<Lifetime> ComputeLifetimes(const Network& net) {
  std::vector<Lifetime> life(net.tensors.size());
  int64_t end = static_cast<int64_t>(net.layers.size());
  for (int32_t id : net.inputs) life[id] = {0, 0};
  for (size_t s = 0; s < net.layers.size(); ++s) {
    const Layer& l = net.layers[s];
    if (l.kind == LayerKind::kConstant) continue;
    for (int32_t id : l.inputs) {
      if (life[id].first >= 0) life[id].last = std::max<int64_t>(life[id].last, static_cast<int64_t>(s));
    }
    for (int32_t id : l.outputs) life[id] = {static_cast<int64_t>(s), static_cast<int64_t>(s)};
  }
  for (int32_t id : net.outputs) {
    if (life[id].first >= 0) life[id].last = end;
  }
  return life;
}

uint64_t ArenaSize(const TensorInfo& t) {
  return AlignUp(static_cast<uint64_t>(Numel(t.shape)) * DTypeSize(t.dtype), kArenaAlignment);
}

MemoryPlan PlanMemory(const Network& net) {
  std::vector<Lifetime> life = ComputeLifetimes(net);
  MemoryPlan plan;
  plan.offsets.assign(net.tensors.size(), -1);
  std::vector<int32_t> order;
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    if (life[i].first >= 0) order.push_back(static_cast<int32_t>(i));
  }
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return ArenaSize(net.tensors[a]) > ArenaSize(net.tensors[b]);
  });
  struct Placed {
    uint64_t offset, size;
    Lifetime life;
  };
  std::vector<Placed> placed;
  for (int32_t id : order) {
    uint64_t size = ArenaSize(net.tensors[id]);
    plan.activation_bytes += size;
    std::vector<std::pair<uint64_t, uint64_t>> busy;  // [offset, offset+size) alive at the same time
    for (const Placed& p : placed) {
      if (p.life.first <= life[id].last && life[id].first <= p.life.last) busy.push_back({p.offset, p.offset + p.size});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (const auto& [b, e] : busy) {
      if (offset + size <= b) break;  // fits in the gap before this block
      offset = std::max(offset, e);
    }
    plan.offsets[id] = static_cast<int64_t>(offset);
    plan.arena_bytes = std::max(plan.arena_bytes, offset + size);
    placed.push_back({offset, size, life[id]});
  }
  return plan;
}

void VerifyMemoryPlan(const Network& net, const MemoryPlan& plan) {
  auto bad = [](const std::string& m) { Fail(ErrorCode::kPlan, Cat("plan: memory plan: ", m)); };
  if (plan.offsets.size() != net.tensors.size()) {
    bad(Cat("has ", plan.offsets.size(), " tensor offsets; the network has ", net.tensors.size(), " tensors"));
  }
  std::vector<Lifetime> life = ComputeLifetimes(net);
  struct Block {
    uint64_t offset, end;
    int32_t id;
  };
  std::vector<Block> blocks;
  uint64_t sum = 0;
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    int32_t id = static_cast<int32_t>(i);
    bool in_arena = life[i].first >= 0;
    if (!in_arena) {
      if (plan.offsets[i] != -1) bad(Cat(TensorLabel(net, id), " is a constant but has arena offset ", plan.offsets[i]));
      continue;
    }
    int64_t off = plan.offsets[i];
    uint64_t size = ArenaSize(net.tensors[i]);
    sum += size;
    if (off < 0 || static_cast<uint64_t>(off) % kArenaAlignment != 0 || static_cast<uint64_t>(off) > plan.arena_bytes ||
        size > plan.arena_bytes - static_cast<uint64_t>(off)) {
      bad(Cat(TensorLabel(net, id), " has offset ", off, " (", size, " bytes); expected a multiple of ", kArenaAlignment,
              " inside the arena of ", plan.arena_bytes, " bytes"));
    }
    blocks.push_back({static_cast<uint64_t>(off), static_cast<uint64_t>(off) + size, id});
  }
  if (plan.activation_bytes != sum) bad(Cat("activation bytes are ", plan.activation_bytes, "; expected ", sum));
  if (plan.arena_bytes > sum) bad(Cat("arena of ", plan.arena_bytes, " bytes exceeds the ", sum, " bytes of all activations"));
  // Two blocks may share bytes only if their lifetimes are disjoint: sweep by offset.
  std::sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) { return a.offset < b.offset; });
  for (size_t i = 0; i < blocks.size(); ++i) {
    for (size_t j = i + 1; j < blocks.size() && blocks[j].offset < blocks[i].end; ++j) {
      const Lifetime& a = life[blocks[i].id];
      const Lifetime& b = life[blocks[j].id];
      if (blocks[i].end > blocks[i].offset && blocks[j].end > blocks[j].offset && a.first <= b.last && b.first <= a.last) {
        bad(Cat(TensorLabel(net, blocks[i].id), " and ", TensorLabel(net, blocks[j].id),
                " are alive at the same time but overlap in the arena"));
      }
    }
  }
}

}  // namespace hybridrt
