// Greedy-by-size arena packing of alias groups, and its verifier (see memory_planner.h).
#include "src/builder/memory_planner.h"

#include <algorithm>
#include <numeric>

#include "src/builder/alias.h"
#include "src/util/error.h"

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

// Per group head (head[i]: tensor i's group, -1 outside the arena): the union of its members'
// lifetimes, kept at the head's index.
static std::vector<Lifetime> GroupLifetimes(const std::vector<Lifetime>& life, const std::vector<int32_t>& head) {
  std::vector<Lifetime> group(life.size());
  for (size_t i = 0; i < life.size(); ++i) {
    if (head[i] < 0) continue;
    Lifetime& g = group[head[i]];
    g.first = g.first < 0 ? life[i].first : std::min(g.first, life[i].first);
    g.last = std::max(g.last, life[i].last);
  }
  return group;
}

MemoryPlan PlanMemory(const Network& net, bool alias) {
  const std::vector<Lifetime> life = ComputeLifetimes(net);
  std::vector<int32_t> root = AliasRoots(net);
  if (!alias) {
    for (size_t i = 0; i < root.size(); ++i) root[i] = root[i] < 0 ? -1 : static_cast<int32_t>(i);
  }
  // Concats in place (alias.h): each input held by its concat's output joins that group, at
  // its slice.
  const ConcatHosts hosts = alias ? PlanConcatHosts(net, root) : ConcatHosts{};
  for (size_t i = 0; i < hosts.host.size(); ++i) {
    if (hosts.host[i] >= 0) root[i] = hosts.host[i];
  }
  // Per group, kept at its root: the union of its members' lifetimes.
  const std::vector<Lifetime> group = GroupLifetimes(life, root);
  MemoryPlan plan;
  plan.offsets.assign(net.tensors.size(), -1);
  std::vector<int32_t> order;
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    if (root[i] == static_cast<int32_t>(i)) order.push_back(static_cast<int32_t>(i));
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return ArenaSize(net.tensors[a]) > ArenaSize(net.tensors[b]); });
  struct Placed {
    uint64_t offset, size;
    Lifetime life;
  };
  std::vector<Placed> placed;
  for (int32_t id : order) {
    uint64_t size = ArenaSize(net.tensors[id]);
    const Lifetime& g = group[id];
    plan.activation_bytes += size;
    std::vector<std::pair<uint64_t, uint64_t>> busy;  // [offset, offset+size) alive at the same time
    for (const Placed& p : placed) {
      if (p.life.first <= g.last && g.first <= p.life.last) busy.push_back({p.offset, p.offset + p.size});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (const auto& [b, e] : busy) {
      if (offset + size <= b) break;  // fits in the gap before this block
      offset = std::max(offset, e);
    }
    plan.offsets[id] = static_cast<int64_t>(offset);
    plan.arena_bytes = std::max(plan.arena_bytes, offset + size);
    placed.push_back({offset, size, g});
  }
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    if (root[i] < 0) continue;
    const bool held = !hosts.host.empty() && hosts.host[i] >= 0;
    plan.offsets[i] = plan.offsets[root[i]] + (held ? static_cast<int64_t>(hosts.at[i]) : 0);
  }
  return plan;
}

// NOTE: this guards plan files, so it shares no code with PlanMemory beyond the network's own
// definitions (lifetimes, sizes, which layers are aliased at given offsets): it rebuilds the
// blocks from the offsets it is given.
void VerifyMemoryPlan(const Network& net, const MemoryPlan& plan) {
  auto bad = [](const std::string& m) { Fail(ErrorCode::kPlan, Cat("plan: memory plan: ", m)); };
  if (plan.offsets.size() != net.tensors.size()) {
    bad(Cat("has ", plan.offsets.size(), " tensor offsets; the network has ", net.tensors.size(), " tensors"));
  }
  const std::vector<Lifetime> life = ComputeLifetimes(net);
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    const int32_t id = static_cast<int32_t>(i);
    if (life[i].first < 0) {
      if (plan.offsets[i] != -1)
        bad(Cat(TensorLabel(net, id), " is a constant but has arena offset ", plan.offsets[i]));
      continue;
    }
    const int64_t off = plan.offsets[i];
    const uint64_t size = ArenaSize(net.tensors[i]);
    if (off < 0 || static_cast<uint64_t>(off) % kArenaAlignment != 0 || static_cast<uint64_t>(off) > plan.arena_bytes ||
        size > plan.arena_bytes - static_cast<uint64_t>(off)) {
      bad(Cat(TensorLabel(net, id), " has offset ", off, " (", size, " bytes); expected a multiple of ",
              kArenaAlignment, " inside the arena of ", plan.arena_bytes, " bytes"));
    }
  }
  // Blocks: every arena tensor is one, except an aliased layer's output (alias.h): a byte view's
  // bytes are its input's blocks, an in-place concat's its inputs' blocks, one after another
  // (IsAliased checked the offsets). A block lives while any tensor whose bytes it holds does.
  std::vector<std::vector<int32_t>> blocks_of(net.tensors.size());
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    if (life[i].first >= 0) blocks_of[i] = {static_cast<int32_t>(i)};
  }
  for (const Layer& l : net.layers) {
    if (!IsAliased(net, plan.offsets, l)) continue;
    std::vector<int32_t>& of = blocks_of[l.outputs[0]];
    of.clear();
    // (A byte view's second input, a reshape's computed target, only sizes it.)
    const size_t parts = l.kind == LayerKind::kConcat ? l.inputs.size() : 1;
    for (size_t k = 0; k < parts; ++k) {
      const std::vector<int32_t>& in = blocks_of[l.inputs[k]];
      of.insert(of.end(), in.begin(), in.end());
    }
  }
  std::vector<Lifetime> span(net.tensors.size());
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    for (int32_t b : blocks_of[i]) {
      Lifetime& g = span[b];
      g.first = g.first < 0 ? life[i].first : std::min(g.first, life[i].first);
      g.last = std::max(g.last, life[i].last);
    }
  }
  struct Block {
    uint64_t offset, end;
    int32_t id;
  };
  std::vector<Block> blocks;
  uint64_t sum = 0;
  for (size_t i = 0; i < net.tensors.size(); ++i) {
    if (blocks_of[i].size() != 1 || blocks_of[i][0] != static_cast<int32_t>(i)) continue;
    const uint64_t size = ArenaSize(net.tensors[i]);
    sum += size;
    blocks.push_back({static_cast<uint64_t>(plan.offsets[i]), static_cast<uint64_t>(plan.offsets[i]) + size,
                      static_cast<int32_t>(i)});
  }
  if (plan.activation_bytes != sum) bad(Cat("activation bytes are ", plan.activation_bytes, "; expected ", sum));
  if (plan.arena_bytes > sum)
    bad(Cat("arena of ", plan.arena_bytes, " bytes exceeds the ", sum, " bytes of all activations"));
  // Two blocks may share bytes only if their lifetimes are disjoint: sweep by offset.
  std::sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) { return a.offset < b.offset; });
  for (size_t i = 0; i < blocks.size(); ++i) {
    for (size_t j = i + 1; j < blocks.size() && blocks[j].offset < blocks[i].end; ++j) {
      const Lifetime& a = span[blocks[i].id];
      const Lifetime& b = span[blocks[j].id];
      if (blocks[i].end > blocks[i].offset && blocks[j].end > blocks[j].offset && a.first <= b.last &&
          b.first <= a.last) {
        bad(Cat(TensorLabel(net, blocks[i].id), " and ", TensorLabel(net, blocks[j].id),
                " are alive at the same time but overlap in the arena"));
      }
    }
  }
}

}  // namespace hybridrt
