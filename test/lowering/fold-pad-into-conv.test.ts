// Pass fold-pad-into-conv: a Pad of zeros read only by a Conv as its input becomes the Conv's
// pads. Which Pads fold is read from the graph and the report; the lowered graph is run on
// onnxruntime against the original, and on the cpu engine against onnxruntime, within 1e-6.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { attrInts, attrString } from '../../src/ir/attributes.js';
import type { Graph } from '../../src/ir/graph.js';
import { buildGraph, type NodeSpec } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { ortRun, relativeError } from '../runtime/helpers.js';
import { compareOnOrt, randomTensor, runPass, snapshot } from './helpers.js';

const TOL = { rtol: 1e-6, atol: 1e-6 };
const i64 = (...v: number[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const f32 = (v: number): TensorData => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });

interface Case {
  /** The Pad's name: 'fold_*' cases must fold, 'keep_*' ones must keep their Pad. */
  name: string;
  pads: number[];
  padInputs?: string[];
  padAttrs?: Record<string, string>;
  conv: Record<string, number | number[] | string>;
  /** Weights of shape [m, c / group, ...kernel]. */
  weights: number[];
  /** Another reader of the Pad's output (a Relu). */
  shared?: boolean;
}

/** One model: every case pads x and convolves it into its own output. */
function model(rank: number, cases: Case[]): Graph {
  const nodes: NodeSpec[] = [];
  const initializers: Record<string, TensorData> = { half: f32(0.5), zero: f32(0) };
  const outputs: { name: string }[] = [];
  cases.forEach((c, k) => {
    initializers[`${c.name}_pads`] = i64(...c.pads);
    initializers[`${c.name}_w`] = randomTensor('float32', c.weights, 10 + k);
    initializers[`${c.name}_b`] = randomTensor('float32', [c.weights[0]!], 40 + k);
    const padded = `${c.name}_padded`;
    nodes.push({ op: 'Pad', name: c.name, inputs: ['x', `${c.name}_pads`, ...(c.padInputs ?? [])], outputs: [padded], attrs: c.padAttrs });
    nodes.push({ op: 'Conv', name: `${c.name}_conv`, inputs: [padded, `${c.name}_w`, `${c.name}_b`], outputs: [`${c.name}_y`], attrs: c.conv });
    outputs.push({ name: `${c.name}_y` });
    if (c.shared) {
      nodes.push({ op: 'Relu', inputs: [padded], outputs: [`${c.name}_relu`] });
      outputs.push({ name: `${c.name}_relu` });
    }
  });
  const shape = rank === 4 ? [1, 4, 9, 8] : [1, 4, 11];
  return buildGraph({ inputs: [{ name: 'x', dtype: 'float32', shape }], outputs, initializers, nodes });
}

const CASES_2D: Case[] = [
  // tf2onnx's ZeroPadding2D((0, 1), (0, 1)) before a 'valid' depthwise 3x3/2 (M-LSD).
  { name: 'fold_tf_depthwise', pads: [0, 0, 0, 0, 0, 0, 1, 1], conv: { kernel_shape: [3, 3], strides: [2, 2], group: 4 }, weights: [4, 1, 3, 3] },
  { name: 'fold_valid', pads: [0, 0, 1, 1, 0, 0, 1, 1], conv: { kernel_shape: [3, 3], auto_pad: 'VALID' }, weights: [6, 4, 3, 3] },
  {
    name: 'fold_own_pads',
    pads: [0, 0, 2, 0, 0, 0, 1, 2],
    padInputs: ['zero'],
    conv: { kernel_shape: [3, 2], pads: [1, 0, 0, 1], strides: [1, 2] },
    weights: [3, 4, 3, 2],
  },
  { name: 'fold_dilated', pads: [0, 0, 2, 2, 0, 0, 2, 2], conv: { kernel_shape: [3, 3], dilations: [2, 2], group: 2 }, weights: [4, 2, 3, 3] },
  { name: 'keep_same', pads: [0, 0, 1, 1, 0, 0, 1, 1], conv: { kernel_shape: [3, 3], auto_pad: 'SAME_UPPER' }, weights: [4, 4, 3, 3] },
  { name: 'keep_value', pads: [0, 0, 1, 1, 0, 0, 1, 1], padInputs: ['half'], conv: { kernel_shape: [3, 3] }, weights: [4, 4, 3, 3] },
  { name: 'keep_edge', pads: [0, 0, 1, 1, 0, 0, 1, 1], padAttrs: { mode: 'edge' }, conv: { kernel_shape: [3, 3] }, weights: [4, 4, 3, 3] },
  { name: 'keep_shared', pads: [0, 0, 1, 1, 0, 0, 1, 1], conv: { kernel_shape: [3, 3] }, weights: [4, 4, 3, 3], shared: true },
  { name: 'keep_channels', pads: [0, 1, 1, 1, 0, 0, 1, 1], conv: { kernel_shape: [3, 3] }, weights: [4, 5, 3, 3] },
];

const CASES_1D: Case[] = [
  { name: 'fold_1d', pads: [0, 0, 2, 0, 0, 1], conv: { kernel_shape: [3], strides: [2] }, weights: [5, 4, 3] },
  { name: 'fold_1d_own', pads: [0, 0, 1, 0, 0, 3], conv: { kernel_shape: [4], pads: [1, 2] }, weights: [2, 4, 4] },
];

const padNames = (g: Graph) => g.nodes.filter((n) => n.opType === 'Pad').map((n) => n.name);
const kept = (cases: Case[]) => cases.filter((c) => c.name.startsWith('keep_')).map((c) => c.name);

describe('fold-pad-into-conv', () => {
  for (const [rank, cases] of [
    [4, CASES_2D],
    [3, CASES_1D],
  ] as const) {
    it(`folds zero Pads into Convs of ${rank - 2} spatial dim(s), leaves the rest; onnxruntime agrees`, async () => {
      const g = model(rank, cases);
      const original = snapshot(g);
      const r = await runPass(g, 'fold-pad-into-conv');
      expect(padNames(g)).toEqual(kept(cases));
      expect(r.counts).toEqual({ 'Pad folded into Conv': cases.length - kept(cases).length });
      for (const c of cases.filter((c) => c.name.startsWith('fold_'))) {
        const conv = g.node(`${c.name}_conv`)!;
        expect(conv.inputs[0]).toBe('x');
        expect(attrString(conv, 'auto_pad', 'NOTSET')).toBe('NOTSET');
        expect(attrInts(conv, 'pads')!.length).toBe(2 * (rank - 2));
      }
      for (const seed of [1, 2]) {
        expect(await compareOnOrt(original, g, { x: randomTensor('float32', g.types.get('x')!.shape as number[], seed) }, TOL)).toEqual([]);
      }
    });
  }

  itIf(HAS_NATIVE, 'the folded convolutions run on the cpu engine as onnxruntime runs the Pads', NATIVE_MISSING, async () => {
    const cases = CASES_2D.filter((c) => c.name.startsWith('fold_'));
    const bytes = snapshot(model(4, cases));
    const x = randomTensor('float32', [1, 4, 9, 8], 3);
    const feeds = { x: new ort.Tensor('float32', x.data as Float32Array, x.dims) };
    const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true, minBlockSize: 0 });
    try {
      const got = await m.run(feeds);
      const want = await ortRun(bytes, feeds);
      for (const c of cases) expect(relativeError(got[`${c.name}_y`]!, want[`${c.name}_y`]!), c.name).toBeLessThan(1e-6);
    } finally {
      await m.dispose();
    }
  });
});
