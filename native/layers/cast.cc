// The rule of the cast layer (see cast.h).
#include "layers/cast.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckCastLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  const CastParams p = ReadCast(c.params());
  const Shape& x = c.In(0).shape;
  if (!p.has_perm) {
    c.ExpectOutput(0, p.to, x);
    return;
  }
  // Builder form (layout.h): the cast writes its input transposed, y = transpose(cast(x)).
  CheckPermParam(c.layer(), "perm", p.perm, x.size());
  c.ExpectOutput(0, p.to, PermuteShape(x, p.perm));
}

}  // namespace hybridrt
