// Rules of the layer kinds detection heads need: topk, roialign, nonzero and nms; and gridsample,
// RoiAlign's kin (bilinear samples at points from data; see shape_rules.h).
#include "src/ir/nms.h"
#include "src/ir/roi_align.h"
#include "src/ir/shape_rules.h"
#include "src/ir/topk_order.h"

namespace hybridrt {

namespace {

// The k largest (smallest) elements of each line along the axis, sorted (equal values: the
// lower index first), and their int64 indices: both of x's shape with the axis k long. k is the
// param, or (the computed form: computed_layers.h) a one-element int32/int64 second input, the
// outputs' shape then given, as a computed slice's is.
void CheckTopK(const LayerCheck& c) {
  c.ExpectInputs(1, 2);
  c.ExpectOutputs(2);
  const DType t = c.In(0).dtype;
  if (!IsFloat(t) && t != DType::kInt32 && t != DType::kInt64) c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(t)));
  const Shape& x = c.In(0).shape;
  const TopKParams p = ReadTopKParams(c.layer(), x);
  const int64_t axis = p.axis;
  int64_t k = p.k;
  if (p.computed) {
    const TensorInfo& given = c.In(1);
    if ((given.dtype != DType::kInt32 && given.dtype != DType::kInt64) || Numel(given.shape) != 1 ||
        given.shape.size() > 1)
      c.Bad(
          Cat(c.InLabel(1), " is ", DTypeName(given.dtype), " ", ShapeToString(given.shape), "; k is one int32/int64"));
    const Shape& out = c.OutShape(0);
    if (out.size() != x.size()) c.Bad(Cat(c.OutLabel(0), " has rank ", out.size(), "; expected ", x.size()));
    k = out[axis];
    if (k < 0 || k > x[axis]) c.Bad(Cat("k ", k, " is outside [0, ", x[axis], "], the length of axis ", axis));
  }
  Shape out = x;
  out[axis] = k;
  c.ExpectOutput(0, t, out);
  c.ExpectOutput(1, DType::kInt64, out);
}

// x [N, C, H, W], rois [R, 4] (x1, y1, x2, y2 in x's float dtype), batch indices int64 [R]:
// [R, C, outputHeight, outputWidth], each bin the average (max) of its bilinear samples.
void CheckRoiAlign(const LayerCheck& c) {
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

// x (any engine type, rank >= 1): the int64 indices of its nonzero elements, [rank, count] with
// count known only after a run (DataDependentLayer, network.h): declared at the bound, count =
// x's element count. ONNX NonZero's output shape rule for engines; src/ir/infer/slicing.ts
// gives ONNX's [rank, unknown].
void CheckNonZero(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  if (x.empty()) c.Bad(Cat(c.InLabel(0), " is a scalar; expected rank 1 or more"));
  c.ExpectOutput(0, DType::kInt64, {static_cast<int64_t>(x.size()), Numel(x)});
}

// boxes [B, N, 4] and scores [B, C, N] (float32): the int64 [batch, class, box] of each box
// selected (nms.h), [count, 3] with count known only after a run (DataDependentDim), declared at
// the bound B * C * min(maxOutputBoxesPerClass, N).
void CheckNms(const LayerCheck& c) {
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

// x [N, C, H, W] and grid [N, Ho, Wo, 2] (x's float dtype): [N, C, Ho, Wo] (grid_sample.h).
void CheckGridSample(const LayerCheck& c) {
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

}  // namespace

void CheckDetectLayer(const LayerCheck& c) {
  switch (c.layer().kind) {
    case LayerKind::kTopK: return CheckTopK(c);
    case LayerKind::kRoiAlign: return CheckRoiAlign(c);
    case LayerKind::kNonZero: return CheckNonZero(c);
    case LayerKind::kNms: return CheckNms(c);
    case LayerKind::kGridSample: return CheckGridSample(c);
    default: c.Bad("internal: not a detection layer");
  }
}

}  // namespace hybridrt
