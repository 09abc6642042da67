/**
 * Reductions over rows whose count depends on the data, down to none: NonZero(scores > 0.5)
 * picks rows of a float32 and an int64 table (Transpose, GatherND), and every reduce op the
 * converters take reduces them along the picked rows, along the columns and over everything. At 0
 * rows an empty set gives the op's identity as onnxruntime does (-inf / the lowest int64 for max,
 * +inf / the highest for min, 0 for sums and mean, 1 for prod: native/layers/reduce.h); the
 * outputs are held to onnxruntime's on the same feeds with 0, 1 and 5 rows (shapes equal, int64
 * exactly, floats within FP32_TOL of max(1, max |ort|), infinities equal).
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type NodeSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { BACKEND, FP32_TOL } from '../engine/helpers/compare.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun } from '../runtime/helpers.js';

const ROWS = 8;
const FLOAT_OPS = ['ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceMean', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp'];
const INT_OPS = ['ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceProd'];
/** Axes (an attribute up to ReduceSum-11) and keepdims: along the rows, along the columns, everything. */
const FORMS: Array<[string, number[] | undefined, number]> = [
  ['rows', [0], 0],
  ['rows_kept', [0], 1],
  ['cols', [1], 0],
  ['all', undefined, 0],
];

const reduces = (x: string, ops: string[]): NodeSpec[] =>
  ops.flatMap((op) =>
    FORMS.map(([form, axes, keepdims]) => ({ op, inputs: [x], outputs: [`${op}_${x}_${form}`], attrs: { keepdims, ...(axes ? { axes } : {}) } })),
  );
const nodes = [
  { op: 'Greater', inputs: ['scores', 'half'], outputs: ['above'] },
  { op: 'NonZero', inputs: ['above'], outputs: ['where'] },
  { op: 'Transpose', inputs: ['where'], outputs: ['idx'], attrs: { perm: [1, 0] } },
  { op: 'GatherND', inputs: ['table', 'idx'], outputs: ['f'] },
  { op: 'GatherND', inputs: ['itable', 'idx'], outputs: ['i'] },
  ...reduces('f', FLOAT_OPS),
  ...reduces('i', INT_OPS),
];
const model = encodeModel(
  buildModel({
    opset: 12,
    inputs: [
      { name: 'scores', dtype: 'float32', shape: [ROWS] },
      { name: 'table', dtype: 'float32', shape: [ROWS, 3] },
      { name: 'itable', dtype: 'int64', shape: [ROWS, 3] },
    ],
    outputs: nodes.slice(5).map((n) => ({ name: n.outputs[0]! })),
    initializers: { half: { dtype: 'float32', dims: [], data: Float32Array.of(0.5) } },
    nodes,
  }),
);

/** `count` scores above 0.5; table values in [-1.5, 1.5), small integers in the int table. */
function feeds(count: number, seed: number): Record<string, ort.Tensor> {
  const next = mulberry32(seed);
  const scores = Float32Array.from({ length: ROWS }, (_, r) => (r < count ? 0.6 + next() * 0.4 : next() * 0.4));
  const table = Float32Array.from({ length: ROWS * 3 }, () => next() * 3 - 1.5);
  const itable = BigInt64Array.from({ length: ROWS * 3 }, () => BigInt(Math.floor(next() * 7) - 3));
  return {
    scores: new ort.Tensor('float32', scores, [ROWS]),
    table: new ort.Tensor('float32', table, [ROWS, 3]),
    itable: new ort.Tensor('int64', itable, [ROWS, 3]),
  };
}

describeIf(HAS_NATIVE, `reductions over no rows (${BACKEND})`, NATIVE_MISSING, () => {
  it('give what onnxruntime gives with 0, 1 and 5 rows picked, every reduce on engines', async () => {
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1 });
    try {
      const s = m.report.data.summary;
      expect(s).toMatchObject({ fallbackSegments: 0, engineNodes: s.nodes });
      for (const count of [0, 1, 5]) {
        const f = feeds(count, count + 1);
        const [got, want] = [await m.run(f), await ortRun(model, f)];
        for (const [name, t] of Object.entries(want)) {
          const what = `${count} rows: ${name}`;
          expect(got[name]!.dims, what).toEqual(t.dims);
          const [a, b] = [Array.from(got[name]!.data as ArrayLike<number | bigint>), Array.from(t.data as ArrayLike<number | bigint>)];
          if (t.type === 'int64') expect(a, what).toEqual(b);
          else {
            const scale = Math.max(1, ...b.map((v) => (Number.isFinite(v) ? Math.abs(Number(v)) : 0)));
            b.forEach((v, k) => {
              if (!Number.isFinite(v)) expect(a[k], `${what}[${k}]`).toBe(v);
              else expect(Math.abs(Number(a[k]) - Number(v)) / scale, `${what}[${k}]`).toBeLessThanOrEqual(FP32_TOL);
            });
          }
        }
      }
    } finally {
      await m.dispose();
    }
  });
});
