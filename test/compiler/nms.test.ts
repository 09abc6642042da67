/**
 * NonMaxSuppression's boxes picked through compile(): boxes, scores -> NonMaxSuppression ->
 * Gather(the box column) -> Gather(boxes) -> Mul, as detection heads pick their detections, held
 * to onnxruntime on the same feeds (shapes equal, values within FP32_TOL), with feeds where
 * some boxes are kept and where none passes the score threshold (a zero-size tensor through the
 * rest). The NMS engine ends at it; the next engine takes its rows over [0, bound].
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { BACKEND, FP32_TOL } from '../engine/helpers/compare.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun } from '../runtime/helpers.js';

const N = 20;
const i64 = (...v: number[]) => ({ dtype: 'int64' as const, dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const f32 = (v: number) => ({ dtype: 'float32' as const, dims: [1], data: Float32Array.of(v) });

const picks = encodeModel(
  buildModel({
    opset: 13,
    inputs: [
      { name: 'boxes', dtype: 'float32', shape: [1, N, 4] },
      { name: 'scores', dtype: 'float32', shape: [1, 2, N] },
    ],
    outputs: [{ name: 'picked', dtype: 'float32' }],
    initializers: { limit: i64(5), iou: f32(0.4), score: f32(0.3), two: i64(2), flat: i64(N, 4) },
    nodes: [
      { op: 'NonMaxSuppression', inputs: ['boxes', 'scores', 'limit', 'iou', 'score'], outputs: ['sel'] },
      { op: 'Gather', inputs: ['sel', 'two'], outputs: ['col'], attrs: { axis: 1 } },
      { op: 'Reshape', inputs: ['boxes', 'flat'], outputs: ['b2'] },
      { op: 'Gather', inputs: ['b2', 'col'], outputs: ['g'], attrs: { axis: 0 } },
      { op: 'Mul', inputs: ['g', 'g'], outputs: ['picked'] },
    ],
  }),
);

/** Random boxes and distinct scores in [0, `top`). */
function feeds(seed: number, top: number): Record<string, ort.Tensor> {
  const next = mulberry32(seed);
  const boxes = Float32Array.from({ length: N * 4 }, (_, i) => (i % 4 < 2 ? next() * 10 : 10 + next() * 5));
  const ladder = Array.from({ length: 2 * N }, (_, i) => (top * (i + 1)) / (2 * N + 1)).sort(() => next() - 0.5);
  return { boxes: new ort.Tensor('float32', boxes, [1, N, 4]), scores: new ort.Tensor('float32', Float32Array.from(ladder), [1, 2, N]) };
}

describeIf(HAS_NATIVE, `a data-dependent output (NonMaxSuppression) through compile (${BACKEND})`, NATIVE_MISSING, () => {
  it('runs wholly on two engines and agrees with onnxruntime, also where no box is kept', async () => {
    const m = await compile(picks, { backend: BACKEND, minBlockSize: 1 });
    try {
      expect(m.report.data.summary).toMatchObject({ engineSegments: 2, fallbackSegments: 0 });
      for (const [what, f, kept] of [
        ['some kept', feeds(1, 1), true],
        ['none above the threshold', feeds(2, 0.3), false],
      ] as const) {
        const got = (await m.run(f)).picked!;
        const want = (await ortRun(picks, f)).picked!;
        expect(got.dims, what).toEqual(want.dims);
        expect(want.dims[0]! > 0, what).toBe(kept);
        const [a, b] = [Array.from(got.data as Float32Array), Array.from(want.data as Float32Array)];
        const scale = Math.max(1, ...b.map(Math.abs));
        b.forEach((v, i) => expect(Math.abs(a[i]! - v) / scale, `${what}[${i}]`).toBeLessThanOrEqual(FP32_TOL));
      }
    } finally {
      await m.dispose();
    }
  });
});
