// The rule of the nms layer (see nms.h).
#include "layers/nms.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// boxes [B, N, 4] and scores [B, C, N] (float32): the int64 [batch, class, box] of each box
// selected (nms.h), [count, 3] with count known only after a run (DataDependentDim), declared at
// the bound B * C * min(maxOutputBoxesPerClass, N).
void CheckNmsLayer(const LayerCheck& c) {
  c.ExpectInputs(2, 2);
  c.ExpectOutputs(1);
  for (size_t i = 0; i < 2; ++i) {
    if (c.In(i).dtype != DType::kFloat32)
      c.Bad(Cat(c.InLabel(i), " has dtype ", DTypeName(c.In(i).dtype), "; expected float32"));
  }
  const Shape& boxes = c.In(0).shape;
  const Shape& scores = c.In(1).shape;
  if (boxes.size() != 3 || boxes[2] != 4)
    c.Bad(Cat(c.InLabel(0), " has shape ", ShapeToString(boxes), "; expected [batch, boxes, 4]"));
  if (scores.size() != 3 || scores[0] != boxes[0] || scores[2] != boxes[1])
    c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(scores), "; expected [", boxes[0], ", classes, ", boxes[1],
              "]"));
  const NmsParams p = ReadNms(c.params());
  if (p.max_per_class < 0) c.Bad(Cat("param 'maxOutputBoxesPerClass' is ", p.max_per_class, "; expected 0 or more"));
  if (!(p.iou >= 0.0f && p.iou <= 1.0f)) c.Bad(Cat("param 'iouThreshold' is ", p.iou, "; expected 0 to 1"));
  const int64_t kept = NmsKeptPerClass(p, boxes[1]);
  c.ExpectOutput(0, DType::kInt64, {boxes[0] * scores[1] * kept, 3});
}

}  // namespace hybridrt
