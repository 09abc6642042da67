/**
 * Edges of the qdq pass on the cpu backend, against onnxruntime's run of the Q/DQ model as
 * written (its optimizations off):
 * - a residual add whose dequantized input is the convolution's own input, conv(xd) + xd (the
 *   int8 residual and input 0 one tensor), int8 and uint8: within one output step;
 * - asymmetric pads (SAME_UPPER at stride 2, and pads 1/2 on a 3-channel input): within one
 *   output step (the cuda kernel takes them too: test/gpu/int8.test.ts);
 * - quantize() on a block of one convolution, conv(t) + t, and on an add of two convolution
 *   outputs one of which a later convolution reads: within 1% of the output's largest value
 *   (a few quantization steps of the last activations);
 * - dequantize layers of constants folded into float32 constants: per axis with a negative
 *   axis, uint8 zero points up to 255, int32 values past 2^24, and one read as a network
 *   output: bit-equal.
 */
import ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { quantize } from '../../src/quantize/quantize.js';
import { mulberry32, uniform } from '../../src/util/random.js';
import { fanInWeights, smoothImage, runOrtY, worst } from './helpers.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { int8Weights, scalar, zero } from './residual-qdq.js';

function selfResidual(shape: number[], type: 'int8' | 'uint8', zx: number, zy: number): Uint8Array {
  const c = shape[1]!;
  const w = int8Weights(mulberry32(3), [c, c, 3, 3]);
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape }],
      outputs: [{ name: 'y' }],
      initializers: {
        wq: w.q,
        ws: w.s,
        sx: scalar(1 / 48),
        zx: zero(type, zx),
        sy: scalar(1 / 24),
        zy: zero(type, zy),
      },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
        { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
        { op: 'DequantizeLinear', inputs: ['wq', 'ws'], outputs: ['w'], attrs: { axis: 0 } },
        { op: 'Conv', inputs: ['xd', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Add', inputs: ['xd', 'c'], outputs: ['s'] },
        { op: 'QuantizeLinear', inputs: ['s', 'sy', 'zy'], outputs: ['yq'] },
        { op: 'DequantizeLinear', inputs: ['yq', 'sy', 'zy'], outputs: ['y'] },
      ],
    }),
  );
}

function asymConv(pads: number[], stride: number, c: number, k: number): Uint8Array {
  const m = 16;
  const w = int8Weights(mulberry32(5), [m, c, k, k]);
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, c, 10, 9] }],
      outputs: [{ name: 'y' }],
      initializers: {
        wq: w.q,
        ws: w.s,
        sx: scalar(1 / 48),
        zx: zero('uint8', 9),
        sy: scalar(1 / 24),
        zy: zero('int8', 0),
      },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
        { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
        { op: 'DequantizeLinear', inputs: ['wq', 'ws'], outputs: ['w'], attrs: { axis: 0 } },
        { op: 'Conv', inputs: ['xd', 'w'], outputs: ['c'], attrs: { kernel_shape: [k, k], pads, strides: [stride, stride] } },
        { op: 'QuantizeLinear', inputs: ['c', 'sy', 'zy'], outputs: ['yq'] },
        { op: 'DequantizeLinear', inputs: ['yq', 'sy', 'zy'], outputs: ['y'] },
      ],
    }),
  );
}

describe('qdq pass edges (cpu)', () => {
  for (const [pads, stride, c, k] of [
    [[0, 0, 1, 1], 2, 32, 3],
    [[1, 1, 2, 2], 1, 3, 4],
  ] as const) {
    itIf(HAS_NATIVE, `asymmetric pads ${pads.join(',')}`, NATIVE_MISSING, async () => {
      const model = asymConv([...pads], stride, c, k);
      const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
      try {
        expect(m.report.engines[0]!.build.int8Layers).toBe(1);
        const x = smoothImage([2, c, 10, 9], 1, 0.31, 0.6);
        const got = (await m.run({ x })).y!.data as Float32Array;
        const ref = await runOrtY(model, x, false);
        expect(worst(got, ref)).toBeLessThanOrEqual((1 / 24) * 1.001);
      } finally {
        await m.dispose();
      }
    });
  }

  for (const [type, zx, zy] of [
    ['int8', 0, 0],
    ['uint8', 100, 30],
  ] as const) {
    itIf(HAS_NATIVE, `conv(xd) + xd, ${type}`, NATIVE_MISSING, async () => {
      const shape = [2, 8, 9, 7];
      const model = selfResidual(shape, type, zx, zy);
      const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
      try {
        const e = m.report.engines[0]!;
        expect(e.build.int8Layers).toBe(1);
        const x = smoothImage(shape, 1, 0.31, 0.6);
        const got = (await m.run({ x })).y!.data as Float32Array;
        const ref = await runOrtY(model, x, false);
        expect(worst(got, ref)).toBeLessThanOrEqual((1 / 24) * 1.001);
      } finally {
        await m.dispose();
      }
    });
  }

  itIf(HAS_NATIVE, 'quantize(): one-conv block and a two-conv-output add', NATIVE_MISSING, async () => {
    const weight = fanInWeights(9);
    const fp32 = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [2, 3, 10, 10] }],
        outputs: [{ name: 'y' }],
        initializers: {
          W0: weight([8, 3, 3, 3]),
          W1: weight([8, 8, 3, 3]),
          W2: weight([8, 8, 1, 1]),
          W3: weight([8, 8, 3, 3]),
          W4: weight([4, 8, 3, 3]),
        },
        nodes: [
          { op: 'Conv', inputs: ['x', 'W0'], outputs: ['c0'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Relu', inputs: ['c0'], outputs: ['t'] },
          { op: 'Conv', inputs: ['t', 'W1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Add', inputs: ['t', 'c1'], outputs: ['s1'] },
          { op: 'Relu', inputs: ['s1'], outputs: ['u'] },
          { op: 'Conv', inputs: ['u', 'W2'], outputs: ['a'] },
          { op: 'Conv', inputs: ['u', 'W3'], outputs: ['b'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Add', inputs: ['a', 'b'], outputs: ['s2'] },
          { op: 'Conv', inputs: ['a', 'W4'], outputs: ['d'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Conv', inputs: ['s2', 'W4'], outputs: ['e'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Add', inputs: ['d', 'e'], outputs: ['y'] },
        ],
      }),
    );
    const img = (k: number) => smoothImage([2, 3, 10, 10], k, 0.2, 0.4);
    const q = await quantize(fp32, { data: Array.from({ length: 6 }, (_, k) => ({ x: img(k) })), method: 'minmax', progress: false });
    const g = Graph.fromModel(q.model);
    // The one-convolution block's add reads t's dequantized value; the two-output add keeps a
    // in float (its quantized reader comes after it).
    expect(g.nodes.find((n) => n.outputs[0] === 's1')!.inputs).toContain('t_DequantizeLinear_Output');
    expect(g.nodes.find((n) => n.outputs[0] === 's2')!.inputs).toEqual(['a', 'b']);
    const bytes = encodeModel(q.model);
    const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true });
    try {
      expect(m.report.engines[0]!.build.int8Layers).toBe(6);
      for (const seed of [11, 12]) {
        const x = img(seed);
        const got = (await m.run({ x })).y!.data as Float32Array;
        const ref = await runOrtY(bytes, x, false);
        expect(worst(got, ref)).toBeLessThanOrEqual(0.01 * Math.max(...Array.from(ref, Math.abs)));
      }
    } finally {
      await m.dispose();
    }
  });
});

describe('constant dequantize fold (cpu)', () => {
  itIf(HAS_NATIVE, 'per-axis (negative axis), zero points, int32, an output', NATIVE_MISSING, async () => {
    const r = mulberry32(8);
    const shape = [2, 4, 3, 5];
    const n = 2 * 4 * 3 * 5;
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape }],
        outputs: [{ name: 'y' }, { name: 'd3' }],
        initializers: {
          c1: { dtype: 'uint8', dims: shape, data: Uint8Array.from({ length: n }, () => Math.floor(uniform(r, 0, 256))) },
          s1: { dtype: 'float32', dims: [4], data: Float32Array.from({ length: 4 }, () => uniform(r, 0.001, 0.1)) },
          z1: { dtype: 'uint8', dims: [4], data: Uint8Array.of(0, 17, 128, 255) },
          c2: { dtype: 'int32', dims: [5], data: Int32Array.from({ length: 5 }, () => Math.round(uniform(r, -3e7, 3e7))) },
          s2: { dtype: 'float32', dims: [], data: Float32Array.of(0.00037) },
          c3: { dtype: 'int8', dims: [3, 5], data: Int8Array.from({ length: 15 }, () => Math.round(uniform(r, -128, 127))) },
          s3: { dtype: 'float32', dims: [5], data: Float32Array.from({ length: 5 }, () => uniform(r, 0.01, 0.2)) },
          z3: { dtype: 'int8', dims: [5], data: Int8Array.of(-128, -3, 0, 5, 127) },
        },
        nodes: [
          { op: 'DequantizeLinear', inputs: ['c1', 's1', 'z1'], outputs: ['d1'], attrs: { axis: -3 } },
          { op: 'DequantizeLinear', inputs: ['c2', 's2'], outputs: ['d2'] },
          { op: 'DequantizeLinear', inputs: ['c3', 's3', 'z3'], outputs: ['d3'], attrs: { axis: -1 } },
          { op: 'Add', inputs: ['x', 'd1'], outputs: ['a'] },
          { op: 'Mul', inputs: ['a', 'd2'], outputs: ['b'] },
          { op: 'Add', inputs: ['b', 'd3'], outputs: ['y'] },
        ],
      }),
    );
    const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
    try {
      expect(m.report.engines[0]!.layerKinds.dequantize).toBeUndefined();
      const x = smoothImage(shape, 1, 0.31, 0.6);
      const out = await m.run({ x });
      const s = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
      const ref = await s.run({ x }).finally(() => s.release());
      expect(Array.from(out.y!.data as Float32Array)).toEqual(Array.from(ref.y!.data as Float32Array));
      expect(Array.from(out.d3!.data as Float32Array)).toEqual(Array.from(ref.d3!.data as Float32Array));
    } finally {
      await m.dispose();
    }
  });
});
