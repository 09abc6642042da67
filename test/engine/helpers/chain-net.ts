/**
 * Chains of elementwise/unary ops written once and made into both an engine network
 * (NetDraft, layer by layer as a converter would emit them) and an ONNX model for
 * onnxruntime, the reference: the pointwise pass's tests (test/engine/pointwise.test.ts,
 * test/gpu/pointwise.test.ts) check the fused engine against both.
 */
import ort from 'onnxruntime-node';
import type { EngineDType, NetworkDefinition } from '../../../src/engine/network.js';
import { broadcastShapes } from '../../../src/engine/shape-math.js';
import { buildModel } from '../../../src/ir/model-builder.js';
import { float32ToFloat16Bits } from '../../../src/onnx/half.js';
import { encodeModel } from '../../../src/onnx/model.js';
import { toOrtTensor } from '../../../src/onnx/ort.js';
import type { TensorData } from '../../../src/onnx/tensor.js';
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';

const BINARY: Record<string, string> = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', Pow: 'pow', Max: 'max', Min: 'min' };
const UNARY: Record<string, string> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Erf: 'erf',
  Exp: 'exp',
  Abs: 'abs',
  Neg: 'neg',
  Sqrt: 'sqrt',
  Softplus: 'softplus',
};

export interface ChainStep {
  /** An ONNX op: a key of BINARY or UNARY, LeakyRelu (alpha) or Clip (min, max as initializers). */
  op: string;
  inputs: string[];
  output: string;
  alpha?: number;
  min?: number;
  max?: number;
}

export interface Chain {
  inputs: Array<{ name: string; shape: number[] }>;
  /** Constant tensors (weights on both sides). */
  constants?: Array<{ name: string; shape: number[]; values: number[] }>;
  steps: ChainStep[];
  outputs: string[];
}

/** The chain as an fp32 engine network, one layer per step. */
export function chainNetwork(c: Chain): NetworkDefinition {
  const d = new NetDraft('chain');
  const ids = new Map<string, number>();
  const shapes = new Map<string, number[]>();
  for (const i of c.inputs) {
    ids.set(i.name, d.input(i.name, 'float32', i.shape));
    shapes.set(i.name, i.shape);
  }
  for (const k of c.constants ?? []) {
    ids.set(k.name, d.constant(k.name, 'float32', k.shape, Float32Array.from(k.values)));
    shapes.set(k.name, k.shape);
  }
  for (const s of c.steps) {
    const shape = broadcastShapes(...s.inputs.map((n) => shapes.get(n)!))!;
    const out = { dtype: 'float32' as EngineDType, shape };
    const ins = s.inputs.map((n) => ids.get(n)!);
    let id: number;
    if (BINARY[s.op]) id = d.layer('elementwise', s.output, ins, { op: BINARY[s.op] }, [out])[0]!;
    else if (UNARY[s.op]) id = d.layer('unary', s.output, ins, { op: UNARY[s.op] }, [out])[0]!;
    else if (s.op === 'LeakyRelu') id = d.layer('unary', s.output, ins, { op: 'leaky_relu', alpha: s.alpha }, [out])[0]!;
    else if (s.op === 'Clip') id = d.layer('unary', s.output, ins, { op: 'clip', min: s.min, max: s.max }, [out])[0]!;
    else throw new Error(`chain: no layer for ${s.op}`);
    ids.set(s.output, id);
    shapes.set(s.output, shape);
  }
  for (const o of c.outputs) d.output(ids.get(o)!);
  return d.finish();
}

/** onnxruntime's outputs of the chain for the given input data. */
export async function chainReference(c: Chain, feeds: Record<string, TensorData>): Promise<Float32Array[]> {
  const initializers: Record<string, TensorData> = {};
  for (const k of c.constants ?? []) initializers[k.name] = { dtype: 'float32', dims: k.shape, data: Float32Array.from(k.values) };
  const nodes = c.steps.map((s, i) => {
    if (s.op === 'Clip') {
      initializers[`clip${i}_min`] = { dtype: 'float32', dims: [], data: Float32Array.of(s.min!) };
      initializers[`clip${i}_max`] = { dtype: 'float32', dims: [], data: Float32Array.of(s.max!) };
      return { op: 'Clip', inputs: [s.inputs[0]!, `clip${i}_min`, `clip${i}_max`], outputs: [s.output] };
    }
    return { op: s.op, inputs: s.inputs, outputs: [s.output], ...(s.op === 'LeakyRelu' ? { attrs: { alpha: { float: s.alpha! } } } : {}) };
  });
  const model = buildModel({
    inputs: c.inputs.map((i) => ({ name: i.name, dtype: 'float32', shape: i.shape })),
    outputs: c.outputs.map((name) => ({ name })),
    nodes,
    initializers,
    opset: 17,
  });
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrtTensor(v);
    const res = await session.run(ortFeeds);
    return c.outputs.map((o) => res[o]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** GELU as torch.onnx exports it: x * 0.5 * (1 + erf(x / sqrt(2))), over [2, 8, 64]. */
export const geluChain: Chain = {
  inputs: [{ name: 'x', shape: [2, 8, 64] }],
  constants: [
    { name: 'sqrt2', shape: [], values: [Math.SQRT2] },
    { name: 'one', shape: [], values: [1] },
    { name: 'half', shape: [], values: [0.5] },
  ],
  steps: [
    { op: 'Div', inputs: ['x', 'sqrt2'], output: 'div' },
    { op: 'Erf', inputs: ['div'], output: 'erf' },
    { op: 'Add', inputs: ['erf', 'one'], output: 'add' },
    { op: 'Mul', inputs: ['x', 'add'], output: 'mul' },
    { op: 'Mul', inputs: ['mul', 'half'], output: 'y' },
  ],
  outputs: ['y'],
};

/**
 * GELU on fp16 tensors, written as fp16 layers: x (fp16) -> div -> erf -> add -> mul -> mul2
 * (-> cast to fp32 -> y where `castOutput`, else mul2 is the fp16 output 'y').
 */
export function gelu16Network(shape: number[], castOutput: boolean): NetworkDefinition {
  const d = new NetDraft('gelu16');
  const x = d.input('x', 'float16', shape);
  const c = (name: string, v: number) => d.constant(name, 'float16', [], Uint16Array.of(float32ToFloat16Bits(v)));
  const h = [{ dtype: 'float16' as EngineDType, shape }];
  const [q] = d.layer('elementwise', 'div', [x, c('sqrt2', Math.SQRT2)], { op: 'div' }, h);
  const [e] = d.layer('unary', 'erf', [q!], { op: 'erf' }, h);
  const [a] = d.layer('elementwise', 'add', [e!, c('one', 1)], { op: 'add' }, h);
  const [m] = d.layer('elementwise', 'mul', [x, a!], { op: 'mul' }, h);
  const [g] = d.layer('elementwise', castOutput ? 'mul2' : 'y', [m!, c('half', 0.5)], { op: 'mul' }, h);
  const out = castOutput ? d.layer('cast', 'y', [g!], { to: 'float32' }, [{ dtype: 'float32', shape }])[0]! : g!;
  d.output(out);
  return d.finish();
}

/** Seeded inputs of a chain, uniform in [-3, 3). */
export function chainFeeds(c: Chain, seed: number): Record<string, TensorData> {
  return Object.fromEntries(c.inputs.map((i, k) => [i.name, randomFloat(i.shape, seed + k, -3, 3)]));
}

/** x [2,4,6], z [2,1,6] and a constant b [4,1]: the inputs of the broadcasting chains of the tests. */
export const broadcastIO: Pick<Chain, 'inputs' | 'constants'> = {
  inputs: [
    { name: 'x', shape: [2, 4, 6] },
    { name: 'z', shape: [2, 1, 6] },
  ],
  constants: [{ name: 'b', shape: [4, 1], values: [0.5, -0.25, 1, -2] }],
};
