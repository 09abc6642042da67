/**
 * A data-dependent output through compile(): x -> Relu -> NonZero -> Transpose -> GatherND (as
 * detection heads pick boxes above a threshold), held to onnxruntime on the same feeds
 * (test/helpers/ranges.ts: shapes equal, values within FP32_TOL), with inputs where NonZero
 * finds some, all, and nothing (a zero-size tensor through the rest). The NonZero node runs on
 * an engine that ends at it; the run passes its output on at the count the engine found.
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { load } from '../../src/artifact/load.js';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';

import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND, FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun } from '../runtime/helpers.js';

type Compiled = Pick<Awaited<ReturnType<typeof compile>>, 'run'>;

/** Every output's shape equal to onnxruntime's, int64 exactly, floats within FP32_TOL of max |ort|. */
async function expectMatches(m: Compiled, feeds: Record<string, ort.Tensor>, what: string, onnx = picks): Promise<void> {
  const got = await m.run(feeds);
  const want = await ortRun(onnx, feeds);
  for (const [name, t] of Object.entries(want)) {
    expect(got[name]!.dims, `${what}: ${name} shape`).toEqual(t.dims);
    const [a, b] = [Array.from(got[name]!.data as ArrayLike<number | bigint>, Number), Array.from(t.data as ArrayLike<number | bigint>, Number)];
    const scale = Math.max(1, ...b.map(Math.abs));
    b.forEach((v, i) => expect(Math.abs(a[i]! - v) / scale, `${what}: ${name}[${i}]`).toBeLessThanOrEqual(t.type === 'int64' ? 0 : FP32_TOL));
  }
}

const model = (rows: number | string) =>
  encodeModel(
    buildModel({
      inputs: [{ name: 'x', dtype: 'float32', shape: [rows, 4] }],
      outputs: [
        { name: 'picked', dtype: 'float32' },
        { name: 'where', dtype: 'int64' },
      ],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'NonZero', inputs: ['r'], outputs: ['nz'] },
        { op: 'Transpose', inputs: ['nz'], outputs: ['idx'], attrs: { perm: [1, 0] } },
        { op: 'GatherND', inputs: ['x', 'idx'], outputs: ['g'] },
        { op: 'Mul', inputs: ['g', 'g'], outputs: ['picked'] },
        { op: 'Add', inputs: ['idx', 'idx'], outputs: ['where'] },
      ],
    }),
  );
const picks = model(3);

const x = (values: number[]) => ({ x: new ort.Tensor('float32', Float32Array.from(values), [3, 4]) });
const SOME = x([0.5, -1, 2, 0, -0.25, 3, -2, 1, 0, 0, 4, -5]);
const ALL = x(Array.from({ length: 12 }, (_, i) => i + 1));
const NONE = x(Array.from({ length: 12 }, (_, i) => -i));

describeIf(HAS_NATIVE, `a data-dependent output (NonZero) through compile (${BACKEND})`, NATIVE_MISSING, () => {
  it('runs NonZero on an engine that ends at it and agrees with onnxruntime for some, all and no hits', async () => {
    const m = await compile(picks, { backend: BACKEND, minBlockSize: 1 });
    try {
      const nodes = m.report.data.nodes;
      const seg = (op: string) => m.report.data.segments.find((s) => s.id === nodes.find((n) => n.opType === op)!.segment)!;
      expect(seg('NonZero').kind).toBe('engine');
      // The engine ends at NonZero: what reads its output is in a later segment.
      expect(seg('Transpose').id).toBeGreaterThan(seg('NonZero').id);
      // ...an engine too, taking NonZero's output over [0, 12] columns: the model runs wholly on engines.
      expect(seg('Transpose').kind).toBe('engine');
      expect(m.report.data.summary.fallbackSegments).toBe(0);
      expect(m.report.data.summary.engineSegments).toBe(2);
      for (const [what, feeds] of [
        ['some', SOME],
        ['all', ALL],
        ['none', NONE],
      ] as const) {
        await expectMatches(m, feeds, what);
      }
      const none = await m.run(NONE);
      expect(none.picked!.dims).toEqual([0]);
      expect(none.where!.dims).toEqual([0, 2]);
      // A saved model loads with the same engines (the nonzero layer and the ranged input in its plans).
      const loaded = await load(await m.toBytes());
      try {
        expect(loaded.report.data.summary.fallbackSegments).toBe(0);
        for (const [what, feeds] of [
          ['loaded, some', SOME],
          ['loaded, none', NONE],
        ] as const) {
          await expectMatches(loaded, feeds, what);
        }
      } finally {
        await loaded.dispose();
      }
    } finally {
      await m.dispose();
    }
  });

  it('over an input range too: the count ranges from 0 at the min shapes to the bound at the max shapes', async () => {
    const ranged = model('n');
    const m = await compile(ranged, { backend: BACKEND, minBlockSize: 1, inputs: { x: { min: [1, 4], opt: [3, 4], max: [5, 4] } } });
    try {
      expect(m.report.data.summary).toMatchObject({ engineSegments: 2, fallbackSegments: 0 });
      for (const rows of [1, 2, 5]) {
        const values = Array.from({ length: rows * 4 }, (_, i) => Math.sin(i * 1.7 + rows));
        await expectMatches(m, { x: new ort.Tensor('float32', Float32Array.from(values), [rows, 4]) }, `[${rows},4]`, ranged);
        await expectMatches(m, { x: new ort.Tensor('float32', new Float32Array(rows * 4).fill(-1), [rows, 4]) }, `[${rows},4] none`, ranged);
      }
    } finally {
      await m.dispose();
    }
  });
});

/**
 * A detection head's tail after a threshold (torchvision's postprocess, small): NonZero of
 * scores > 0.5, the hits' scores gathered, TopK of min(count, 3) (k computed from the count's
 * shape), their boxes gathered, [box, score] rows concatenated. With many hits, two (fewer than
 * k) and none, every layer after NonZero meets its count, 0 included.
 */
const head = encodeModel(
  buildModel({
    opset: 13,
    inputs: [
      { name: 'scores', dtype: 'float32', shape: [1, 10] },
      { name: 'boxes', dtype: 'float32', shape: [10, 4] },
    ],
    outputs: [{ name: 'rows', dtype: 'float32' }],
    initializers: {
      half: { dtype: 'float32', dims: [], data: Float32Array.of(0.5) },
      one: { dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) },
      oneScalar: { dtype: 'int64', dims: [], data: BigInt64Array.of(1n) },
      three: { dtype: 'int64', dims: [1], data: BigInt64Array.of(3n) },
      flat: { dtype: 'int64', dims: [1], data: BigInt64Array.of(10n) },
    },
    nodes: [
      { op: 'Greater', inputs: ['scores', 'half'], outputs: ['hit'] },
      { op: 'NonZero', inputs: ['hit'], outputs: ['nz'] },
      { op: 'Gather', inputs: ['nz', 'oneScalar'], outputs: ['col'], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: ['scores', 'flat'], outputs: ['s10'] },
      { op: 'Gather', inputs: ['s10', 'col'], outputs: ['s'], attrs: { axis: 0 } },
      { op: 'Shape', inputs: ['s'], outputs: ['n'] },
      { op: 'Min', inputs: ['n', 'three'], outputs: ['k'] },
      { op: 'TopK', inputs: ['s', 'k'], outputs: ['top', 'at'] },
      { op: 'Gather', inputs: ['col', 'at'], outputs: ['which'], attrs: { axis: 0 } },
      { op: 'Gather', inputs: ['boxes', 'which'], outputs: ['b'], attrs: { axis: 0 } },
      { op: 'Unsqueeze', inputs: ['top', 'one'], outputs: ['top2'] },
      { op: 'Concat', inputs: ['b', 'top2'], outputs: ['rows'], attrs: { axis: 1 } },
    ],
  }),
);

describeIf(HAS_NATIVE, `a detection tail after NonZero, at counts of 0 too (${BACKEND})`, NATIVE_MISSING, () => {
  it('agrees with onnxruntime with many hits, fewer than k, and none', async () => {
    const m = await compile(head, { backend: BACKEND, minBlockSize: 1 });
    try {
      expect(m.report.data.summary.fallbackSegments).toBe(0);
      const boxes = new ort.Tensor(
        'float32',
        Float32Array.from({ length: 40 }, (_, i) => i * 0.25),
        [10, 4],
      );
      for (const [what, scores] of [
        ['many', [0.9, 0.1, 0.7, 0.8, 0.2, 0.95, 0.6, 0.3, 0.55, 0.4]],
        ['two', [0.1, 0.2, 0.7, 0.1, 0.3, 0.1, 0.6, 0.3, 0.2, 0.4]],
        ['none', [0.1, 0.2, 0.3, 0.1, 0.3, 0.1, 0.2, 0.3, 0.2, 0.4]],
      ] as const) {
        const feeds = { scores: new ort.Tensor('float32', Float32Array.from(scores), [1, 10]), boxes };
        const got = (await m.run(feeds)).rows!;
        const want = (await ortRun(head, feeds)).rows!;
        expect(got.dims, what).toEqual(want.dims);
        expect(Array.from(got.data as Float32Array), what).toEqual(Array.from(want.data as Float32Array));
      }
    } finally {
      await m.dispose();
    }
  });
});
