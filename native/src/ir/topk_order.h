// TopK's order of a line's elements, written once for the cpu and cuda kernels (cpu/topk.cc,
// cuda/topk.cu): largest (smallest) first, equal values by lower index first (as onnxruntime
// breaks ties), and NaN above every number, NaNs among themselves by index (torch.topk's order;
// onnxruntime leaves NaN unordered), so that the order is total. K is the type elements compare
// in: int32, int64 or float (half elements widened exactly).
#pragma once

#include <cstdint>

#include "src/util/host_device.h"

namespace hybridrt {

// NaN (never for integers): v != v, which nvcc and host compilers both keep without fast math.
template <typename K>
HYBRIDRT_HD inline bool TopKIsNan(K v) {
  return v != v;
}

// a above b in the order NaN > +inf > ... > -inf.
template <typename K>
HYBRIDRT_HD inline bool TopKAbove(K a, K b) {
  if (TopKIsNan(a)) return !TopKIsNan(b);
  return !TopKIsNan(b) && a > b;
}

// Whether element a (value va) of a line comes before element b (value vb) in TopK's output.
template <typename K>
HYBRIDRT_HD inline bool TopKBefore(K va, int64_t a, K vb, int64_t b, bool largest) {
  if (largest ? TopKAbove(va, vb) : TopKAbove(vb, va)) return true;
  return !TopKAbove(va, vb) && !TopKAbove(vb, va) && a < b;  // equal (NaN equals NaN here)
}

}  // namespace hybridrt
