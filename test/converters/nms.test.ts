/**
 * NonMaxSuppression as an `nms` layer against onnxruntime on the same inputs, through the
 * reference interpreter and the cpu engine (exact: indices), the output at the count found
 * ([count, 3]) while the layer declares its bound: corner and center boxes, with and without a
 * score threshold, a limit reached and not, int64's max as the limit, opsets 10 and 11, no
 * candidate left; then what is
 * refused (thresholds from data, an IoU threshold outside [0, 1]). Scores are distinct within a
 * class (onnxruntime orders equal scores by its heap).
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { mulberry32 } from '../../src/util/random.js';
import { checkAgainstOrt, tensor, verdict } from './helpers/harness.js';

function boxesAndScores(b: number, n: number, c: number, seed: number): { boxes: TensorData; scores: TensorData } {
  const next = mulberry32(seed);
  const boxes = Array.from({ length: b * n }, () => {
    const [x, y, w, h] = [next() * 20, next() * 20, 2 + next() * 8, 2 + next() * 8];
    return next() < 0.5 ? [y, x, y + h, x + w] : [y + h, x + w, y, x];
  }).flat();
  const scores = Array.from({ length: b * c }, () => {
    const ladder = Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
    return ladder.sort(() => next() - 0.5);
  }).flat();
  return { boxes: tensor('float32', [b, n, 4], boxes), scores: tensor('float32', [b, c, n], scores) };
}

function nms(feeds: { boxes: TensorData; scores: TensorData }, limit: number, iou: number, score?: number, center = 0, opset = 11) {
  const initializers: Record<string, TensorData> = {
    limit: tensor('int64', [1], [limit]),
    iou: tensor('float32', [1], [iou]),
    ...(score !== undefined ? { score: tensor('float32', [1], [score]) } : {}),
  };
  return {
    spec: {
      opset,
      inputs: [
        { name: 'boxes', dtype: 'float32' as const, shape: feeds.boxes.dims },
        { name: 'scores', dtype: 'float32' as const, shape: feeds.scores.dims },
      ],
      outputs: [{ name: 'y' }],
      initializers,
      nodes: [
        {
          op: 'NonMaxSuppression',
          inputs: ['boxes', 'scores', 'limit', 'iou', ...(score !== undefined ? ['score'] : [])],
          outputs: ['y'],
          attrs: { center_point_box: center },
        },
      ],
    },
    feeds,
    rtol: 0,
    atol: 0,
  };
}

describe('NonMaxSuppression', () => {
  it('corner boxes either way: a limit reached and not, opsets 10 and 11', async () => {
    const k = boxesAndScores(1, 30, 2, 1);
    await checkAgainstOrt(nms(k, 50, 0.3));
    await checkAgainstOrt(nms(k, 3, 0.3, undefined, 0, 10));
  });

  it('batches, a score threshold, center boxes', async () => {
    await checkAgainstOrt(nms(boxesAndScores(2, 25, 3, 2), 8, 0.5, 0.3));
    await checkAgainstOrt(nms(boxesAndScores(2, 20, 2, 3), 5, 0.4, undefined, 1));
  });

  it("takes int64's max as the limit (torchvision's batched_nms), as many as the boxes", async () => {
    const c = nms(boxesAndScores(1, 12, 2, 5), 1, 0.5);
    c.spec.initializers.limit = { dtype: 'int64', dims: [1], data: BigInt64Array.of(2n ** 63n - 1n) };
    const net = await checkAgainstOrt(c);
    expect(net.tensors[net.outputs[0]!]!.shape).toEqual([24, 3]);
  });

  it('finds nothing: every score under the threshold gives [0, 3]', async () => {
    const net = await checkAgainstOrt(nms(boxesAndScores(1, 10, 2, 4), 4, 0.5, 0.99));
    // The engine's tensor is declared at the bound: batches * classes * min(limit, boxes).
    expect(net.tensors[net.outputs[0]!]!.shape).toEqual([8, 3]);
  });

  it('refuses a threshold computed from data and an IoU threshold outside [0, 1], saying why', () => {
    const io = {
      op: 'NonMaxSuppression',
      opset: 11,
      outputs: [['int64', ['n', 3]] as ['int64', Array<number | string>]],
    };
    const boxes: ['float32', number[]] = ['float32', [1, 4, 4]];
    const scores: ['float32', number[]] = ['float32', [1, 1, 4]];
    expect(verdict({ ...io, inputs: [boxes, scores, tensor('int64', [1], [2]), ['float32', [1]]] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('iou_threshold'),
    });
    expect(verdict({ ...io, inputs: [boxes, scores, tensor('int64', [1], [2]), tensor('float32', [1], [1.5])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("'iouThreshold' is 1.5"),
    });
  });
});
