/**
 * Raising a model's opset to 13 for its Q/DQ layout (src/quantize/opset.ts), and weights that
 * Constant nodes give (targets.ts constantsAsInitializers), as PaddleOCR's opset-9
 * models have them. An opset-9 model made here holds every op the raise rewrites, in its
 * opset-9 form:
 *
 *   x ─► Conv (W from a Constant node) ─► Clip(0, 6) ─► Slice ─► Pad(0.5) ─► ReduceSum ─►
 *   Unsqueeze ─► Squeeze ─► Split ─► Reshape ─► MatMul ─► Dropout ─► Softmax ─► y
 *                                                                  └► TopK ─► topv, topi
 *
 * Checked against onnxruntime, which runs each opset's own kernels: the raised model (opset
 * 13) computes the opset-9 model's outputs exactly (Softmax within 1e-7). quantize() of it
 * writes an opset-13 model with per-channel weights, the Constant's W among its int8 weights
 * and not among its activations, which onnxruntime runs within 0.02 of the fp32 model's
 * probabilities (two int8 layers; measured 0.002). Refused, with the graph left as it was: an
 * Upsample, a Softmax over a non-last axis of a rank-3 input, a Dropout whose mask is read, a
 * Slice inside an If; quantize() then says why for an opset-9 model (which needs 10) and
 * keeps per-tensor weights for an opset-11 one.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { type ModelSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { modelGraph } from '../../src/quantize/calibrate.js';
import { raiseOpset } from '../../src/quantize/opset.js';
import { weightLayout } from '../../src/quantize/qdq.js';
import { quantize } from '../../src/quantize/quantize.js';
import { mulberry32 } from '../../src/util/random.js';
import { fanInWeights } from './helpers.js';

const weight = fanInWeights(21);
const W = weight([4, 3, 3, 3]);
const SPEC: ModelSpec = {
  opset: 9,
  inputs: [{ name: 'x', shape: [2, 3, 8, 8] }],
  outputs: [{ name: 'y' }, { name: 'topv' }, { name: 'topi', dtype: 'int64' }, { name: 'sp1' }],
  initializers: { shape: { dtype: 'int64', dims: [2], data: BigInt64Array.of(2n, 12n) }, W2: weight([12, 5], -1, 1) },
  nodes: [
    { op: 'Constant', inputs: [], outputs: ['W'], attrs: { value: W } },
    { op: 'Conv', inputs: ['x', 'W'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Clip', inputs: ['c'], outputs: ['r'], attrs: { min: { float: 0 }, max: { float: 6 } } },
    { op: 'Slice', inputs: ['r'], outputs: ['s'], attrs: { starts: [0, 1], ends: [2, 7], axes: [2, 3] } },
    { op: 'Pad', inputs: ['s'], outputs: ['p'], attrs: { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: 0.5 } },
    { op: 'ReduceSum', inputs: ['p'], outputs: ['rs'], attrs: { axes: [3], keepdims: 0 } },
    { op: 'Unsqueeze', inputs: ['rs'], outputs: ['u'], attrs: { axes: [1] } },
    { op: 'Squeeze', inputs: ['u'], outputs: ['q'], attrs: { axes: [1] } },
    { op: 'Split', inputs: ['q'], outputs: ['sp1', 'sp2'], attrs: { axis: 2, split: [1, 3] } },
    { op: 'Reshape', inputs: ['sp2', 'shape'], outputs: ['f'] },
    { op: 'MatMul', inputs: ['f', 'W2'], outputs: ['m'] },
    { op: 'Dropout', inputs: ['m'], outputs: ['d'], attrs: { ratio: 0.5 } },
    { op: 'Softmax', inputs: ['d'], outputs: ['y'], attrs: { axis: 1 } },
    { op: 'TopK', inputs: ['d'], outputs: ['topv', 'topi'], attrs: { k: 2 } },
  ],
};
const MODEL = encodeModel(buildModel(SPEC));

const input = (seed: number) => {
  const r = mulberry32(seed);
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: 2 * 3 * 64 }, () => r() * 2 - 0.5),
    [2, 3, 8, 8],
  );
};

async function ortRun(model: Uint8Array, x: ort.Tensor): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    return await s.run({ x });
  } finally {
    await s.release();
  }
}

function fresh(graph: Graph): (base: string) => string {
  return (base) => graph.freshName(`${base}_`);
}

/** Raises a copy; returns the reason it was refused, and the graph as a model (unchanged then). */
function raised(model: Uint8Array): { refused?: string; graph: Graph } {
  const g = modelGraph(model);
  const refused = raiseOpset(g, fresh(g));
  return { ...(refused ? { refused } : {}), graph: g };
}

describe('raising the opset for the Q/DQ layout', () => {
  it('rewrites every changed op into its opset-13 form, computing the same on onnxruntime', async () => {
    const { refused, graph } = raised(MODEL);
    expect(refused).toBeUndefined();
    expect(graph.opset()).toBe(13);
    const ops = new Map(graph.nodes.map((n) => [n.outputs[0], n]));
    expect(ops.get('s')!.inputs).toHaveLength(4);
    expect(ops.get('r')!.inputs).toHaveLength(3);
    expect(ops.get('d')!.opType).toBe('Identity');
    expect(ops.get('y')!.attributes.map((a) => [a.name, Number(a.i)])).toEqual([['axis', -1]]);
    const up = encodeModel(graph.toModel());
    for (const seed of [1, 2]) {
      const [want, got] = [await ortRun(MODEL, input(seed)), await ortRun(up, input(seed))];
      for (const name of ['topv', 'topi', 'sp1'])
        expect(Array.from(got[name]!.data as Float32Array), name).toEqual(Array.from(want[name]!.data as Float32Array));
      const [a, b] = [got.y!.data as Float32Array, want.y!.data as Float32Array];
      expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeLessThanOrEqual(1e-7);
    }
  });

  it('quantize() writes an opset-13 model with per-channel weights, the Constant node weight among them', async () => {
    const data = [3, 4, 5, 6].map((s) => ({ x: input(s) }));
    const q = await quantize(MODEL, { data, method: 'minmax' });
    expect([q.perChannel, q.raisedFrom, q.notRaised]).toEqual([true, 9, undefined]);
    expect(weightLayout(q)).toBe('per output channel; opset 9 raised to 13');
    expect(q.weights.sort()).toEqual(['W', 'W2']);
    expect(q.activations).not.toContain('W');
    const g = Graph.fromModel(q.model);
    expect(g.opset()).toBe(13);
    expect(g.nodes.filter((n) => n.opType === 'DequantizeLinear' && n.attributes.some((a) => a.name === 'axis'))).toHaveLength(2);
    const written = encodeModel(q.model);
    for (const seed of [7, 8]) {
      const [want, got] = [await ortRun(MODEL, input(seed)), await ortRun(written, input(seed))];
      const [a, b] = [got.y!.data as Float32Array, want.y!.data as Float32Array];
      expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeLessThan(0.02);
    }
  });

  const variant = (change: (spec: ModelSpec) => ModelSpec) => encodeModel(buildModel(change(structuredClone(SPEC))));
  const replaceNode = (spec: ModelSpec, out: string, node: ModelSpec['nodes'][number]): ModelSpec => ({
    ...spec,
    nodes: spec.nodes.map((n) => (n.outputs[0] === out ? node : n)),
  });

  it.each([
    [
      'an Upsample',
      (s: ModelSpec) => ({
        ...replaceNode(s, 'r', { op: 'Upsample', inputs: ['c', 'scales'], outputs: ['r'] }),
        initializers: { ...s.initializers, scales: { dtype: 'float32' as const, dims: [4], data: Float32Array.of(1, 1, 1, 1) } },
      }),
      /Upsample '.*' \(opset 9\) is deprecated \(Resize replaces it\)/,
    ],
    [
      'a Softmax over a non-last axis',
      (s: ModelSpec) => replaceNode(s, 'y', { op: 'Softmax', inputs: ['q'], outputs: ['y'], attrs: { axis: 1 } }),
      /Softmax '.*' \(opset 9\) flattens dims 1\.\. of a rank-3 input/,
    ],
    [
      'a Dropout whose mask is read',
      (s: ModelSpec) => ({
        ...replaceNode(s, 'd', { op: 'Dropout', inputs: ['m'], outputs: ['d', 'mask'] }),
        outputs: [...s.outputs!, { name: 'mask' }],
      }),
      /Dropout '.*' \(opset 9\): its mask is read/,
    ],
  ])('refuses %s, leaving the graph as it was', (_, change, message) => {
    const model = variant(change);
    const before = JSON.stringify(modelGraph(model).toModel(), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    const { refused, graph } = raised(model);
    expect(refused).toMatch(message);
    expect(graph.opset()).toBe(9);
    expect(JSON.stringify(graph.toModel(), (_k, v) => (typeof v === 'bigint' ? String(v) : v))).toBe(before);
  });

  it('refuses a changed op inside a subgraph; quantize() names the reason where the model needs opset 10', async () => {
    const ifModel = variant((s) => ({
      ...s,
      inputs: [...s.inputs!, { name: 'flag', dtype: 'bool', shape: [] }],
      outputs: [{ name: 'z' }],
      nodes: [
        ...s.nodes.slice(0, 3),
        {
          op: 'If',
          inputs: ['flag'],
          outputs: ['z'],
          attrs: {
            then_branch: {
              graph: {
                outputs: [{ name: 't' }],
                nodes: [{ op: 'Slice', inputs: ['r'], outputs: ['t'], attrs: { starts: [0], ends: [2], axes: [0] } }],
              },
            },
            else_branch: { graph: { outputs: [{ name: 'e', dtype: 'float32' }], nodes: [{ op: 'Identity', inputs: ['r'], outputs: ['e'] }] } },
          },
        },
      ],
    }));
    expect(raised(ifModel).refused).toMatch(/If '.*' has Slice inside a subgraph/);
    const data = [{ x: input(1), flag: new ort.Tensor('bool', Uint8Array.of(1), []) }];
    await expect(quantize(ifModel, { data, method: 'minmax' })).rejects.toMatchObject({
      code: 'OPTION',
      message: expect.stringMatching(
        /opset is 9; QuantizeLinear and DequantizeLinear need opset 10 or later, and it cannot be raised here: If .* has Slice inside a subgraph/,
      ),
    });
  });

  it("drops an opset-8 BatchNormalization's spatial attribute, and refuses spatial 0", async () => {
    const bnModel = (spatial: number) =>
      encodeModel(
        buildModel({
          opset: 8,
          inputs: [{ name: 'x', shape: [2, 3, 8, 8] }],
          outputs: [{ name: 'y' }],
          initializers: Object.fromEntries(
            ['g', 'b', 'm', 'v'].map((p, i) => [p, { dtype: 'float32' as const, dims: [3], data: Float32Array.of(0.5 + i, 1, 1.5) }]),
          ),
          nodes: [{ op: 'BatchNormalization', inputs: ['x', 'g', 'b', 'm', 'v'], outputs: ['y'], attrs: { spatial } }],
        }),
      );
    const { refused, graph } = raised(bnModel(1));
    expect(refused).toBeUndefined();
    expect(graph.nodes[0]!.attributes.map((a) => a.name)).toEqual([]);
    const [want, got] = [await ortRun(bnModel(1), input(3)), await ortRun(encodeModel(graph.toModel()), input(3))];
    expect(Array.from(got.y!.data as Float32Array)).toEqual(Array.from(want.y!.data as Float32Array));
    expect(raised(bnModel(0)).refused).toMatch(/BatchNormalization '.*' \(opset 8\) is of opset < 7 or has spatial 0/);
  });

  it('keeps per-tensor weights for an opset-11 model it cannot raise', async () => {
    const model = encodeModel(
      buildModel({
        opset: 11,
        inputs: [{ name: 'x', shape: [2, 3, 8, 8] }],
        outputs: [{ name: 'y' }],
        initializers: { W },
        nodes: [
          { op: 'Conv', inputs: ['x', 'W'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Softmax', inputs: ['c'], outputs: ['y'], attrs: { axis: 1 } },
        ],
      }),
    );
    const q = await quantize(model, { data: [{ x: input(1) }], method: 'minmax' });
    expect(q.perChannel).toBe(false);
    expect(weightLayout(q)).toMatch(/^per tensor: opset < 13, not raised: Softmax/);
    expect(q.notRaised).toMatch(/Softmax '.*' \(opset 11\) flattens dims 1\.\. of a rank-4 input/);
    expect(Graph.fromModel(q.model).opset()).toBe(11);
  });
});
