// The rule of the roialign layer (see roi_align.h).
#include "layers/roi_align.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// x [N, C, H, W], rois [R, 4] (x1, y1, x2, y2 in x's float dtype), batch indices int64 [R]:
// [R, C, outputHeight, outputWidth], each bin the average (max) of its bilinear samples.
void CheckRoiAlignLayer(const LayerCheck& c) {
  c.ExpectInputs(3, 3);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  c.ExpectSameDType(1, 0);
  c.ExpectRank(0, 4, 4);
  const Shape& x = c.In(0).shape;
  const Shape& rois = c.In(1).shape;
  if (rois.size() != 2 || rois[1] != 4)
    c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(rois), "; expected [rois, 4]"));
  if (c.In(2).dtype != DType::kInt64)
    c.Bad(Cat(c.InLabel(2), " has dtype ", DTypeName(c.In(2).dtype), "; expected int64"));
  if (c.In(2).shape != Shape{rois[0]})
    c.Bad(Cat(c.InLabel(2), " has shape ", ShapeToString(c.In(2).shape), "; expected [", rois[0], "]"));
  if (rois[0] > 0 && (x[0] == 0 || x[2] == 0 || x[3] == 0))
    c.Bad(Cat(c.InLabel(0), " has shape ", ShapeToString(x), ": no batch or no pixel for a box to sample"));
  const RoiAlignParams p = ReadRoiAlignParams(c.layer());
  c.ExpectOutput(0, c.In(0).dtype, {rois[0], x[1], p.out_h, p.out_w});
}

}  // namespace hybridrt
