/**
 * NaN, infinities and signed zeros through every float op an engine runs, against
 * onnxruntime on the same one-node models, on the backend helpers/compare.ts names (cpu here;
 * test/gpu/engine-layers.test.ts runs this file on cuda). The inputs cycle through NaN, +Inf,
 * -Inf, +0, -0 and ordinary values.
 *
 * Elementwise ops, activations, normalizations and the rest must agree with onnxruntime
 * exactly on which elements are NaN, on infinities and on the sign of zeros; finite values
 * within 1e-4 of the larger of 1 and their magnitude (the formulas, not the roundings, are
 * under test here; cuda's transcendental functions are within 2 ulp).
 *
 * Max pooling and max reductions are where onnxruntime has no one semantics: its MLAS kernels
 * keep or drop a NaN depending on where it falls in the window and the vector lanes
 * ([NaN,1,2,3] pools to 3, [1,2,3,NaN] to NaN). hybridrt propagates NaN there, as PyTorch and
 * NumPy do (docs/engine.md): a window holding a NaN gives NaN; windows without one agree with
 * onnxruntime.
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type AttrValue, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND } from './helpers/compare.js';

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1.5, -2.5, 3, -0.5, 10, -10, 2, 0.25, -4, 7, -1];
const values = (n: number, shift: number) => Float32Array.from({ length: n }, (_, i) => SPECIAL[(i + shift) % SPECIAL.length]!);
const SHAPE = [1, 2, 4, 4];

interface Case {
  op: string;
  attrs?: Record<string, AttrValue>;
  inputs?: number;
  opset?: number;
  /** Initializers after the fed inputs: [name, dtype, dims, values]. */
  consts?: Array<[string, 'float32' | 'int64', number[], number[]]>;
}

const UNARY = ['Abs', 'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Erf', 'Neg', 'Reciprocal', 'Softplus', 'Selu', 'Elu', 'HardSwish'];
const ELEMENTWISE: Case[] = [
  ...UNARY.map((op) => ({ op })),
  { op: 'Gelu', opset: 20 },
  { op: 'HardSigmoid' },
  { op: 'LeakyRelu', attrs: { alpha: { float: 0.1 } } },
  {
    op: 'Clip',
    opset: 11,
    consts: [
      ['lo', 'float32', [], [-1]],
      ['hi', 'float32', [], [1]],
    ],
  },
  ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'PRelu'].map((op) => ({ op, inputs: 2 })),
];
const OTHERS: Case[] = [
  { op: 'AveragePool', attrs: { kernel_shape: [2, 2] } },
  { op: 'GlobalAveragePool' },
  { op: 'ReduceMean', attrs: { axes: [3] } },
  { op: 'ReduceSum', consts: [['axes', 'int64', [1], [3]]] },
  { op: 'Softmax' },
  { op: 'LogSoftmax' },
  {
    op: 'LayerNormalization',
    consts: [
      ['scale', 'float32', [4], [1, 1, 1, 1]],
      ['bias', 'float32', [4], [0, 0, 0, 0]],
    ],
  },
  {
    op: 'InstanceNormalization',
    consts: [
      ['scale', 'float32', [2], [1, 1]],
      ['bias', 'float32', [2], [0, 0]],
    ],
  },
  {
    op: 'Resize',
    opset: 13,
    attrs: { mode: 'linear' },
    consts: [
      ['roi', 'float32', [0], []],
      ['scales', 'float32', [4], [1, 1, 2, 2]],
    ],
  },
  { op: 'MatMul', inputs: 2 },
  { op: 'LRN', attrs: { size: 3 } },
];
const MAXES: Case[] = [{ op: 'MaxPool', attrs: { kernel_shape: [2, 2] } }, { op: 'GlobalMaxPool' }, { op: 'ReduceMax', attrs: { axes: [3] } }];

async function run(c: Case, feedsFor = (n: number, i: number) => values(n, i * 5)) {
  const n = SHAPE.reduce((a, b) => a * b, 1);
  const names = Array.from({ length: c.inputs ?? 1 }, (_, i) => `x${i}`);
  const consts = c.consts ?? [];
  const model = encodeModel(
    buildModel({
      opset: c.opset ?? 17,
      inputs: names.map((name) => ({ name, shape: SHAPE })),
      outputs: [{ name: 'y' }],
      initializers: Object.fromEntries(
        consts.map(([name, dtype, dims, v]) => [
          name,
          { dtype, dims, data: dtype === 'int64' ? BigInt64Array.from(v.map(BigInt)) : Float32Array.from(v) },
        ]),
      ),
      nodes: [{ op: c.op, inputs: [...names, ...consts.map((k) => k[0])], outputs: ['y'], attrs: c.attrs ?? {} }],
    }),
  );
  const feeds = Object.fromEntries(names.map((name, i) => [name, new ort.Tensor('float32', feedsFor(n, i), SHAPE)]));
  const session = await ort.InferenceSession.create(model);
  const want = (await session.run(feeds)).y!;
  await session.release();
  const m = await compile(model, { backend: BACKEND, minBlockSize: 0, threads: 1 });
  try {
    expect(m.report.data.summary.engineNodes, `${c.op} runs on an engine`).toBe(1);
    const got = (await m.run(feeds)).y!;
    return { got: Array.from(got.data as Float32Array), want: Array.from(want.data as Float32Array), dims: want.dims };
  } finally {
    await m.dispose();
  }
}

const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/** Where `got` differs from `want` in NaN-ness, infinities, the sign of zero, or by more than 1e-4. */
function differences(got: number[], want: number[]): string[] {
  const out: string[] = [];
  want.forEach((y, i) => {
    const x = got[i]!;
    const same =
      (Number.isNaN(x) && Number.isNaN(y)) ||
      Object.is(x, y) ||
      (Number.isFinite(x) && Number.isFinite(y) && x !== 0 && y !== 0 && Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y)));
    if (!same) out.push(`[${i}] ${show(x)}, onnxruntime ${show(y)}`);
  });
  return out;
}

describeIf(HAS_NATIVE, 'NaN, Inf and signed zeros', NATIVE_MISSING, () => {
  for (const c of [...ELEMENTWISE, ...OTHERS]) {
    it(`${c.op} agrees with onnxruntime`, async () => {
      const { got, want } = await run(c);
      expect(
        want.some((v) => Number.isNaN(v)),
        'the case feeds a NaN',
      ).toBe(true);
      expect(differences(got, want)).toEqual([]);
    });
  }

  for (const c of MAXES) {
    it(`${c.op} propagates a NaN in its window, and agrees with onnxruntime elsewhere`, async () => {
      // Without NaN: the infinities and zeros alone, exactly as onnxruntime.
      const clean = await run(c, (n) => values(n, 0).map((v) => (Number.isNaN(v) ? 3 : v)));
      expect(differences(clean.got, clean.want)).toEqual([]);
      // One NaN per channel, at its first element (indices 0 and 16): every window holding it is
      // NaN, the first of each channel's outputs; the other windows agree with onnxruntime.
      const { got, want } = await run(c, (n) => values(n, 0));
      const perChannel = got.length / 2;
      expect([got[0], got[perChannel]]).toEqual([NaN, NaN]);
      const rest = (a: number[]) => a.filter((_, i) => i % perChannel !== 0);
      if (c.op !== 'GlobalMaxPool') expect(differences(rest(got), rest(want))).toEqual([]);
    });
  }
});
