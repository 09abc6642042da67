// The rule of the gridsample layer, RoiAlign's kin: bilinear samples at points from data (see
// grid_sample.h).
#include "layers/grid_sample.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// x [N, C, H, W] and grid [N, Ho, Wo, 2] (x's float dtype): [N, C, Ho, Wo] (grid_sample.h).
void CheckGridSampleLayer(const LayerCheck& c) {
  c.ExpectInputs(2, 2);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  c.ExpectSameDType(1, 0);
  c.ExpectRank(0, 4, 4);
  const Shape& x = c.In(0).shape;
  const Shape& grid = c.In(1).shape;
  if (grid.size() != 4 || grid[0] != x[0] || grid[3] != 2)
    c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(grid), "; expected [", x[0], ", height, width, 2]"));
  const Shape out{x[0], x[1], grid[1], grid[2]};
  if (Numel(out) > 0 && (x[2] == 0 || x[3] == 0))
    c.Bad(Cat(c.InLabel(0), " has shape ", ShapeToString(x), ": no pixel for a grid point to sample"));
  c.ExpectOutput(0, c.In(0).dtype, out);
}

}  // namespace hybridrt
