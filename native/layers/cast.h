// The cast layer's typed params, read once for its shape rule (CheckCastLayer), the
// precision and layout passes and the cpu and cuda kernels (cpu/cast.cc, cuda/cast.cu): the
// output's dtype, and in the builder form of layout.h a permutation the input is transposed by
// (y = transpose(cast(x), perm)). And the float -> integer conversion both kernels apply.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "src/ir/dtype.h"
#include "src/ir/network.h"
#include "src/util/host_device.h"

namespace hybridrt {

struct CastParams {
  DType to = DType::kFloat32;
  bool has_perm = false;
  std::vector<int64_t> perm;  // a permutation of x's dims (CheckPermParam checks it)
};

// The layer's params (validated by the schema: `to` one of the dtype names).
inline CastParams ReadCast(const Params& p) {
  CastParams c;
  ParseDType(p.String("to"), &c.to);
  c.has_perm = p.Has("perm");
  if (c.has_perm) c.perm = p.Ints("perm");
  return c;
}

// The cast's output type (the precision pass makes and retargets casts).
inline void SetCastTo(Params* p, DType to) { p->Set("to", ParamValue::String(DTypeName(to))); }
// The layout pass's transposing cast: y = transpose(cast(x), perm).
inline void SetCastPerm(Params* p, const std::vector<int64_t>& perm) { p->Set("perm", ParamValue::Numbers(perm)); }

// A float cast to the integer type T: truncated toward zero and saturated at T's limits, NaN
// to 0 (this project's rule: ONNX leaves out-of-range casts undefined). NOTE: the limits as floats round outward
// (INT32_MAX -> 2^31), hence >= and the limit itself rather than a cast of x, which would overflow.
template <typename T>
HYBRIDRT_HD inline T SaturatedInt(float x) {
  constexpr float kHi = static_cast<float>(std::numeric_limits<T>::max());
  constexpr float kLo = static_cast<float>(std::numeric_limits<T>::lowest());
  return x != x     ? T(0)
         : x >= kHi ? std::numeric_limits<T>::max()
         : x <= kLo ? std::numeric_limits<T>::lowest()
                    : static_cast<T>(x);
}

}  // namespace hybridrt
