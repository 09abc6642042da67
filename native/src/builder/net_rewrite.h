// What the builder's network-to-network passes share (fusion.cc, pointwise_fusion.cc): a
// network under rewrite with its producer/reader indexes, the `fused` param bookkeeping, and
// the final compaction that drops dead layers and renumbers tensors.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

// The network being rewritten: layers die (alive = false) or are replaced in place; the
// indexes are rebuilt after every change, which keeps each pattern a plain scan.
struct RewriteWork {
  Network net;
  std::vector<bool> alive;
  std::vector<int64_t> producer;  // per tensor: its layer, -1 for network inputs
  std::vector<int> uses;          // per tensor: reads by live layers
  std::vector<int64_t> reader;    // per tensor: a live layer that reads it (the one where uses is 1)
  std::vector<bool> is_output;

  explicit RewriteWork(const Network& n);
  void Index();
  // The only reader of tensor `id` (the index of a live layer), or -1: other readers, or a
  // network output, or no reader at all.
  int64_t SoleReader(int32_t id) const;
  const Shape& ShapeOf(int32_t id) const { return net.tensors[id].shape; }
  DType TypeOf(int32_t id) const { return net.tensors[id].dtype; }
};

// Records that `from` (and whatever had been fused into it) now runs inside `into`.
void NoteFused(Layer& into, const Layer& from);

// Drops dead layers and the tensors only they produced, renumbering the rest.
Network Compact(const RewriteWork& w);

}  // namespace hybridrt
