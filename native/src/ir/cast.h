// The cast layer's typed params, read once for its shape rule (CheckDataLayer's cast), the
// precision and layout passes and the cpu and cuda kernels (cpu/cast.cc, cuda/cast.cu): the
// output's dtype, and in the builder form of layout.h a permutation the input is transposed by
// (y = transpose(cast(x), perm)).
#pragma once

#include <cstdint>
#include <vector>

#include "src/ir/dtype.h"
#include "src/ir/network.h"

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

}  // namespace hybridrt
