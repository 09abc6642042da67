// CumSum's walk along a line, written once for the cpu and cuda kernels (cpu/cumsum.cc,
// cuda/cumsum.cu): x viewed at the layer's axis as (outer, len, inner) (AxisSplit), each of its
// outer * inner lines summed in order, from its first element (its last with reverse); each
// output is the sum of the elements before it in that order (exclusive) or up to and including
// it. The sum is kept in the kernel's accumulator type: integers wrap (int_arith.h's WrapAdd),
// floats add in fp32 (half elements widened, each output rounded once).
#pragma once

#include <cstdint>
#include <type_traits>

#include "src/ir/int_arith.h"
#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/host_device.h"

namespace hybridrt {

// The layer's typed params, read once for the shape rule (CheckCumSumLayer) and both kernels.
struct CumSumParams {
  int64_t axis = 0;
  bool exclusive = false, reverse = false;
};

// The layer's params (present and typed: the schema) for x of rank `rank`: an axis outside
// [0, rank) is an Error naming the layer and the param.
inline CumSumParams ReadCumSumParams(const Layer& layer, size_t rank) {
  return {AxisParam(layer, "axis", rank), layer.params.Bool("exclusive"), layer.params.Bool("reverse")};
}

struct CumSumGeometry {
  AxisSplit split;
  bool exclusive = false, reverse = false;
};

// x's shape and the layer's params.
inline CumSumGeometry ReadCumSum(const Layer& layer, const Shape& x) {
  const CumSumParams p = ReadCumSumParams(layer, x.size());
  return {SplitAtAxis(x, p.axis), p.exclusive, p.reverse};
}

template <typename Acc>
HYBRIDRT_HD inline Acc CumSumAdd(Acc a, Acc b) {
  if constexpr (std::is_integral_v<Acc>) return WrapAdd(a, b);
  else return a + b;
}

// Line l's running sums: load(at) is x's element at offset `at` as an Acc, store(at, sum) writes
// the output there.
template <typename Acc, typename Load, typename Store>
HYBRIDRT_HD inline void CumSumLine(const CumSumGeometry& g, int64_t l, Load&& load, Store&& store) {
  const int64_t len = g.split.len, inner = g.split.inner, base = g.split.LineStart(l);
  Acc sum = 0;
  for (int64_t k = 0; k < len; ++k) {
    const int64_t at = base + (g.reverse ? len - 1 - k : k) * inner;
    const Acc v = load(at);
    if (g.exclusive) {
      store(at, sum);
      sum = CumSumAdd<Acc>(sum, v);
    } else {
      sum = CumSumAdd<Acc>(sum, v);
      store(at, sum);
    }
  }
}

}  // namespace hybridrt
