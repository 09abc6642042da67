/**
 * A count known only at run time, read as a slice window in a later part of the graph:
 * NonZero picks rows, a Shape -> Gather -> Unsqueeze -> Add chain takes their count, a node
 * left to onnxruntime (fallbackNodes) sits between, and a Slice after it takes `ends` from
 * the chain (torchvision's roi_heads split the class logits by the proposals' count so).
 * The partitioner computes the chain in the Slice's engine (src/partition/sink.ts), where the
 * count is a ranged dim of an engine input and the Shape of it a shape computation, so the
 * Slice runs on that engine. Held to onnxruntime on the same feeds: shapes equal, int64
 * exactly, floats within FP32_TOL of max |ort|; with some, all and no hits.
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND, FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun } from '../runtime/helpers.js';

const i64 = (values: number[], dims = [values.length]) => ({ dtype: 'int64' as const, dims, data: BigInt64Array.from(values.map(BigInt)) });

const model = (rows: number | string) =>
  encodeModel(
    buildModel({
      inputs: [{ name: 'x', dtype: 'float32', shape: [rows, 4] }],
      outputs: [
        { name: 'out', dtype: 'float32' },
        { name: 'n', dtype: 'int64' },
      ],
      initializers: { zero: i64([0]), one: i64([1]), axis0: i64([0]), at0: i64([0], []) },
      nodes: [
        { op: 'ReduceSum', inputs: ['x', 'one'], outputs: ['s'], attrs: { keepdims: 0 } },
        { op: 'Relu', inputs: ['s'], outputs: ['r'] },
        { op: 'NonZero', inputs: ['r'], outputs: ['nz'] },
        { op: 'Squeeze', inputs: ['nz', 'axis0'], outputs: ['idx'] },
        { op: 'Gather', inputs: ['x', 'idx'], outputs: ['picked'], attrs: { axis: 0 } },
        { name: 'shape', op: 'Shape', inputs: ['picked'], outputs: ['shp'] },
        { op: 'Gather', inputs: ['shp', 'at0'], outputs: ['count'], attrs: { axis: 0 } },
        { op: 'Unsqueeze', inputs: ['count', 'axis0'], outputs: ['count1'] },
        { op: 'Add', inputs: ['count1', 'zero'], outputs: ['n'] },
        { name: 'host', op: 'Sigmoid', inputs: ['picked'], outputs: ['y'] },
        { op: 'Mul', inputs: ['y', 'picked'], outputs: ['z'] },
        { name: 'slice', op: 'Slice', inputs: ['z', 'zero', 'n', 'axis0'], outputs: ['w'] },
        { op: 'Relu', inputs: ['w'], outputs: ['out'] },
      ],
    }),
  );

type Compiled = Pick<Awaited<ReturnType<typeof compile>>, 'run'>;

async function expectMatches(m: Compiled, onnx: Uint8Array, feeds: Record<string, ort.Tensor>, what: string): Promise<void> {
  const got = await m.run(feeds);
  const want = await ortRun(onnx, feeds);
  for (const [name, t] of Object.entries(want)) {
    expect(got[name]!.dims, `${what}: ${name} shape`).toEqual(t.dims);
    const [a, b] = [Array.from(got[name]!.data as ArrayLike<number | bigint>, Number), Array.from(t.data as ArrayLike<number | bigint>, Number)];
    const scale = Math.max(1, ...b.map(Math.abs));
    b.forEach((v, i) => expect(Math.abs(a[i]! - v) / scale, `${what}: ${name}[${i}]`).toBeLessThanOrEqual(t.type === 'int64' ? 0 : FP32_TOL));
  }
}

const feeds = (rows: number, sign: number) => ({
  x: new ort.Tensor(
    'float32',
    Float32Array.from({ length: rows * 4 }, (_, i) => sign * (Math.sin(i * 1.3 + rows) + (sign === 0 ? 1 : 0))),
    [rows, 4],
  ),
});

describeIf(HAS_NATIVE, `a slice window computed from a data-dependent count in an earlier segment (${BACKEND})`, NATIVE_MISSING, () => {
  const cases = (rows: number) =>
    [
      ['some', feeds(rows, 1)],
      ['all', { x: new ort.Tensor('float32', new Float32Array(rows * 4).fill(0.5), [rows, 4]) }],
      ['none', { x: new ort.Tensor('float32', new Float32Array(rows * 4).fill(-1), [rows, 4]) }],
    ] as const;

  it('static input: the Slice runs on the engine that computes the count from its own input', async () => {
    const onnx = model(6);
    const m = await compile(onnx, { backend: BACKEND, minBlockSize: 1, fallbackNodes: ['host'] });
    try {
      const nodes = m.report.data.nodes;
      const at = (name: string) => nodes.find((n) => n.name === name)!;
      expect(at('slice').supported, at('slice').reason).toBe(true);
      expect(at('shape').segment).toBe(at('slice').segment);
      expect(m.report.data.summary.fallbackSegments).toBe(1);
      for (const [what, f] of cases(6)) await expectMatches(m, onnx, f, what);
    } finally {
      await m.dispose();
    }
  });

  it('over an input range: the count ranges with the rows, and the Slice follows it on its engine', async () => {
    const onnx = model('rows');
    const m = await compile(onnx, {
      backend: BACKEND,
      minBlockSize: 1,
      fallbackNodes: ['host'],
      inputs: { x: { min: [1, 4], opt: [4, 4], max: [7, 4] } },
    });
    try {
      const at = (name: string) => m.report.data.nodes.find((n) => n.name === name)!;
      expect(at('slice').supported, at('slice').reason).toBe(true);
      expect(m.report.data.summary.fallbackSegments).toBe(1);
      for (const rows of [1, 4, 7]) for (const [what, f] of cases(rows)) await expectMatches(m, onnx, f, `${rows} rows, ${what}`);
    } finally {
      await m.dispose();
    }
  });
});
