/**
 * The int8 tests' small CNNs and their inputs (test/quantize, test/compiler/int8.test.ts): seeded
 * weights scaled by the fan-in, and smooth images with noise, so that calibration batches and
 * held-out inputs come from one distribution; and the precision policy's deliberately
 * sensitive CNN (sensitiveCnn).
 */
import ort from 'onnxruntime-node';
import { type ModelSpec, buildModel } from '../../src/ir/model-builder.js';
import type { ModelProto } from '../../src/onnx/proto.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { mulberry32, uniform } from '../../src/util/random.js';

/**
 * A weight maker on one seeded stream: each call, an initializer of `dims` uniform in [lo, hi)
 * divided by the fan-in (mostly positive by default, so that a layer's outputs add up rather
 * than cancel, as a trained filter bank's do).
 */
export function fanInWeights(seed: number): (dims: number[], lo?: number, hi?: number) => { dtype: 'float32'; dims: number[]; data: Float32Array } {
  const r = mulberry32(seed);
  return (dims, lo = -1, hi = 2) => {
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
    return { dtype: 'float32', dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => uniform(r, lo, hi) / fanIn) };
  };
}

/** An image batch of `shape`: sin(freq * i + seed) + noise * uniform(-1, 1) over its elements. */
export function smoothImage(shape: number[], seed: number, freq: number, noise: number): ort.Tensor {
  const g = mulberry32(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(freq * i + seed) + noise * uniform(g, -1, 1);
  return new ort.Tensor('float32', data, shape);
}

/**
 * The precision policy's model (test/quantize/policy.test.ts, quantize.test.ts, the CLI's): a
 * small CNN (x [2,3,12,12] -> conv1 -> Relu -> conv2 -> Relu -> conv3 -> Relu -> pool ->
 * Flatten -> gemm -> y [2,10]) whose first convolution has one output channel 1000x the
 * others, so that the per-tensor int8 scale of the activation entering the second convolution
 * rounds every other channel to zero (conv2 ignores the outlier channel: in fp32 it costs
 * nothing); and its calibration data, six batches of smooth images.
 */
export function sensitiveCnn(): { spec: ModelSpec; data: Array<{ x: ort.Tensor }> } {
  const N = 2;
  const weight = fanInWeights(7);
  const W1 = weight([8, 3, 3, 3]);
  for (let i = 0; i < 27; i++) W1.data[i]! *= 1000; // output channel 0: the outlier
  const W2 = weight([8, 8, 3, 3]);
  for (let o = 0; o < 8; o++) W2.data.fill(0, o * 72, o * 72 + 9); // conv2 reads no input channel 0
  const spec: ModelSpec = {
    opset: 13,
    inputs: [{ name: 'x', shape: [N, 3, 12, 12] }],
    outputs: [{ name: 'y' }],
    initializers: {
      W1,
      B1: weight([8], -0.1, 0.1),
      W2,
      B2: weight([8], -0.01, 0.01),
      W3: weight([8, 8, 3, 3]),
      W4: weight([10, 8], -1, 1),
      B4: weight([10], 0, 0),
    },
    nodes: [
      { op: 'Conv', name: 'conv1', inputs: ['x', 'W1', 'B1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', name: 'conv2', inputs: ['r1', 'W2', 'B2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'Conv', name: 'conv3', inputs: ['r2', 'W3'], outputs: ['c3'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c3'], outputs: ['r3'] },
      { op: 'GlobalAveragePool', inputs: ['r3'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', name: 'gemm', inputs: ['f', 'W4', 'B4'], outputs: ['y'], attrs: { transB: 1 } },
    ],
  };
  const data = Array.from({ length: 6 }, (_, k) => ({ x: smoothImage([N, 3, 12, 12], k, 0.2, 0.4) }));
  return { spec, data };
}

/** The cosine of all of `got`'s values (every batch's, concatenated) with all of `ref`'s, computed plainly. */
export function cosineOf(got: Float32Array[], ref: Float32Array[]): number {
  const a = got.flatMap((t) => [...t]);
  const b = ref.flatMap((t) => [...t]);
  const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
  return dot / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
}

/** Output y of a model on onnxruntime for each feed, with its graph optimizations on or off. */
export async function ortYs(model: Uint8Array, feeds: Array<Record<string, ort.Tensor>>, optimize: boolean): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
    graphOptimizationLevel: optimize ? 'all' : 'disabled',
  });
  try {
    const out: Float32Array[] = [];
    for (const f of feeds) out.push((await s.run(f)).y!.data as Float32Array);
    return out;
  } finally {
    await s.release();
  }
}

/** Output y of a model (one input x) on onnxruntime (ortYs for one feed). */
export const runOrtY = async (model: Uint8Array, x: ort.Tensor, optimize: boolean) => (await ortYs(model, [{ x }], optimize))[0]!;

/** The largest absolute difference between two arrays of one length. */
export const worst = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

/**
 * A two-layer Q/DQ chain with a rounding tie (test/quantize/layer-check.test.ts, test/cli/qdq-layers.test.ts):
 *
 *   x ─► Q(0.5) ─► DQ ─► a ─► Mul(3) ─► Q(0.25) ─► DQ ─► b ─► Add(1) ─► y
 *
 * fed x = [1.25, 1, -0.75, 2]: 1.25 / 0.5 = 2.5 steps exactly, a tie that onnxruntime rounds to
 * even (2); 1 / 0.5 = 2 steps, no tie. onnxruntime gives a = [1, 1, -1, 2], b = [3, 3, -3, 6].
 */
export function qdqChain(): { model: ModelProto; feeds: Map<string, TensorData> } {
  const f32 = (dims: number[], ...v: number[]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(v) });
  const model = buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [1, 4] }],
    outputs: [{ name: 'y' }],
    initializers: { sa: f32([], 0.5), sb: f32([], 0.25), z: { dtype: 'int8', dims: [], data: Int8Array.of(0) }, three: f32([], 3), one: f32([], 1) },
    nodes: [
      { op: 'QuantizeLinear', inputs: ['x', 'sa', 'z'], outputs: ['xq'] },
      { op: 'DequantizeLinear', inputs: ['xq', 'sa', 'z'], outputs: ['a'] },
      { op: 'Mul', inputs: ['a', 'three'], outputs: ['m'] },
      { op: 'QuantizeLinear', inputs: ['m', 'sb', 'z'], outputs: ['mq'] },
      { op: 'DequantizeLinear', inputs: ['mq', 'sb', 'z'], outputs: ['b'] },
      { op: 'Add', inputs: ['b', 'one'], outputs: ['y'] },
    ],
  });
  return { model, feeds: new Map([['x', f32([1, 4], 1.25, 1, -0.75, 2)]]) };
}

/**
 * A residual CNN of convolutions that fuse with their BatchNormalization and Relu (calibration
 * on the compiled model: calibrate-runner.test.ts, test/gpu/calibrate-runner.test.ts), and six
 * batches of smooth images:
 *
 *   x [2,3,8,8] ─► conv1+bn1 ─► Relu ─► r1 ─► conv2+bn2 ─► b2 ─┐
 *                                      └──► conv3+bn3 ─► b3 ──┴► Add ─► Relu ─► pool ─► Flatten ─► f ─► Gemm ─► y
 */
export function residualBnCnn(): { model: ModelProto; data: Array<{ x: ort.Tensor }> } {
  const w = fanInWeights(11);
  const bn = (c: number) => ({
    [`s${c}`]: w([8], 0.5, 1.5),
    [`o${c}`]: w([8], -0.5, 0.5),
    [`m${c}`]: w([8], -0.2, 0.2),
    [`v${c}`]: w([8], 0.5, 1.5),
  });
  const convBn = (k: number, input: string, out: string) => [
    { op: 'Conv', name: `conv${k}`, inputs: [input, `W${k}`], outputs: [`c${k}`], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'BatchNormalization', name: `bn${k}`, inputs: [`c${k}`, `s${k}`, `o${k}`, `m${k}`, `v${k}`], outputs: [out] },
  ];
  const model = buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [2, 3, 8, 8] }],
    outputs: [{ name: 'y' }],
    initializers: {
      W1: w([8, 3, 3, 3]),
      W2: w([8, 8, 3, 3], -1.5, 2),
      W3: w([8, 8, 3, 3]),
      W4: w([10, 8], -1, 1),
      ...bn(1),
      ...bn(2),
      ...bn(3),
    },
    nodes: [
      ...convBn(1, 'x', 'b1'),
      { op: 'Relu', inputs: ['b1'], outputs: ['r1'] },
      ...convBn(2, 'r1', 'b2'),
      ...convBn(3, 'r1', 'b3'),
      { op: 'Add', inputs: ['b2', 'b3'], outputs: ['a'] },
      { op: 'Relu', inputs: ['a'], outputs: ['ra'] },
      { op: 'GlobalAveragePool', inputs: ['ra'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', name: 'gemm', inputs: ['f', 'W4'], outputs: ['y'], attrs: { transB: 1 } },
    ],
  });
  const data = Array.from({ length: 6 }, (_, k) => ({ x: smoothImage([2, 3, 8, 8], k, 0.3, 0.5) }));
  return { model, data };
}
