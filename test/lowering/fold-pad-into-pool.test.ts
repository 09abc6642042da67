// Pass fold-pad-into-pool: a Pad of zeros read only by an AveragePool becomes the pool's pads
// with count_include_pad=1. Which Pads fold is read from the graph and the report; the lowered
// graph is run on onnxruntime against the original, and on the cpu engine, within 1e-6.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { attrInt, attrInts } from '../../src/ir/attributes.js';
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
  pool: Record<string, number | number[]>;
  /** Another reader of the Pad's output (a Relu). */
  shared?: boolean;
}

/** One model: every case pads x and pools it into its own output. */
function model(rank: number, cases: Case[]): Graph {
  const nodes: NodeSpec[] = [];
  const initializers: Record<string, TensorData> = { half: f32(0.5), zero: f32(0) };
  const outputs: { name: string }[] = [];
  for (const c of cases) {
    initializers[`${c.name}_pads`] = i64(...c.pads);
    const padded = `${c.name}_padded`;
    nodes.push({ op: 'Pad', name: c.name, inputs: ['x', `${c.name}_pads`, ...(c.padInputs ?? [])], outputs: [padded], attrs: c.padAttrs });
    nodes.push({ op: 'AveragePool', name: `${c.name}_pool`, inputs: [padded], outputs: [`${c.name}_y`], attrs: c.pool });
    outputs.push({ name: `${c.name}_y` });
    if (c.shared) {
      nodes.push({ op: 'Relu', inputs: [padded], outputs: [`${c.name}_relu`] });
      outputs.push({ name: `${c.name}_relu` });
    }
  }
  const shape = rank === 4 ? [1, 2, 7, 8] : [1, 2, 9];
  return buildGraph({ inputs: [{ name: 'x', dtype: 'float32', shape }], outputs, initializers, nodes });
}

const CASES_2D: Case[] = [
  { name: 'fold_plain', pads: [0, 0, 1, 1, 0, 0, 1, 1], pool: { kernel_shape: [3, 3], strides: [1, 1] } },
  { name: 'fold_zero_value', pads: [0, 0, 2, 0, 0, 0, 1, 2], padInputs: ['zero'], pool: { kernel_shape: [3, 3], strides: [2, 1] } },
  { name: 'fold_exclude_no_own', pads: [0, 0, 1, 0, 0, 0, 0, 1], pool: { kernel_shape: [2, 3], count_include_pad: 0 } },
  { name: 'fold_own_include', pads: [0, 0, 1, 1, 0, 0, 1, 1], pool: { kernel_shape: [3, 3], pads: [1, 0, 0, 1], count_include_pad: 1 } },
  { name: 'keep_own_exclude', pads: [0, 0, 1, 1, 0, 0, 1, 1], pool: { kernel_shape: [3, 3], pads: [1, 0, 0, 1], count_include_pad: 0 } },
  { name: 'keep_value', pads: [0, 0, 1, 1, 0, 0, 1, 1], padInputs: ['half'], pool: { kernel_shape: [3, 3] } },
  { name: 'keep_reflect', pads: [0, 0, 1, 1, 0, 0, 1, 1], padAttrs: { mode: 'reflect' }, pool: { kernel_shape: [3, 3] } },
  { name: 'keep_shared', pads: [0, 0, 1, 1, 0, 0, 1, 1], pool: { kernel_shape: [3, 3] }, shared: true },
  { name: 'keep_channels', pads: [0, 1, 1, 1, 0, 0, 1, 1], pool: { kernel_shape: [3, 3] } },
  { name: 'keep_too_wide', pads: [0, 0, 2, 1, 0, 0, 1, 1], pool: { kernel_shape: [3, 3], pads: [1, 0, 0, 0], count_include_pad: 1 } },
  { name: 'keep_ceil', pads: [0, 0, 1, 1, 0, 0, 1, 1], pool: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
];

const CASES_1D: Case[] = [
  { name: 'fold_1d', pads: [0, 0, 2, 0, 0, 1], pool: { kernel_shape: [3], strides: [2] } },
  { name: 'fold_1d_own_include', pads: [0, 0, 1, 0, 0, 1], pool: { kernel_shape: [4], pads: [1, 2], count_include_pad: 1 } },
  { name: 'keep_1d_own_exclude', pads: [0, 0, 1, 0, 0, 1], pool: { kernel_shape: [4], pads: [1, 2] } },
];

const padNames = (g: Graph) => g.nodes.filter((n) => n.opType === 'Pad').map((n) => n.name);
const kept = (cases: Case[]) => cases.filter((c) => c.name.startsWith('keep_')).map((c) => c.name);

describe('fold-pad-into-pool', () => {
  for (const [rank, cases] of [
    [4, CASES_2D],
    [3, CASES_1D],
  ] as const) {
    it(`folds zero Pads into AveragePools of ${rank - 2} spatial dim(s), leaves the rest; onnxruntime agrees`, async () => {
      const g = model(rank, cases);
      const original = snapshot(g);
      const r = await runPass(g, 'fold-pad-into-pool');
      expect(padNames(g)).toEqual(kept(cases));
      expect(r.counts).toEqual({ 'Pad folded into AveragePool': cases.length - kept(cases).length });
      for (const c of cases.filter((c) => c.name.startsWith('fold_'))) {
        const pool = g.node(`${c.name}_pool`)!;
        expect(pool.inputs).toEqual(['x']);
        expect(attrInt(pool, 'count_include_pad')).toBe(1);
        expect(attrInts(pool, 'pads')!.length).toBe(2 * (rank - 2));
      }
      for (const seed of [1, 2]) {
        expect(await compareOnOrt(original, g, { x: randomTensor('float32', g.types.get('x')!.shape as number[], seed) }, TOL)).toEqual([]);
      }
    });
  }

  itIf(HAS_NATIVE, 'the folded pools run on the cpu engine as onnxruntime runs the Pads', NATIVE_MISSING, async () => {
    const cases = CASES_2D.filter((c) => c.name.startsWith('fold_'));
    const bytes = snapshot(model(4, cases));
    const x = randomTensor('float32', [1, 2, 7, 8], 3);
    const feeds = { x: new ort.Tensor('float32', x.data as Float32Array, x.dims) };
    const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true, minBlockSize: 0 });
    try {
      const got = await m.run(feeds);
      const want = await ortRun(bytes, feeds);
      for (const c of cases) expect(relativeError(got[`${c.name}_y`]!, want[`${c.name}_y`]!)).toBeLessThan(1e-6);
    } finally {
      await m.dispose();
    }
  });
});
