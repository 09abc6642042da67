// The rule of the resize layer (see resize.h).
#include "layers/resize.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckResizeLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  const Shape& out = c.OutShape(0);
  c.ExpectFloatInput(0);
  c.ExpectLength("scales", x.size());
  if (out.size() != x.size()) c.Bad(Cat(c.OutLabel(0), " has rank ", out.size(), "; expected the input's ", x.size()));
  const std::vector<double> scales = ReadResize(c.params()).scales;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!(scales[d] > 0) || scales[d] > 1e30)
      c.Bad(Cat("param 'scales' holds ", scales[d], "; expected a positive number"));
    if (x[d] == 0 && out[d] > 0) c.Bad(Cat("dim ", d, ": cannot resize an empty dim to ", out[d]));
  }
  c.ExpectOutput(0, c.In(0).dtype, out);
}

}  // namespace hybridrt
