/**
 * ConvInteger and MatMulInteger (converters/integer-products.ts) against onnxruntime on the
 * same models and inputs (or a plain loop where onnxruntime refuses the model), through the
 * reference interpreter and the cpu engine: every output equal (tolerance 0: the integer sums
 * are exact), including sums far above 2^24 that the converter cuts into chunks; and onnxruntime's quantize_dynamic
 * pattern (DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul -> Add, then MatMulInteger)
 * compiled whole onto one engine against onnxruntime with its graph optimizations off (the
 * pattern's float Mul/Add as written): within 1e-6 of the output's largest value.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type ModelSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { HAS_NATIVE } from '../helpers/skip.js';
import { Engine } from '../../src/engine/engine.js';
import { loadNative } from '../../src/engine/native.js';
import { checkAgainstOrt, convertGraph, emitted, random, runOrt, tensor, verdict } from './helpers/harness.js';
import { buildGraph } from '../../src/ir/model-builder.js';

const exact = { rtol: 0, atol: 0 };

function oneNode(
  op: string,
  opset: number,
  inputs: Array<{ name: string; dtype: 'float32' | 'uint8' | 'int8'; shape: number[] }>,
  params: Record<string, TensorData>,
  attrs = {},
  outs = ['y'],
): ModelSpec {
  return {
    opset,
    inputs,
    outputs: outs.map((name) => ({ name })),
    initializers: params,
    nodes: [{ op, inputs: [...inputs.map((i) => i.name), ...Object.keys(params)], outputs: outs, attrs }],
  };
}

/** ConvInteger by plain loops (2-d, NCHW): int32 sums of (x - zx)(w - zw[m]), pads contributing 0. */
function convReference(x: TensorData, zx: number, w: TensorData, zw: number[], groups: number, strides: number[], pads: number[]): TensorData {
  const [n, c, h, wd] = x.dims as [number, number, number, number];
  const [m, cg, kh, kw] = w.dims as [number, number, number, number];
  const oh = Math.floor((h + pads[0]! + pads[2]! - kh) / strides[0]!) + 1;
  const ow = Math.floor((wd + pads[1]! + pads[3]! - kw) / strides[1]!) + 1;
  const xs = x.data as Uint8Array;
  const ws = w.data as Uint8Array;
  const out = new Int32Array(n * m * oh * ow);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < m; o++) {
      const g = Math.floor(o / (m / groups));
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = 0;
          for (let ci = 0; ci < cg; ci++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const y = i * strides[0]! - pads[0]! + p;
                const z = j * strides[1]! - pads[1]! + q;
                if (y < 0 || y >= h || z < 0 || z >= wd) continue;
                s += (xs[((b * c + g * cg + ci) * h + y) * wd + z]! - zx) * (ws[((o * cg + ci) * kh + p) * kw + q]! - zw[o]!);
              }
          out[((b * m + o) * oh + i) * ow + j] = s;
        }
    }
  return { dtype: 'int32', dims: [n, m, oh, ow], data: out };
}

describe('ConvInteger', () => {
  it('sums far above 2^24 cut into chunks of input channels, each exact: equal to onnxruntime', async () => {
    // w - 0 in [200, 255] and x - 0 in [200, 255]: each output sums 512 * 9 products near 2^15.5 (about 2.6e8).
    const w = random('uint8', [4, 512, 3, 3], 4, 200, 256);
    const x = random('uint8', [1, 512, 5, 5], 5, 200, 256);
    const spec = oneNode(
      'ConvInteger',
      10,
      [{ name: 'x', dtype: 'uint8', shape: x.dims }],
      { w, xz: tensor('uint8', [], [0]), wz: tensor('uint8', [], [0]) },
      { pads: [1, 1, 1, 1] },
    );
    const convs = emitted({
      op: 'ConvInteger',
      opset: 10,
      attrs: { pads: [1, 1, 1, 1] },
      inputs: [['uint8', x.dims], w, tensor('uint8', [], [0]), tensor('uint8', [], [0])],
      outputs: [['int32', [1, 4, 5, 5]]],
    }).filter((l) => l.kind === 'convolution');
    // 255 * sum |w| per output channel is about 2.7e8, 16 times 2^24: at least 16 chunks.
    expect(convs.length).toBeGreaterThanOrEqual(16);
    await checkAgainstOrt({ spec, feeds: { x }, ...exact });
  });

  it.runIf(HAS_NATIVE)("a build that allows fp16 keeps the float convolutions in fp32 (their sums pass fp16's range): still equal", async () => {
    const w = random('uint8', [4, 512, 3, 3], 4, 200, 256);
    const x = random('uint8', [1, 512, 5, 5], 5, 200, 256);
    const graph = buildGraph(oneNode('ConvInteger', 10, [{ name: 'x', dtype: 'uint8', shape: x.dims }], { w }, { pads: [1, 1, 1, 1] }));
    const want = (await runOrt(graph, { x })).y!;
    graph.types.set('y', { dtype: 'int32', shape: want.dims });
    const net = convertGraph(graph);
    // The native build directly: the TypeScript buildEngine keeps the cpu backend in fp32.
    const engine = new Engine(await loadNative().buildEngine(net, { backend: 'cpu', threads: 1, precisions: ['fp16'] }));
    try {
      const convs = engine.info().layers.filter((l) => l.kind === 'convolution');
      expect(convs.length).toBeGreaterThanOrEqual(16);
      for (const l of convs)
        expect([l.precision, l.precisionNote]).toEqual(['fp32', 'kept fp32: an integer product (read as int32) must stay exact']);
      const [got] = (await engine.createContext().run({ x: x.data as Uint8Array })) as Int32Array[];
      expect(Array.from(got!)).toEqual(Array.from(want.data as Int32Array));
    } finally {
      engine.dispose();
    }
  });

  it('zero points (x per tensor, w per output channel), strides, padding, groups; int8 x and w', async () => {
    const x = random('uint8', [2, 6, 7, 6], 6, 0, 256);
    const w = random('uint8', [4, 3, 3, 2], 7, 0, 256);
    const zw = [0, 17, 128, 255];
    const attrs = { group: 2, strides: [2, 1], pads: [1, 0, 2, 1] };
    const spec = oneNode(
      'ConvInteger',
      10,
      [{ name: 'x', dtype: 'uint8', shape: x.dims }],
      { w, xz: tensor('uint8', [], [131]), wz: tensor('uint8', [4], zw) },
      attrs,
    );
    // onnxruntime takes a per-tensor w zero point only: a plain loop is the reference here.
    await checkAgainstOrt({ spec, feeds: { x }, expected: { y: convReference(x, 131, w, zw, 2, [2, 1], [1, 0, 2, 1]) }, ...exact });
    // The loop agrees with onnxruntime where both run (a per-tensor zero point).
    const perTensor = oneNode(
      'ConvInteger',
      10,
      [{ name: 'x', dtype: 'uint8', shape: x.dims }],
      { w, xz: tensor('uint8', [], [131]), wz: tensor('uint8', [], [17]) },
      attrs,
    );
    await checkAgainstOrt({ spec: perTensor, feeds: { x }, ...exact });
    await checkAgainstOrt({
      spec: perTensor,
      feeds: { x },
      expected: { y: convReference(x, 131, w, [17, 17, 17, 17], 2, [2, 1], [1, 0, 2, 1]) },
      ...exact,
    });
    const xi = random('int8', [1, 3, 6, 6], 8, -128, 128);
    const wi = random('int8', [2, 3, 3, 3], 9, -128, 128);
    await checkAgainstOrt({
      spec: oneNode('ConvInteger', 10, [{ name: 'x', dtype: 'int8', shape: xi.dims }], { w: wi }, { auto_pad: 'SAME_UPPER' }),
      feeds: { x: xi },
      ...exact,
    });
  });

  it('refuses several groups whose sums may pass 2^24, saying why', () => {
    const w = tensor('uint8', [2, 300, 3, 3], new Array<number>(2 * 300 * 9).fill(255));
    const v = verdict({
      op: 'ConvInteger',
      opset: 10,
      attrs: { group: 2 },
      inputs: [['uint8', [1, 600, 4, 4]], w],
      outputs: [['int32', [1, 2, 2, 2]]],
    });
    expect(v).toMatchObject({ ok: false, reason: expect.stringContaining('with group=2 the sums may pass 2^24') });
  });
});

describe('MatMulInteger', () => {
  it('constant B with per-column zero points, k cut into chunks; B computed at run time (k in chunks of 258); int8 A', async () => {
    const a = random('uint8', [2, 3, 700], 10, 0, 256);
    const b = random('uint8', [700, 5], 11, 0, 256);
    const zb = tensor('uint8', [5], [0, 1, 128, 200, 255]);
    await checkAgainstOrt({
      spec: oneNode('MatMulInteger', 10, [{ name: 'a', dtype: 'uint8', shape: a.dims }], { b, za: tensor('uint8', [], [7]), zb }),
      feeds: { a },
      ...exact,
    });
    const layers = emitted({
      op: 'MatMulInteger',
      opset: 10,
      inputs: [
        ['uint8', [4, 600]],
        ['uint8', [600, 3]],
      ],
      outputs: [['int32', [4, 3]]],
    });
    expect(layers.filter((l) => l.kind === 'matmul').length).toBe(3); // 258 + 258 + 84
    const a2 = random('uint8', [4, 600], 12, 0, 256);
    const b2 = random('uint8', [600, 3], 13, 0, 256);
    const spec = oneNode(
      'MatMulInteger',
      10,
      [
        { name: 'a', dtype: 'uint8', shape: [4, 600] },
        { name: 'b', dtype: 'uint8', shape: [600, 3] },
      ],
      {},
    );
    await checkAgainstOrt({ spec, feeds: { a: a2, b: b2 }, ...exact });
    const ai = random('int8', [3, 40], 14, -128, 128);
    const bi = random('int8', [40, 6], 15, -128, 128);
    await checkAgainstOrt({
      spec: oneNode('MatMulInteger', 10, [{ name: 'a', dtype: 'int8', shape: ai.dims }], { b: bi, za: tensor('int8', [], [-3]) }),
      feeds: { a: ai },
      ...exact,
    });
  });
});

/**
 * What onnxruntime's quantize_dynamic writes for a Conv (uint8 weights with a zero point, one
 * scale) and a MatMul (int8 weights, per-column scales folded into the Mul): the scales and
 * weights made up here, the structure quantize_dynamic's.
 */
function dynamicModel(): ModelSpec {
  const w = random('uint8', [8, 4, 3, 3], 20, 0, 256);
  const b = random('int8', [8 * 6 * 6, 10], 21, -127, 128);
  return {
    opset: 15,
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4, 6, 6] }],
    outputs: [{ name: 'y' }],
    initializers: {
      w,
      w_zp: tensor('uint8', [], [121]),
      w_scale: tensor('float32', [], [0.0123]),
      bias: random('float32', [1, 8, 1, 1], 22, -1, 1),
      b,
      b_scale: random('float32', [10], 23, 0.001, 0.01),
      shape: tensor('int64', [2], [1, 8 * 6 * 6]),
    },
    nodes: [
      { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xz'] },
      { op: 'Mul', inputs: ['xs', 'w_scale'], outputs: ['cs'] },
      { op: 'ConvInteger', inputs: ['xq', 'w', 'xz', 'w_zp'], outputs: ['ci'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Cast', inputs: ['ci'], outputs: ['cf'], attrs: { to: 1 } },
      { op: 'Mul', inputs: ['cf', 'cs'], outputs: ['cm'] },
      { op: 'Add', inputs: ['cm', 'bias'], outputs: ['ca'] },
      { op: 'Relu', inputs: ['ca'], outputs: ['r'] },
      { op: 'Reshape', inputs: ['r', 'shape'], outputs: ['f'] },
      { op: 'DynamicQuantizeLinear', inputs: ['f'], outputs: ['fq', 'fs', 'fz'] },
      { op: 'Mul', inputs: ['fs', 'b_scale'], outputs: ['ms'] },
      { op: 'MatMulInteger', inputs: ['fq', 'b', 'fz'], outputs: ['mi'] },
      { op: 'Cast', inputs: ['mi'], outputs: ['mf'], attrs: { to: 1 } },
      { op: 'Mul', inputs: ['mf', 'ms'], outputs: ['y'] },
    ],
  };
}

describe("onnxruntime's quantize_dynamic pattern", () => {
  it.runIf(HAS_NATIVE)('runs on one engine and equals onnxruntime (optimizations off) within 1e-6 of the output scale', async () => {
    const bytes = encodeModel(buildModel(dynamicModel()));
    const x = random('float32', [1, 4, 6, 6], 24, -2, 3);
    const feeds = { x: toOrtTensor(x, 'x') };
    const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true });
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, logSeverityLevel: 3 });
    try {
      expect(m.report.data.summary.engineSegments).toBe(1);
      expect(m.report.data.summary.fallbackSegments).toBe(0);
      const got = (await m.run(feeds)).y!.data as Float32Array;
      const want = (await session.run(feeds)).y!.data as Float32Array;
      const scale = Math.max(...Array.from(want, Math.abs));
      const worst = Math.max(...Array.from(want, (v, i) => Math.abs(v - got[i]!)));
      expect(scale).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1e-6 * scale);
    } finally {
      await session.release();
      await m.dispose();
    }
  });
});
