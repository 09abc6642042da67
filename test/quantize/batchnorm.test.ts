/**
 * The Q/DQ layout folds a BatchNormalization after a Conv of constant weights into them
 * (src/quantize/qdq.ts, the lowering pass fold-batchnorm), as compiling the fp32 model does: a
 * CNN made here, x [2,3,8,8] ─► Conv ─► BatchNormalization ─► Relu ─► Conv ─►
 * BatchNormalization ─► y, with non-trivial statistics. quantize() writes no
 * BatchNormalization and no initializer that no node reads; onnxruntime runs the written file
 * within 3% of the fp32 output's range (two int8 layers; measured 0.6%), where an unfolded
 * layout would quantize the unscaled weights and agree as well: the check that matters is
 * that the folded int8 weights carry the BatchNormalization (an unscaled weight behind no
 * BatchNormalization would miss its scale of 0.5 to 2 by far more than 3%). Compiled for the
 * cpu backend, both convolutions run int8 with no float BatchNormalization layer between. The
 * same where weights and statistics come from Constant nodes (PaddleOCR's models).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { type ModelSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { quantize } from '../../src/quantize/quantize.js';
import { mulberry32 } from '../../src/util/random.js';
import { HAS_NATIVE } from '../helpers/skip.js';
import { fanInWeights, smoothImage } from './helpers.js';

const weight = fanInWeights(31);
const r = mulberry32(32);
const vec = (n: number, lo: number, hi: number) => ({
  dtype: 'float32' as const,
  dims: [n],
  data: Float32Array.from({ length: n }, () => lo + (hi - lo) * r()),
});
const bn = (p: string, n: number) => ({
  [`${p}_g`]: vec(n, 0.5, 2),
  [`${p}_b`]: vec(n, -0.3, 0.3),
  [`${p}_m`]: vec(n, -0.2, 0.2),
  [`${p}_v`]: vec(n, 0.5, 1.5),
});
const SPEC: ModelSpec = {
  opset: 13,
  inputs: [{ name: 'x', shape: [2, 3, 8, 8] }],
  outputs: [{ name: 'y' }],
  initializers: { W1: weight([4, 3, 3, 3]), W2: weight([5, 4, 3, 3]), ...bn('bn1', 4), ...bn('bn2', 5) },
  nodes: [
    { op: 'Conv', inputs: ['x', 'W1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] }, name: 'conv1' },
    { op: 'BatchNormalization', inputs: ['c1', 'bn1_g', 'bn1_b', 'bn1_m', 'bn1_v'], outputs: ['n1'] },
    { op: 'Relu', inputs: ['n1'], outputs: ['r1'] },
    { op: 'Conv', inputs: ['r1', 'W2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] }, name: 'conv2' },
    { op: 'BatchNormalization', inputs: ['c2', 'bn2_g', 'bn2_b', 'bn2_m', 'bn2_v'], outputs: ['y'] },
  ],
};
const MODEL = encodeModel(buildModel(SPEC));
const data = [0, 1, 2, 3].map((k) => ({ x: smoothImage([2, 3, 8, 8], 40 + k, 0.3, 0.2) }));

async function ortY(model: Uint8Array, x: ort.Tensor): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    return (await s.run({ x })).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

describe('BatchNormalization in the Q/DQ layout', () => {
  it('is folded into the int8 weights of the Conv before it', async () => {
    const q = await quantize(MODEL, { data, method: 'minmax' });
    const g = Graph.fromModel(q.model);
    expect(g.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(0);
    const read = new Set(g.nodes.flatMap((n) => n.inputs));
    expect([...g.initializers.keys()].filter((i) => !read.has(i))).toEqual([]);
    expect(q.weights.sort()).toEqual([expect.stringMatching(/^W1_folded/), expect.stringMatching(/^W2_folded/)]);
    const written = encodeModel(q.model);
    const x = smoothImage([2, 3, 8, 8], 99, 0.3, 0.2);
    const [got, want] = [await ortY(written, x), await ortY(MODEL, x)];
    const range = Math.max(...want) - Math.min(...want);
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!))) / range).toBeLessThan(0.03);
    if (!HAS_NATIVE) return;
    const m = await compile(written, { backend: 'cpu' });
    try {
      expect(m.report.engines.reduce((n, e) => n + (e.build.int8Layers ?? 0), 0)).toBe(2);
      const y = (await m.run({ x })).y!.data as Float32Array;
      expect(Math.max(...Array.from(y, (v, i) => Math.abs(v - want[i]!))) / range).toBeLessThan(0.03);
    } finally {
      await m.dispose();
    }
  });

  it('folds where the weights and statistics come from Constant nodes, as Paddle2ONNX writes them', async () => {
    const constants = Object.entries(SPEC.initializers!).map(([name, t]) => ({ op: 'Constant', inputs: [], outputs: [name], attrs: { value: t } }));
    const q = await quantize(encodeModel(buildModel({ ...SPEC, initializers: {}, nodes: [...constants, ...SPEC.nodes] })), {
      data,
      method: 'minmax',
    });
    const g = Graph.fromModel(q.model);
    expect(g.nodes.map((n) => n.opType).filter((op) => op === 'BatchNormalization' || op === 'Constant')).toEqual([]);
    expect(q.activations.sort()).toEqual(['r1', 'x']);
    expect(q.weights).toHaveLength(2);
  });
});
