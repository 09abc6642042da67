/**
 * An If whose condition is a function of the input shapes, in a dynamic compile (issue 15):
 * where it takes one branch at every shape of the range, lowering inlines that branch
 * (src/lowering/shape-decided.ts) and the whole model runs on engines; where the range holds
 * shapes of both branches, the If stays on onnxruntime and the lowering note names two shapes
 * that disagree; what reads its output, whose rank then differs over the range, goes with it
 * (shape-views.ts rankChange: an engine built for rank 2 refused the rank-3 output at L = 8). The model mirrors Silero VAD's decoder (`x.squeeze(-1)` of a frame dim that is
 * 1 only for some lengths, the branches of different ranks). Outputs are compared with
 * onnxruntime alone at every shape of the ranges, within 1e-6 relative.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type SubgraphSpec, buildGraph } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';

/**
 *   x [N,L] ─► Unsqueeze(1) ─► MaxPool(4, stride 4) ─► f [N,1,floor(L/4)]
 *   Shape(f)[2] == 1 ─► cond
 *   If(cond) ─┬─ then: Squeeze(f, [2]) ─► [N,1]
 *             └─ else: Identity(f)     ─► [N,1,T]
 *             ─► Sigmoid ─► Mul(2) ─► out
 */
function model(): Uint8Array {
  const branch = (nodes: SubgraphSpec['nodes'], initializers: SubgraphSpec['initializers']): SubgraphSpec => ({
    outputs: [{ name: 'b_out' }],
    nodes,
    initializers,
  });
  const i64 = (v: bigint) => ({ dtype: 'int64' as const, dims: [1], data: new BigInt64Array([v]) });
  const thenG = branch([{ op: 'Squeeze', inputs: ['f', 'last'], outputs: ['b_out'] }], { last: i64(2n) });
  const elseG = branch([{ op: 'Identity', inputs: ['f'], outputs: ['b_out'] }], {});
  const g = buildGraph({
    inputs: [{ name: 'x', shape: ['N', 'L'] }],
    outputs: [{ name: 'out' }],
    initializers: {
      one_axis: i64(1n),
      two: { dtype: 'int64', dims: [], data: new BigInt64Array([2n]) },
      one: { dtype: 'int64', dims: [], data: new BigInt64Array([1n]) },
      scale: { dtype: 'float32', dims: [], data: Float32Array.from([2]) },
    },
    nodes: [
      { op: 'Unsqueeze', inputs: ['x', 'one_axis'], outputs: ['u'] },
      { op: 'MaxPool', inputs: ['u'], outputs: ['f'], attrs: { kernel_shape: [4], strides: [4] } },
      { op: 'Shape', inputs: ['f'], outputs: ['s'] },
      { op: 'Gather', inputs: ['s', 'two'], outputs: ['frames'] },
      { op: 'Equal', inputs: ['frames', 'one'], outputs: ['cond'] },
      { op: 'If', inputs: ['cond'], outputs: ['y'], attrs: { then_branch: { graph: thenG }, else_branch: { graph: elseG } } },
      { op: 'Sigmoid', inputs: ['y'], outputs: ['sg'] },
      { op: 'Mul', inputs: ['sg', 'scale'], outputs: ['out'] },
    ],
  });
  return encodeModel(g.toModel());
}

const input = (n: number, l: number) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: n * l }, (_, i) => Math.sin(i * 1.3) * 3),
    [n, l],
  );

async function compareOverRange(bytes: Uint8Array, hybrid: Awaited<ReturnType<typeof compile>>, ls: number[]): Promise<void> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    for (const n of [1, 2, 3]) {
      for (const l of ls) {
        const x = input(n, l);
        const got = (await hybrid.run({ x })).out!;
        const want = (await session.run({ x })).out!;
        expect(got.dims).toEqual(want.dims);
        const [g, w] = [got.data as Float32Array, want.data as Float32Array];
        expect(g.length).toBe(w.length);
        w.forEach((v, i) => expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
      }
    }
  } finally {
    await session.release();
  }
}

const inlineIfNotes = (hybrid: Awaited<ReturnType<typeof compile>>) =>
  hybrid.report.data.lowering?.passes.find((p) => p.name === 'inline-if')?.notes ?? [];

describe('an If decided by the shapes of a range', () => {
  it('takes its one branch over a range of lengths that all give one frame, and runs on engines only', async () => {
    const bytes = model();
    const hybrid = await compile(bytes, { backend: 'cpu', inputs: { x: { min: [1, 4], opt: [2, 5], max: [3, 7] } }, minBlockSize: 0 });
    try {
      expect(inlineIfNotes(hybrid).some((n) => /true at each of the 12 shapes of the range; its then_branch inlined/.test(n))).toBe(true);
      expect(hybrid.report.data.summary.fallbackSegments).toBe(0);
      expect(hybrid.report.data.summary.coverage).toBe(1);
      await compareOverRange(bytes, hybrid, [4, 5, 6, 7]);
    } finally {
      await hybrid.dispose();
    }
  });

  it('takes it over several profiles only where every profile gives one frame', async () => {
    const bytes = model();
    const profile = (min: number, max: number) => ({ x: { min: [1, min], opt: [2, min], max: [3, max] } });
    const hybrid = await compile(bytes, { backend: 'cpu', profiles: [profile(4, 5), profile(6, 7)], minBlockSize: 0 });
    try {
      expect(inlineIfNotes(hybrid).some((n) => /true at each of the 12 shapes of the range/.test(n))).toBe(true);
      expect(hybrid.report.data.summary.fallbackSegments).toBe(0);
      await compareOverRange(bytes, hybrid, [4, 5, 6, 7]);
    } finally {
      await hybrid.dispose();
    }
    const crossing = await compile(bytes, { backend: 'cpu', profiles: [profile(4, 5), profile(6, 9)], minBlockSize: 0 });
    try {
      expect(inlineIfNotes(crossing).find((n) => n.startsWith("left If 'If"))).toMatch(/is true at x \[1,4\] and false at x \[1,8\]/);
    } finally {
      await crossing.dispose();
    }
  });

  it('stays on onnxruntime where the range holds lengths of both branches, naming two of them', async () => {
    const bytes = model();
    const hybrid = await compile(bytes, { backend: 'cpu', inputs: { x: { min: [1, 4], opt: [2, 5], max: [3, 8] } }, minBlockSize: 0 });
    try {
      const note = inlineIfNotes(hybrid).find((n) => n.startsWith("left If 'If"));
      expect(note).toMatch(/is true at x \[1,4\] and false at x \[1,8\], both in the range/);
      expect(hybrid.report.data.summary.fallbackSegments).toBeGreaterThanOrEqual(1);
      const sigmoid = hybrid.report.data.nodes.find((n) => n.name.startsWith('Sigmoid'));
      expect(sigmoid?.reason ?? '').toMatch(/has rank 3 at the max shapes and 2 at the min shapes/);
      await compareOverRange(bytes, hybrid, [4, 7, 8]);
    } finally {
      await hybrid.dispose();
    }
  });
});
