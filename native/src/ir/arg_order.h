// ArgMax / ArgMin's choice along a line, written once for the cpu and cuda kernels
// (cpu/arg_min_max.cc, cuda/arg_min_max.cu): walking the line from its first element, a later
// element replaces the best so far where it is larger (smaller), or equal with lastIndex; so the
// first of equal extremes wins, or the last with lastIndex. NaN compares false both ways: a NaN
// never replaces the best, and a NaN first element is never replaced.
// V is the type the kernel compares in (the element type, or half elements widened exactly).
#pragma once

#include "src/util/host_device.h"

namespace hybridrt {

template <typename V>
HYBRIDRT_HD inline bool ArgReplaces(V v, V best, bool max, bool last_index) {
  return max ? (v > best || (last_index && v == best)) : (v < best || (last_index && v == best));
}

}  // namespace hybridrt
