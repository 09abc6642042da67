// Layers whose output is its input's bytes, and the arena tensors that may therefore share
// memory. A shuffle is a byte view when its output's row-major bytes are exactly its input's
// (same dtype, same element count, and neither permutation moves a dim of size > 1 past
// another, so the non-unit dims keep their order): a reshape, a squeeze, a flatten, or a
// transpose of unit dims. Such a layer need not copy: the memory planner gives its output
// its input's offset (an alias group: x -> y -> z chains form one), and the engine then runs
// it as tactic "alias", with no kernel and no launch.
//
// A concat is written in place when its inputs lie one after another in its output's bytes:
// one image along the axis (nothing before the axis but ones), each input a whole number of
// arena alignments (256 bytes), so that every input starts at an aligned offset. The planner
// then places each chosen input at its slice of the output (ConcatHosts: squeezenet's and
// GoogLeNet's fire and inception modules, whose convolutions then store into the concat's
// output), and the concat runs as tactic "alias" too: nothing copies.
//
// NOTE: an empty tensor has no bytes to share; a layer with an empty output is not a byte
// view (it keeps its kernel, which the context skips anyway). Old plans gave every empty
// tensor offset 0, and must not read as aliased.
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

// Whether `layer`'s output bytes equal its input's (see above). For validated networks (plans
// are validated before their memory plan is verified); out-of-range ids and perms give false.
bool IsByteView(const Network& net, const Layer& layer);

// Per tensor: the tensor whose arena bytes it shares (itself for a group's root: a network
// input or a layer's output that is not a byte view of an arena tensor), or -1 for tensors
// outside the arena (constants). In layer order, y of a byte view whose x is in the arena
// joins x's group; since each tensor has one producer and layers are in topological order,
// x's root is final when y is met.
std::vector<int32_t> AliasRoots(const Network& net);

// Where a concat may be in place (above: its shapes only), each input's byte offset in the
// output, in order; else false.
bool ConcatSlices(const Network& net, const Layer& layer, std::vector<uint64_t>* at);

// The concats the planner writes in place, as the tensors they hold: per tensor, the concat
// output whose bytes hold it (-1: none) and its byte offset there. A concat is taken where
// ConcatSlices allows and each input is a layer's output (not a network input or output) that
// is its own alias root with no byte view of it, appears once in the concat, and is neither
// held by an earlier concat nor holds inputs itself (no nesting: DenseNet's concat of a concat
// keeps its copy). `root` is AliasRoots'.
struct ConcatHosts {
  std::vector<int32_t> host;
  std::vector<uint64_t> at;
};
ConcatHosts PlanConcatHosts(const Network& net, const std::vector<int32_t>& root);

// Whether `layer` runs as an alias under a memory plan's `offsets`: a byte view whose input is
// in the arena at the same offset as its output, or a concat whose inputs are in the arena at
// their slices of its output (ConcatSlices). Any other layer copies (a plan may give a byte
// view's output its own block: plans written before aliasing do).
bool IsAliased(const Network& net, const std::vector<int64_t>& offsets, const Layer& layer);

}  // namespace hybridrt
