/**
 * torchvision's batched_nms as its detectors export it, on boxes picked by a score threshold as
 * their heads pick them: NonZero(scores > 0.5), Transpose, GatherND pick boxes, scores and labels
 * (their count known only at run time),
 * then `If(numel(boxes) == 0, <int64[0]>, <boxes offset by label times (max coordinate + 1),
 * NonMaxSuppression, the box column>)` keeps some, which Gathers pick. Feeds with a chosen number
 * of scores above the threshold: 0 (the then-branch), 1 and many (overlapping boxes over a few
 * labels, so that suppression drops some).
 */
import ort from 'onnxruntime-node';
import type { ModelSpec, NodeSpec, SubgraphSpec } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { mulberry32 } from '../../src/util/random.js';

/** Candidate boxes before the threshold. */
export const CANDIDATES = 12;

const i64 = (...v: number[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const f32 = (v: number, dims: number[] = []): TensorData => ({ dtype: 'float32', dims, data: Float32Array.of(v) });
const INT64_MAX: TensorData = { dtype: 'int64', dims: [1], data: BigInt64Array.of(2n ** 63n - 1n) };

/** The else-branch as torchvision writes it (Constant nodes and all), reading boxes, scores and labels. */
export const BATCHED_NMS_BODY: SubgraphSpec = {
  outputs: [{ name: 'keep', dtype: 'int64' }],
  nodes: [
    { op: 'ReduceMax', inputs: ['boxes'], outputs: ['max_coordinate'], attrs: { keepdims: 0 } },
    { op: 'Cast', inputs: ['labels'], outputs: ['labels_f'], attrs: { to: 1 } },
    { op: 'Constant', inputs: [], outputs: ['one'], attrs: { value: f32(1) } },
    { op: 'Add', inputs: ['max_coordinate', 'one'], outputs: ['stride'] },
    { op: 'Mul', inputs: ['labels_f', 'stride'], outputs: ['offsets'] },
    { op: 'Constant', inputs: [], outputs: ['axis1'], attrs: { value: i64(1) } },
    { op: 'Unsqueeze', inputs: ['offsets', 'axis1'], outputs: ['offsets2'] },
    { op: 'Add', inputs: ['boxes', 'offsets2'], outputs: ['boxes_for_nms'] },
    { op: 'Constant', inputs: [], outputs: ['axis0'], attrs: { value: i64(0) } },
    { op: 'Unsqueeze', inputs: ['boxes_for_nms', 'axis0'], outputs: ['nms_boxes'] },
    { op: 'Unsqueeze', inputs: ['scores', 'axis0'], outputs: ['scores1'] },
    { op: 'Unsqueeze', inputs: ['scores1', 'axis0'], outputs: ['nms_scores'] },
    { op: 'Constant', inputs: [], outputs: ['limit'], attrs: { value: INT64_MAX } },
    { op: 'Constant', inputs: [], outputs: ['iou'], attrs: { value: f32(0.5, [1]) } },
    { op: 'NonMaxSuppression', inputs: ['nms_boxes', 'nms_scores', 'limit', 'iou'], outputs: ['selected'] },
    { op: 'Constant', inputs: [], outputs: ['column'], attrs: { value: i64(2) } },
    { op: 'Gather', inputs: ['selected', 'column'], outputs: ['picked'], attrs: { axis: 1 } },
    { op: 'Squeeze', inputs: ['picked', 'axis1'], outputs: ['keep'] },
  ],
};

/** The empty branch: int64[0]. */
export const EMPTY_KEEP: SubgraphSpec = {
  outputs: [{ name: 'none_kept', dtype: 'int64' }],
  nodes: [{ op: 'Constant', inputs: [], outputs: ['none_kept'], attrs: { value: i64() } }],
};

/** The guard `numel(boxes) == 0` and the If; `general`/`empty` replace its branches. */
export function guardNodes(general: SubgraphSpec = BATCHED_NMS_BODY, empty: SubgraphSpec = EMPTY_KEEP): NodeSpec[] {
  return [
    { op: 'Shape', inputs: ['boxes'], outputs: ['shape'] },
    { op: 'ReduceProd', inputs: ['shape'], outputs: ['numel'], attrs: { keepdims: 0 } },
    { op: 'Equal', inputs: ['numel', 'zero'], outputs: ['is_empty'] },
    { op: 'Cast', inputs: ['is_empty'], outputs: ['cond'], attrs: { to: 9 } },
    { op: 'If', inputs: ['cond'], outputs: ['kept'], attrs: { then_branch: { graph: empty }, else_branch: { graph: general } } },
  ];
}

/** The whole model: inputs boxes_in [12,4], scores_in [12], labels_in [12]; outputs the kept boxes, scores, labels. */
export function batchedNmsModel(guard: NodeSpec[] = guardNodes()): ModelSpec {
  return {
    opset: 17,
    inputs: [
      { name: 'boxes_in', dtype: 'float32', shape: [CANDIDATES, 4] },
      { name: 'scores_in', dtype: 'float32', shape: [CANDIDATES] },
      { name: 'labels_in', dtype: 'int64', shape: [CANDIDATES] },
    ],
    outputs: [
      { name: 'out_boxes', dtype: 'float32' },
      { name: 'out_scores', dtype: 'float32' },
      { name: 'out_labels', dtype: 'int64' },
    ],
    initializers: { threshold: f32(0.5), zero: { dtype: 'int64', dims: [], data: BigInt64Array.of(0n) } },
    nodes: [
      { op: 'Greater', inputs: ['scores_in', 'threshold'], outputs: ['above'] },
      { op: 'NonZero', inputs: ['above'], outputs: ['where'] },
      { op: 'Transpose', inputs: ['where'], outputs: ['idx'], attrs: { perm: [1, 0] } },
      { op: 'GatherND', inputs: ['boxes_in', 'idx'], outputs: ['boxes'] },
      { op: 'GatherND', inputs: ['scores_in', 'idx'], outputs: ['scores'] },
      { op: 'GatherND', inputs: ['labels_in', 'idx'], outputs: ['labels'] },
      ...guard,
      { op: 'Gather', inputs: ['boxes', 'kept'], outputs: ['out_boxes'], attrs: { axis: 0 } },
      { op: 'Gather', inputs: ['scores', 'kept'], outputs: ['out_scores'], attrs: { axis: 0 } },
      { op: 'Gather', inputs: ['labels', 'kept'], outputs: ['out_labels'], attrs: { axis: 0 } },
    ],
  };
}

/** Feeds with `count` distinct scores above 0.5 (the rest below), boxes overlapping in a 20 x 20 field, labels 0..2. */
export function batchedNmsFeeds(count: number, seed: number): Record<string, TensorData> {
  const next = mulberry32(seed);
  const boxes = new Float32Array(CANDIDATES * 4);
  for (let i = 0; i < CANDIDATES; i++) {
    const [x, y, w, h] = [next() * 14, next() * 14, 3 + next() * 6, 3 + next() * 6];
    boxes.set([x, y, x + w, y + h], i * 4);
  }
  const order = Array.from({ length: CANDIDATES }, (_, i) => i).sort(() => next() - 0.5);
  const scores = new Float32Array(CANDIDATES);
  order.forEach((i, rank) => (scores[i] = rank < count ? 0.95 - rank * 0.03 : 0.45 - rank * 0.03));
  const labels = BigInt64Array.from({ length: CANDIDATES }, () => BigInt(Math.floor(next() * 3)));
  return {
    boxes_in: { dtype: 'float32', dims: [CANDIDATES, 4], data: boxes },
    scores_in: { dtype: 'float32', dims: [CANDIDATES], data: scores },
    labels_in: { dtype: 'int64', dims: [CANDIDATES], data: labels },
  };
}

/** The same feeds as onnxruntime tensors. */
export function asOrtFeeds(feeds: Record<string, TensorData>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as never, t.dims)]));
}
