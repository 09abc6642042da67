/**
 * Elementwise binary layers (every BinaryOp; float32, int32, int64 and bool; every kind of
 * broadcasting; a fused activation), unary layers (every UnaryOp), cast between engine
 * dtypes and select, on the cpu backend against onnxruntime. Tolerance: helpers/compare.ts.
 */
import { describe, expect, it } from 'vitest';
import type { EngineDType } from '../../src/engine/network.js';
import { checkLayer, runEngine } from './helpers/compare.js';
import { randomBool, randomFloat, randomInt, tensor } from './helpers/random.js';
import type { TensorData } from '../../src/onnx/tensor.js';

const OPS: Array<[string, string]> = [
  ['Add', 'add'],
  ['Sub', 'sub'],
  ['Mul', 'mul'],
  ['Div', 'div'],
  ['Max', 'max'],
  ['Min', 'min'],
];

// Pairs of shapes covering each broadcasting pattern.
const SHAPES: Array<[number[], number[]]> = [
  [
    [2, 3, 4],
    [2, 3, 4],
  ], // same
  [[2, 3, 4], [4]], // trailing vector
  [
    [2, 1, 4],
    [3, 1],
  ], // both stretch
  [[], [2, 3]], // scalar first
  [
    [5, 1, 1],
    [5, 6, 7],
  ], // per-channel
  [
    [2, 3, 1, 5],
    [1, 3, 4, 1],
  ], // interleaved
  [[0, 3], [3]], // empty
];

describe('elementwise, float32', () => {
  for (const [onnx, op] of OPS) {
    it(`${op} under every broadcasting pattern`, async () => {
      for (const [i, [a, b]] of SHAPES.entries()) {
        const y = randomFloat(b, 100 + i, 0.5, 2); // away from 0: Div
        await checkLayer({ op: onnx, inputs: [randomFloat(a, i + 1), y], kind: 'elementwise', params: { op } });
      }
    });
  }
  it('pow (positive bases), prelu', async () => {
    await checkLayer({ op: 'Pow', inputs: [randomFloat([3, 4], 1, 0.1, 3), randomFloat([4], 2, -2, 2)], kind: 'elementwise', params: { op: 'pow' } });
    await checkLayer({
      op: 'PRelu',
      inputs: [randomFloat([2, 3, 4, 4], 3), randomFloat([3, 1, 1], 4)],
      kind: 'elementwise',
      params: { op: 'prelu' },
    });
  });
  it('comparisons give bool', async () => {
    const a = randomFloat([3, 4], 1);
    const b = { ...randomFloat([4], 2) };
    (b.data as Float32Array)[0] = (a.data as Float32Array)[0]!; // an equal pair
    for (const [onnx, op] of [
      ['Equal', 'equal'],
      ['Less', 'less'],
      ['Greater', 'greater'],
    ]) {
      await checkLayer({ op: onnx!, inputs: [a, b], kind: 'elementwise', params: { op } });
    }
  });
  it('fused relu after add', () =>
    checkLayer({
      op: 'Add',
      inputs: [randomFloat([2, 8], 1), randomFloat([8], 2)],
      then: [{ op: 'Relu' }],
      kind: 'elementwise',
      params: { op: 'add', activation: { op: 'relu' } },
    }));
});

describe('elementwise, integers and bool', () => {
  for (const dtype of ['int32', 'int64'] as const) {
    it(`${dtype}: arithmetic with broadcasting, division truncating toward zero`, async () => {
      const a = randomInt([2, 3, 4], 1, -50, 50, dtype);
      const b = randomInt([3, 1], 2, 1, 9, dtype);
      const negB = randomInt([4], 3, -9, -1, dtype);
      for (const [onnx, op] of OPS) {
        await checkLayer({ op: onnx, inputs: [a, b], kind: 'elementwise', params: { op } });
        await checkLayer({ op: onnx, inputs: [a, negB], kind: 'elementwise', params: { op } });
      }
      for (const [onnx, op] of [
        ['Equal', 'equal'],
        ['Less', 'less'],
        ['Greater', 'greater'],
      ]) {
        await checkLayer({ op: onnx!, inputs: [a, randomInt([4], 6, -50, 50, dtype)], kind: 'elementwise', params: { op } });
      }
    });
  }
  it('bool: and, or, equal', async () => {
    for (const [onnx, op] of [
      ['And', 'and'],
      ['Or', 'or'],
      ['Equal', 'equal'],
    ]) {
      await checkLayer({ op: onnx!, inputs: [randomBool([3, 4], 1), randomBool([4], 2)], kind: 'elementwise', params: { op } });
    }
  });
});

describe('unary', () => {
  const x = randomFloat([3, 5, 7], 11, -3, 3);
  const pos = randomFloat([3, 5, 7], 12, 0.05, 4);
  const cases: Array<{ onnx: string; op: string; attrs?: Record<string, number | string>; params?: object; data?: TensorData; opset?: number }> = [
    { onnx: 'Identity', op: 'identity' },
    { onnx: 'Relu', op: 'relu' },
    { onnx: 'LeakyRelu', op: 'leaky_relu', attrs: { alpha: 0.3 }, params: { alpha: 0.3 } },
    { onnx: 'Elu', op: 'elu', attrs: { alpha: 0.7 }, params: { alpha: 0.7 } },
    { onnx: 'Selu', op: 'selu', attrs: { alpha: 1.6, gamma: 1.05 }, params: { alpha: 1.6, beta: 1.05 } },
    { onnx: 'Sigmoid', op: 'sigmoid' },
    { onnx: 'HardSigmoid', op: 'hard_sigmoid', attrs: { alpha: 0.25, beta: 0.4 }, params: { alpha: 0.25, beta: 0.4 } },
    { onnx: 'HardSwish', op: 'hard_swish' },
    { onnx: 'Tanh', op: 'tanh' },
    { onnx: 'Softplus', op: 'softplus' },
    { onnx: 'Mish', op: 'mish' },
    { onnx: 'Gelu', op: 'gelu', opset: 20 },
    { onnx: 'Gelu', op: 'gelu_tanh', attrs: { approximate: 'tanh' }, opset: 20 },
    { onnx: 'Erf', op: 'erf' },
    { onnx: 'Exp', op: 'exp' },
    { onnx: 'Log', op: 'log', data: pos },
    { onnx: 'Sqrt', op: 'sqrt', data: pos },
    { onnx: 'Reciprocal', op: 'reciprocal', data: pos },
    { onnx: 'Abs', op: 'abs' },
    { onnx: 'Neg', op: 'neg' },
    { onnx: 'Floor', op: 'floor' },
    { onnx: 'Ceil', op: 'ceil' },
    { onnx: 'Sin', op: 'sin' },
    { onnx: 'Cos', op: 'cos' },
  ];
  for (const c of cases) {
    it(`${c.op} (${c.onnx})`, () =>
      checkLayer({
        op: c.onnx,
        attrs: c.attrs ?? {},
        opset: c.opset ?? 18,
        inputs: [c.data ?? x],
        kind: 'unary',
        params: { op: c.op, ...(c.params ?? {}) },
      }));
  }
  it('clip with both, one or no bounds', async () => {
    const lo = tensor('float32', [], [-0.5]);
    const hi = tensor('float32', [], [1.25]);
    await checkLayer({
      op: 'Clip',
      inputs: [x, lo, hi],
      constants: [1, 2],
      layerInputs: [0],
      kind: 'unary',
      params: { op: 'clip', min: -0.5, max: 1.25 },
    });
    await checkLayer({
      op: 'Clip',
      inputs: [x, lo],
      constants: [1],
      layerInputs: [0],
      kind: 'unary',
      params: { op: 'clip', min: -0.5, max: Infinity },
    });
    await checkLayer({
      op: 'Clip',
      inputs: [x, hi],
      onnxInputs: ['x0', '', 'x1'],
      constants: [1],
      layerInputs: [0],
      kind: 'unary',
      params: { op: 'clip', min: -Infinity, max: 1.25 },
    });
  });
  it('integer abs, neg, clip; bool not', async () => {
    for (const dtype of ['int32', 'int64'] as const) {
      const xi = randomInt([4, 6], 3, -20, 20, dtype);
      await checkLayer({ op: 'Abs', inputs: [xi], kind: 'unary', params: { op: 'abs' } });
      await checkLayer({ op: 'Neg', inputs: [xi], kind: 'unary', params: { op: 'neg' } });
      await checkLayer({
        op: 'Clip',
        inputs: [xi, tensor(dtype, [], [-3]), tensor(dtype, [], [7])],
        constants: [1, 2],
        layerInputs: [0],
        kind: 'unary',
        params: { op: 'clip', min: -3, max: 7 },
      });
    }
    await checkLayer({ op: 'Not', inputs: [randomBool([9], 4)], kind: 'unary', params: { op: 'not' } });
  });
});

describe('cast', () => {
  const floats = tensor('float32', [8], [-3.7, -1.5, -0.2, 0, 0.4, 1.5, 2.5, 120.9]);
  const small = tensor('float32', [6], [0, 0.4, 1.5, 2.9, 100.7, 250.2]); // uint8-safe
  const ints = tensor('int32', [6], [-100, -1, 0, 1, 7, 127]);
  const longs = tensor('int64', [5], [-5, 0, 3, 100000, -70000]);
  const bools = randomBool([6], 1);
  const targets = ['float32', 'float16', 'int32', 'int64', 'int8', 'uint8', 'bool'] as const;
  const code: Record<string, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };
  const bytes = tensor('int8', [6], [-128, -7, 0, 1, 100, 127]);
  const ubytes = tensor('uint8', [6], [0, 1, 7, 128, 200, 255]);
  // Halves that are exact in every target (the engine reads the bits; onnxruntime the same bits).
  const halves = { dtype: 'float16' as const, dims: [6], data: Uint16Array.from([0x0000, 0x3c00, 0xc000, 0x3800, 0x5640, 0xd3d0]) };
  const sources = [
    ['float32', floats],
    ['float16', halves],
    ['int32', ints],
    ['int64', longs],
    ['int8', bytes],
    ['uint8', ubytes],
    ['bool', bools],
  ] as const;
  for (const [label, src] of sources) {
    it(`${label} to every engine dtype`, async () => {
      for (const to of targets) {
        const data = to === 'uint8' && label === 'float32' ? small : src;
        // Negative integers to uint8 (and float16 to uint8) are left out: the engine wraps
        // or saturates by its own rule (network.ts), which onnxruntime does not promise.
        if (to === 'uint8' && !['float32', 'bool', 'uint8'].includes(label)) continue;
        await checkLayer({ op: 'Cast', attrs: { to: code[to]! }, inputs: [data], kind: 'cast', params: { to }, tol: to === 'float16' ? 1e-3 : 0 });
      }
    });
  }

  // Out of a target's range the engine keeps its own rule (network.ts), which onnxruntime does
  // not promise: truncated toward zero, then the range's end past it, NaN 0. The reference is
  // that sentence in BigInt arithmetic; both backends' kernels take the rule from native/layers/cast.h.
  it('float32 to integers: truncated, saturated at the type limits, NaN to 0', async () => {
    const x = tensor(
      'float32',
      [18],
      [NaN, Infinity, -Infinity, 3e9, -3e9, 2147483520, -2147483648, -2147483904, 1e19, -1e19, 300.9, -300.9, 255.5, -128.7, 127.99, -0.5, 0.9, -1.9],
    );
    const limits = { int8: [-128n, 127n], uint8: [0n, 255n], int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n] } as const;
    for (const [to, [lo, hi]] of Object.entries(limits)) {
      const want = Array.from(x.data as Float32Array, (v) => {
        if (Number.isNaN(v)) return 0n;
        if (!Number.isFinite(v)) return v > 0 ? hi : lo;
        const t = BigInt(Math.trunc(v));
        return t > hi ? hi : t < lo ? lo : t;
      });
      const [got] = await runEngine({ op: 'Cast', kind: 'cast', params: { to }, inputs: [x] }, [x], [{ dtype: to as EngineDType, shape: [18] }]);
      expect(
        Array.from(got as ArrayLike<number | bigint>, (v) => BigInt(v)),
        to,
      ).toEqual(want);
    }
  });
});

describe('select', () => {
  it('three-way broadcasting for float32, int64 and uint8 (onnxruntime has no bool Where)', async () => {
    const cond = randomBool([2, 1, 4], 1);
    await checkLayer({ op: 'Where', inputs: [cond, randomFloat([3, 1], 2), randomFloat([4], 3)], kind: 'select', params: {} });
    await checkLayer({
      op: 'Where',
      inputs: [cond, randomInt([3, 4], 4, -9, 9, 'int64'), randomInt([1], 5, -9, 9, 'int64')],
      kind: 'select',
      params: {},
    });
    await checkLayer({
      op: 'Where',
      inputs: [randomBool([5], 6), tensor('uint8', [5], [1, 2, 3, 4, 5]), tensor('uint8', [1], [9])],
      kind: 'select',
      params: {},
    });
  });
});
