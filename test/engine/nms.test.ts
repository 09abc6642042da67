/**
 * The nms layer (a data-dependent output, as nonzero's) against onnxruntime's NonMaxSuppression
 * on the same inputs, on the backend compare.ts names: rows [batch, class, box] and the run's
 * [count, 3] exactly, with corner boxes given in either order and center boxes, with and without
 * a score threshold, the per-class limit reached and not, several batches and classes, and no
 * candidate at all ([0, 3]). Scores are distinct within a class (onnxruntime's order of equal
 * scores is its heap's).
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { mulberry32 } from '../../src/util/random.js';
import { BACKEND, runOrt } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';

interface Case {
  boxes: TensorData;
  scores: TensorData;
  perClass: number;
  iou: number;
  score?: number;
  center?: boolean;
}

/** B batches of N boxes (corners in random order, or centers) and C classes of distinct scores. */
function randomCase(b: number, n: number, c: number, seed: number, center = false): Pick<Case, 'boxes' | 'scores'> {
  const next = mulberry32(seed);
  const boxes = new Float32Array(b * n * 4);
  for (let i = 0; i < b * n; i++) {
    const [x, y, w, h] = [next() * 20, next() * 20, 2 + next() * 8, 2 + next() * 8];
    const corners = next() < 0.5 ? [y, x, y + h, x + w] : [y + h, x + w, y, x];
    boxes.set(center ? [x, y, w, h] : corners, 4 * i);
  }
  // Distinct scores: a shuffled ladder per class.
  const scores = new Float32Array(b * c * n);
  for (let l = 0; l < b * c; l++) {
    const ladder = Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [ladder[i], ladder[j]] = [ladder[j]!, ladder[i]!];
    }
    scores.set(ladder, l * n);
  }
  return { boxes: { dtype: 'float32', dims: [b, n, 4], data: boxes }, scores: { dtype: 'float32', dims: [b, c, n], data: scores } };
}

async function check(k: Case): Promise<number[]> {
  const scalar = (dtype: 'int64' | 'float32', v: number): TensorData =>
    dtype === 'int64' ? { dtype, dims: [1], data: BigInt64Array.of(BigInt(v)) } : { dtype, dims: [1], data: Float32Array.of(v) };
  const [want] = await runOrt(
    {
      op: 'NonMaxSuppression',
      opset: 11,
      attrs: { center_point_box: k.center ? 1 : 0 },
      onnxInputs: ['x0', 'x1', 'm', 'iou', ...(k.score !== undefined ? ['s'] : [])],
      onnxExtra: {
        m: scalar('int64', k.perClass),
        iou: scalar('float32', k.iou),
        ...(k.score !== undefined ? { s: scalar('float32', k.score) } : {}),
      },
      inputs: [k.boxes, k.scores],
      kind: 'nms',
      params: {},
    },
    [k.boxes, k.scores],
  );
  const [b, n] = k.boxes.dims as [number, number];
  const c = k.scores.dims[1]!;
  const d = new NetDraft('nms');
  const ins = [d.input('boxes', 'float32', k.boxes.dims), d.input('scores', 'float32', k.scores.dims)];
  const params = {
    maxOutputBoxesPerClass: k.perClass,
    iouThreshold: k.iou,
    centerPointBox: !!k.center,
    ...(k.score !== undefined ? { scoreThreshold: k.score } : {}),
  };
  const [y] = d.layer('nms', 'nms', ins, params, [{ dtype: 'int64', shape: [b * c * Math.min(k.perClass, n), 3] }]);
  d.output(y!);
  const engine = await buildEngine(d.finish(), { backend: BACKEND });
  try {
    expect(engine.info().outputs[0]!.dataDependentDim).toBe(0);
    const ctx = engine.createContext();
    const [got] = await ctx.run([k.boxes.data, k.scores.data]);
    expect(ctx.outputShapes).toEqual([want!.dims]);
    expect(Array.from(got as BigInt64Array, Number)).toEqual(Array.from(want!.data as BigInt64Array, Number));
    return want!.dims;
  } finally {
    engine.dispose();
  }
}

describe('nms', () => {
  it('corner boxes in either order: overlaps suppressed, the per-class limit reached and not', async () => {
    const k = randomCase(1, 40, 1, 1);
    expect((await check({ ...k, perClass: 100, iou: 0.3 }))[0]).toBeGreaterThan(5);
    await check({ ...k, perClass: 4, iou: 0.3 });
    await check({ ...k, perClass: 40, iou: 0 });
    await check({ ...k, perClass: 40, iou: 1 });
  });

  it('several batches and classes, a score threshold, center boxes', async () => {
    const k = randomCase(2, 30, 3, 2);
    await check({ ...k, perClass: 10, iou: 0.5, score: 0.4 });
    await check({ ...randomCase(3, 25, 2, 3, true), perClass: 6, iou: 0.4, center: true });
  });

  it('finds nothing: every score under the threshold, or a limit of 0, gives [0, 3]', async () => {
    const k = randomCase(1, 10, 2, 4);
    expect(await check({ ...k, perClass: 5, iou: 0.5, score: 0.99 })).toEqual([0, 3]);
    expect(await check({ ...k, perClass: 0, iou: 0.5 })).toEqual([0, 3]);
  });
});
