// Range's params and values, written once for the cpu and cuda kernels (cpu/range.cc,
// cuda/range.cu) and the shape-value evaluation (shape_values.cc): y[i] = start + i * delta in
// the output's integer type, wrapping as the engine's integer arithmetic does (int_arith.h).
// The kernels get the plain layer, its start and delta resolved at the run's shapes
// (computed_layers.h); CheckRangeLayer checks the form.
#pragma once

#include <cstdint>

#include "src/ir/int_arith.h"
#include "src/ir/network.h"
#include "src/util/host_device.h"

namespace hybridrt {

struct RangeParams {
  int64_t start = 0, delta = 1;
};

// The plain layer's params (validated: `start` and `delta` one value each).
inline RangeParams ReadRange(const Params& p) { return {p.Ints("start")[0], p.Ints("delta")[0]}; }

template <typename T>
HYBRIDRT_HD inline T RangeValue(T start, T delta, int64_t i) {
  return WrapAdd(start, WrapMul(static_cast<T>(i), delta));
}

}  // namespace hybridrt
