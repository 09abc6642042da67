/**
 * QuantizeLinear / DequantizeLinear (converters/quantize.ts): per tensor and per axis, int8
 * and uint8, with and without zero points, at opsets 10, 13, 19 and 21, each against
 * onnxruntime on the same model and inputs (through the reference interpreter and, where the
 * addon is built, the cpu engine; quantized outputs must be equal: tolerance 0); and what
 * is refused (block quantization, int16 and narrower types, per-axis scales before opset 13)
 * with the reason.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type ModelSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import { HAS_NATIVE } from '../helpers/skip.js';
import { ortRun } from '../runtime/helpers.js';
import type { DType } from '../../src/onnx/dtype.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { float32ToFloat16Bits } from '../../src/onnx/half.js';
import { checkAgainstOrt, emitted, random, tensor, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

/** x values that land on .5 steps of the scale (round half to even), beyond the int range (saturation), and NaN-free randoms. */
function probe(dims: number[], scale: number, seed: number): TensorData {
  const r = random('float32', dims, seed, -300 * scale, 300 * scale);
  const data = r.data as Float32Array;
  const halves = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 127.5, -128.5, 254.5, 1000, -1000];
  halves.forEach((h, i) => {
    if (i < data.length) data[i] = h * scale;
  });
  return r;
}

/** A one-node model: x (a graph input), then constant inputs. */
function model(op: string, opset: number, x: { dtype: DType; shape: number[] }, params: Record<string, TensorData>, attrs = {}): ModelSpec {
  return {
    opset,
    inputs: [{ name: 'x', dtype: x.dtype, shape: x.shape }],
    outputs: [{ name: 'y' }],
    initializers: params,
    nodes: [{ op, inputs: ['x', ...Object.keys(params)], outputs: ['y'], attrs }],
  };
}

const exact = { rtol: 0, atol: 0 };

/**
 * compile() on the cpu backend with every node on an engine, against onnxruntime on the same
 * model: the largest difference at most `tol` times the largest |reference| value.
 */
async function onEngine(spec: ModelSpec, feeds: Record<string, TensorData>, tol: number): Promise<void> {
  if (!HAS_NATIVE) return;
  const bytes = encodeModel(buildModel(spec));
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrtTensor(v, k)]));
  const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true, minBlockSize: 0 });
  try {
    expect(m.report.data.summary.fallbackSegments).toBe(0);
    const got = (await m.run(ortFeeds)).y!.data as Float32Array;
    const want = (await ortRun(bytes, ortFeeds)).y!.data as Float32Array;
    const scale = Math.max(...Array.from(want, Math.abs));
    const worst = Math.max(...Array.from(want, (w, i) => Math.abs(w - got[i]!)));
    expect(worst).toBeLessThanOrEqual(tol * scale);
  } finally {
    await m.dispose();
  }
}

describe('QuantizeLinear', () => {
  it('per tensor, uint8 with a zero point (opset 10): round half to even and saturation as onnxruntime', async () => {
    const spec = model(
      'QuantizeLinear',
      10,
      { dtype: 'float32', shape: [4, 8] },
      {
        s: tensor('float32', [], [0.02]),
        zp: tensor('uint8', [], [128]),
      },
    );
    await checkAgainstOrt({ spec, feeds: { x: probe([4, 8], 0.02, 1) }, ...exact });
  });

  it('per axis, int8 with zero points along axis 1 (opset 13), and along a negative axis', async () => {
    const s = tensor('float32', [3], [0.01, 0.05, 0.2]);
    const zp = tensor('int8', [3], [0, -3, 7]);
    await checkAgainstOrt({
      spec: model('QuantizeLinear', 13, { dtype: 'float32', shape: [2, 3, 4] }, { s, zp }),
      feeds: { x: probe([2, 3, 4], 0.05, 2) },
      ...exact,
    });
    const layers = emitted({ op: 'QuantizeLinear', opset: 13, attrs: { axis: -1 }, inputs: [f32([4, 3]), s, zp], outputs: [['int8', [4, 3]]] });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([['quantize', { axis: 1 }]]);
    await checkAgainstOrt({
      spec: model('QuantizeLinear', 13, { dtype: 'float32', shape: [4, 3] }, { s, zp }, { axis: -1 }),
      feeds: { x: probe([4, 3], 0.05, 3) },
      ...exact,
    });
  });

  it('without a zero point: uint8 (opset 13), or the output_dtype int8 (opset 21)', async () => {
    const s = { s: tensor('float32', [], [0.1]) };
    await checkAgainstOrt({ spec: model('QuantizeLinear', 13, { dtype: 'float32', shape: [16] }, s), feeds: { x: probe([16], 0.1, 4) }, ...exact });
    await checkAgainstOrt({
      spec: model('QuantizeLinear', 21, { dtype: 'float32', shape: [16] }, s, { output_dtype: 3 }),
      feeds: { x: probe([16], 0.1, 5) },
      ...exact,
    });
  });

  it('a one-element [1] scale with a scalar zero point is per tensor', async () => {
    const spec = model(
      'QuantizeLinear',
      13,
      { dtype: 'float32', shape: [2, 5] },
      { s: tensor('float32', [1], [0.03]), zp: tensor('int8', [], [-4]) },
    );
    await checkAgainstOrt({ spec, feeds: { x: probe([2, 5], 0.03, 6) }, ...exact });
  });

  it('refuses block quantization, int16 and float8 outputs, and per-axis scales before opset 13, saying why', () => {
    const blocked = verdict({
      op: 'QuantizeLinear',
      opset: 21,
      attrs: { axis: 1, block_size: 2 },
      inputs: [f32([3, 4]), tensor('float32', [3, 2], [1, 1, 1, 1, 1, 1])],
      outputs: [['uint8', [3, 4]]],
    });
    expect(blocked).toEqual({
      ok: false,
      reason:
        'QuantizeLinear: block quantization (block_size 2) is not supported: the quantize layers take one scale per tensor or per axis, not per block',
    });
    const int16 = verdict({ op: 'QuantizeLinear', opset: 21, inputs: [f32([4]), tensor('float32', [], [1])], outputs: [['int16' as 'int32', [4]]] });
    expect(int16).toMatchObject({ ok: false, reason: expect.stringContaining('int16') });
    const fp8 = verdict({
      op: 'QuantizeLinear',
      opset: 21,
      attrs: { output_dtype: 17 },
      inputs: [f32([4]), tensor('float32', [], [1])],
      outputs: [null],
    });
    expect(fp8.ok).toBe(false);
    const perAxis10 = verdict({
      op: 'QuantizeLinear',
      opset: 10,
      inputs: [f32([2, 3]), tensor('float32', [3], [1, 2, 3])],
      outputs: [['uint8', [2, 3]]],
    });
    expect(perAxis10).toEqual({ ok: false, reason: "QuantizeLinear: input 'in1' has shape [3]; before opset 13 the scale is a scalar (per tensor)" });
    const wrongLength = verdict({
      op: 'QuantizeLinear',
      opset: 13,
      inputs: [f32([2, 3]), tensor('float32', [2], [1, 2])],
      outputs: [['uint8', [2, 3]]],
    });
    expect(wrongLength).toEqual({
      ok: false,
      reason: "QuantizeLinear: input 'in1' has 2 elements; per-axis quantization along axis 1 needs 3",
    });
  });
});

describe('DequantizeLinear', () => {
  it('per tensor: uint8 with a zero point (opset 10), int32 without (opset 13)', async () => {
    await checkAgainstOrt({
      spec: model('DequantizeLinear', 10, { dtype: 'uint8', shape: [3, 5] }, { s: tensor('float32', [], [0.37]), zp: tensor('uint8', [], [131]) }),
      feeds: { x: random('uint8', [3, 5], 7, 0, 255) },
      ...exact,
    });
    await checkAgainstOrt({
      spec: model('DequantizeLinear', 13, { dtype: 'int32', shape: [6] }, { s: tensor('float32', [], [0.001]) }),
      feeds: { x: random('int32', [6], 8, -100000, 100000) },
      ...exact,
    });
  });

  it('per axis: int8 weights along axis 0 (a constant x, as Q/DQ models hold weights), through compile() on an engine', async () => {
    const spec: ModelSpec = {
      opset: 13,
      inputs: [{ name: 'a', shape: [4, 2, 3] }],
      outputs: [{ name: 'y' }],
      initializers: {
        w: random('int8', [4, 2, 3], 9, -128, 127),
        s: tensor('float32', [4], [0.5, 0.25, 0.125, 0.01]),
        zp: tensor('int8', [4], [0, 1, -2, 3]),
      },
      nodes: [
        { op: 'DequantizeLinear', inputs: ['w', 's', 'zp'], outputs: ['wf'], attrs: { axis: 0 } },
        { op: 'Add', inputs: ['wf', 'a'], outputs: ['y'] },
      ],
    };
    await onEngine(spec, { a: random('float32', [4, 2, 3], 10) }, 0);
  });

  it('a float16 scale gives a float16 output (opset 19)', async () => {
    const s: TensorData = { dtype: 'float16', dims: [2], data: Uint16Array.from([0.5, 0.0625].map(float32ToFloat16Bits)) };
    await checkAgainstOrt({
      spec: model('DequantizeLinear', 19, { dtype: 'int8', shape: [2, 4] }, { s }, { axis: 0 }),
      feeds: { x: random('int8', [2, 4], 11, -128, 127) },
      ...exact,
    });
  });

  it('Q then DQ (fake quantization) around a Conv with per-channel int8 weights, as onnxruntime computes it', async () => {
    const spec: ModelSpec = {
      opset: 13,
      inputs: [{ name: 'x', shape: [1, 3, 6, 6] }],
      outputs: [{ name: 'y' }],
      initializers: {
        s: tensor('float32', [], [0.04]),
        zp: tensor('uint8', [], [128]),
        w: random('int8', [4, 3, 3, 3], 13, -127, 127),
        ws: tensor('float32', [4], [0.01, 0.02, 0.005, 0.03]),
        wzp: tensor('int8', [4], [0, 0, 0, 0]),
      },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 's', 'zp'], outputs: ['q'] },
        { op: 'DequantizeLinear', inputs: ['q', 's', 'zp'], outputs: ['xf'] },
        { op: 'DequantizeLinear', inputs: ['w', 'ws', 'wzp'], outputs: ['wf'], attrs: { axis: 0 } },
        { op: 'Conv', inputs: ['xf', 'wf'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } },
      ],
    };
    // The engine's convolution sums in another order than onnxruntime's (the quantized inputs
    // are equal): 1e-5 of the output's scale.
    await onEngine(spec, { x: probe([1, 3, 6, 6], 0.04, 12) }, 1e-5);
  });

  it('refuses block quantization, int16 inputs and a zero point of another type, saying why', () => {
    const blocked = verdict({
      op: 'DequantizeLinear',
      opset: 21,
      attrs: { axis: 1, block_size: 2 },
      inputs: [['uint8', [1, 4]], tensor('float32', [1, 2], [1, 1])],
      outputs: [f32([1, 4])],
    });
    expect(blocked).toMatchObject({ ok: false, reason: expect.stringContaining('block quantization (block_size 2) is not supported') });
    const int16 = verdict({
      op: 'DequantizeLinear',
      opset: 21,
      inputs: [['int16' as 'int32', [4]], tensor('float32', [], [1])],
      outputs: [f32([4])],
    });
    expect(int16).toEqual({ ok: false, reason: "DequantizeLinear: input 'in0' has dtype int16, which engines do not hold" });
    const zp = verdict({
      op: 'DequantizeLinear',
      opset: 13,
      inputs: [['int8', [4]], tensor('float32', [], [1]), tensor('uint8', [], [0])],
      outputs: [f32([4])],
    });
    expect(zp).toEqual({ ok: false, reason: "DequantizeLinear: input 'in2' has dtype uint8; expected x's int8" });
  });
});
