/**
 * The attention fusion (native/src/builder/attention_fusion.h) on models written as exporters
 * write attention: matmul(q, k^T) -> scale (Div or Mul by a constant) -> + mask -> Softmax ->
 * matmul(p, v). Each model is compiled on the test backend (cpu here; test/gpu/attention.test.ts
 * runs this file on cuda, and fp16 there), held to onnxruntime on the same feeds within FP32_TOL
 * of each output's scale, and checked to have become one attention layer, or none where the
 * chain must stay as written (a score read elsewhere, a log-softmax, a softmax over another
 * axis). Masks include -inf entries and broadcast along batch, heads and queries; shapes include
 * cross attention (S != T, Dv != D), a head size over 32 lanes, and batch and sequence ranges.
 */
import type ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel, type ModelSpec } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { BACKEND } from '../engine/helpers/compare.js';
import { randomFloat } from '../engine/helpers/random.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import { expectMatches } from '../helpers/ranges.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

interface Chain {
  q: number[];
  k: number[];
  v: number[];
  /** k is [..., T, D]; the model feeds it so and transposes it with a Transpose node (default), or feeds it as [..., D, T]. */
  kLayout?: 'td' | 'dt';
  scale?: { op: 'Div' | 'Mul'; value: number };
  /** q and k (after its transpose) each times the root of this, as PyTorch's exporter writes SDPA. */
  prescale?: number;
  mask?: number[];
  softmax?: { op?: 'Softmax' | 'LogSoftmax'; axis?: number };
  /** Also gives the scores as an output (a second reader: nothing may be fused). */
  scoresOut?: boolean;
  /** where(isnan(p), 0, p) after the softmax, as PyTorch exports attention. */
  nanGuard?: boolean;
  /** Mask rows (flat index over the mask's leading dims and S) whose every entry is -inf. */
  deadRows?: number[];
}

/** q, k, v (and mask) as graph inputs, the chain as written; symbolic dims where `dims` names them. */
function chainModel(c: Chain, dims?: Partial<Record<'q' | 'k' | 'v' | 'mask', Array<number | string>>>): Uint8Array {
  const rank = c.q.length;
  const kShape = c.kLayout === 'dt' ? [...c.k.slice(0, -2), c.k[rank - 1]!, c.k[rank - 2]!] : c.k;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const nodes: ModelSpec['nodes'] = [];
  let kt = 'k';
  if (c.kLayout !== 'dt') {
    nodes.push({ op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm } });
    kt = 'kt';
  }
  const initializers: ModelSpec['initializers'] = {};
  let q = 'q';
  if (c.prescale) {
    initializers.r = { dtype: 'float32', dims: [], data: Float32Array.of(Math.sqrt(c.prescale)) };
    nodes.push({ op: 'Mul', inputs: ['q', 'r'], outputs: ['qs'] }, { op: 'Mul', inputs: [kt, 'r'], outputs: ['ks'] });
    ((q = 'qs'), (kt = 'ks'));
  }
  nodes.push({ op: 'MatMul', inputs: [q, kt], outputs: ['s0'] });
  let s = 's0';
  if (c.scale) {
    initializers.c = { dtype: 'float32', dims: [], data: Float32Array.of(c.scale.value) };
    nodes.push({ op: c.scale.op, inputs: [s, 'c'], outputs: ['s1'] });
    s = 's1';
  }
  if (c.mask) {
    nodes.push({ op: 'Add', inputs: [s, 'mask'], outputs: ['s2'] });
    s = 's2';
  }
  nodes.push({ op: c.softmax?.op ?? 'Softmax', inputs: [s], outputs: ['p'], attrs: { axis: c.softmax?.axis ?? -1 } });
  let p = 'p';
  if (c.nanGuard) {
    initializers.z = { dtype: 'float32', dims: [], data: Float32Array.of(0) };
    nodes.push({ op: 'IsNaN', inputs: ['p'], outputs: ['nan'] });
    nodes.push({ op: 'Where', inputs: ['nan', 'z', 'p'], outputs: ['p0'] });
    p = 'p0';
  }
  nodes.push({ op: 'MatMul', inputs: [p, 'v'], outputs: ['y'] });
  const input = (name: 'q' | 'k' | 'v' | 'mask', shape: number[]) => ({ name, shape: dims?.[name] ?? shape });
  return encodeModel(
    buildModel({
      inputs: [input('q', c.q), input('k', kShape), input('v', c.v), ...(c.mask ? [input('mask', c.mask)] : [])],
      outputs: [{ name: 'y' }, ...(c.scoresOut ? [{ name: s }] : [])],
      initializers,
      nodes,
    }),
  );
}

/** Seeded feeds; mask entries below -0.8 become -inf (never a whole row: its first key stays finite). */
function feedsFor(c: Chain, shapes: { q: number[]; k: number[]; v: number[]; mask?: number[] }, seed: number): Record<string, ort.Tensor> {
  const rank = shapes.q.length;
  const kShape = c.kLayout === 'dt' ? [...shapes.k.slice(0, -2), shapes.k[rank - 1]!, shapes.k[rank - 2]!] : shapes.k;
  const feeds: Record<string, ort.Tensor> = {
    q: toOrtTensor(randomFloat(shapes.q, seed, -2, 2)),
    k: toOrtTensor(randomFloat(kShape, seed + 1, -2, 2)),
    v: toOrtTensor(randomFloat(shapes.v, seed + 2)),
  };
  if (shapes.mask) {
    const m = randomFloat(shapes.mask, seed + 3, -1, 1);
    const data = m.data as Float32Array;
    const last = shapes.mask[shapes.mask.length - 1]!;
    for (let i = 0; i < data.length; i++) {
      if ((data[i]! < -0.8 && i % last !== 0) || c.deadRows?.includes(Math.floor(i / last))) data[i] = -Infinity;
    }
    feeds.mask = toOrtTensor(m);
  }
  return feeds;
}

const attentionLayers = (m: Awaited<ReturnType<typeof compile>>) => m.report.engines.reduce((n, e) => n + (e.layerKinds.attention ?? 0), 0);

async function expectChain(c: Chain, fused: boolean, seed = 1): Promise<void> {
  const model = chainModel(c);
  const m = await compile(model, { backend: BACKEND, threads: 1 });
  try {
    expect(m.report.data.summary.fallbackSegments).toBe(0);
    expect(attentionLayers(m)).toBe(fused ? 1 : 0);
    await expectMatches(m, model, feedsFor(c, { q: c.q, k: c.k, v: c.v, ...(c.mask ? { mask: c.mask } : {}) }, seed), 'attention');
  } finally {
    await m.dispose();
  }
}

describeIf(HAS_NATIVE, 'attention fusion', NATIVE_MISSING, () => {
  it('BERT-style: k transposed, scores divided by sqrt(d), a padding mask over batch and keys', () =>
    expectChain({ q: [2, 4, 8, 16], k: [2, 4, 8, 16], v: [2, 4, 8, 16], scale: { op: 'Div', value: 4 }, mask: [2, 1, 1, 8] }, true));

  it('q and k each times a constant, k transposed (PyTorch SDPA): one layer, nothing else left', async () => {
    const c: Chain = { q: [2, 3, 6, 16], k: [2, 3, 9, 16], v: [2, 3, 9, 8], prescale: 0.125, mask: [2, 1, 1, 9] };
    const model = chainModel(c);
    const m = await compile(model, { backend: BACKEND, threads: 1 });
    try {
      // The scalar constants may stay as (dead) constant layers; no shuffle or multiplication may.
      const kinds = m.report.engines.map((e) => Object.keys(e.layerKinds).filter((k) => k !== 'constant'));
      expect(kinds).toEqual([['attention']]);
      await expectMatches(m, model, feedsFor(c, c, 11), 'attention');
    } finally {
      await m.dispose();
    }
  });
  it('k fed as [..., D, T], a Mul scale and no mask', () =>
    expectChain({ q: [3, 2, 5, 8], k: [3, 2, 5, 8], v: [3, 2, 5, 8], kLayout: 'dt', scale: { op: 'Mul', value: 0.35 } }, true, 2));

  it('cross attention without scale: S != T, Dv != D, rank 3, 40 keys (two lane tiles)', () =>
    expectChain({ q: [6, 5, 8], k: [6, 40, 8], v: [6, 40, 20] }, true, 3));

  it('a full mask [B, H, S, T] with -inf entries, a head size of 72 and Dv of 300 (two output passes on cuda)', () =>
    expectChain({ q: [1, 2, 7, 72], k: [1, 2, 9, 72], v: [1, 2, 9, 300], scale: { op: 'Div', value: 8.5 }, mask: [1, 2, 7, 9] }, true, 4));

  it('more query rows than a block of 64 (S 150, T 130, k as [..., D, T], a mask [S, T]): the cpu row blocks', () =>
    expectChain(
      { q: [1, 2, 150, 16], k: [1, 2, 130, 16], v: [1, 2, 130, 24], kLayout: 'dt', scale: { op: 'Div', value: 4 }, mask: [150, 130] },
      true,
      6,
    ));

  it('a causal-style mask [S, T] broadcast over batch and heads', () =>
    expectChain({ q: [2, 3, 6, 16], k: [2, 3, 6, 16], v: [2, 3, 6, 16], scale: { op: 'Mul', value: 0.25 }, mask: [6, 6] }, true, 5));

  it("PyTorch's NaN guard, where(isnan(p), 0, p): fused, a row whose every key is masked gives 0", () =>
    expectChain(
      { q: [2, 2, 4, 8], k: [2, 2, 6, 8], v: [2, 2, 6, 8], scale: { op: 'Mul', value: 0.3 }, mask: [2, 1, 4, 6], nanGuard: true, deadRows: [1, 6] },
      true,
      9,
    ));

  it('stays unfused where the scores have another reader, the softmax is a log-softmax or runs over another axis', async () => {
    const base = { q: [2, 2, 4, 8], k: [2, 2, 4, 8], v: [2, 2, 4, 8], scale: { op: 'Div' as const, value: 2 } };
    await expectChain({ ...base, scoresOut: true }, false, 6);
    await expectChain({ ...base, softmax: { op: 'LogSoftmax' } }, false, 7);
    await expectChain({ ...base, softmax: { axis: 2 } }, false, 8);
  });

  it('over a range, not where a leading dim equal at opt broadcasts at another shape (q batch 1..3 at opt 1, k batch 1)', async () => {
    const c: Chain = { q: [1, 4, 8, 16], k: [1, 4, 8, 16], v: [1, 4, 8, 16], scale: { op: 'Div', value: 4 } };
    const model = chainModel(c, { q: ['b', 4, 8, 16], v: ['b', 4, 8, 16] });
    const m = await compile(model, {
      backend: BACKEND,
      threads: 1,
      inputs: {
        q: { min: [1, 4, 8, 16], opt: [1, 4, 8, 16], max: [3, 4, 8, 16] },
        k: [1, 4, 8, 16],
        v: { min: [1, 4, 8, 16], opt: [1, 4, 8, 16], max: [3, 4, 8, 16] },
      },
    });
    try {
      // One engine, unfused: fused, it would fail its build at batch 3 and fall back whole.
      expect([m.report.engines.length, m.report.data.summary.fallbackSegments, attentionLayers(m)]).toEqual([1, 0, 0]);
      for (const b of [1, 3]) {
        await expectMatches(m, model, feedsFor(c, { q: [b, 4, 8, 16], k: [1, 4, 8, 16], v: [b, 4, 8, 16] }, 30 + b), `batch ${b}`);
      }
    } finally {
      await m.dispose();
    }
  });

  it('over a batch and sequence range: one engine, held to onnxruntime at min, opt, max and between', async () => {
    const c: Chain = { q: [2, 4, 16, 16], k: [2, 4, 16, 16], v: [2, 4, 16, 16], scale: { op: 'Div', value: 4 }, mask: [2, 1, 1, 16] };
    const model = chainModel(c, { q: ['b', 4, 's', 16], k: ['b', 4, 's', 16], v: ['b', 4, 's', 16], mask: ['b', 1, 1, 's'] });
    const range = (d: number[], min: number[], max: number[]) => ({ min, opt: d, max });
    const m = await compile(model, {
      backend: BACKEND,
      threads: 1,
      inputs: {
        q: range(c.q, [1, 4, 1, 16], [3, 4, 40, 16]),
        k: range(c.k, [1, 4, 1, 16], [3, 4, 40, 16]),
        v: range(c.v, [1, 4, 1, 16], [3, 4, 40, 16]),
        mask: range(c.mask!, [1, 1, 1, 1], [3, 1, 1, 40]),
      },
    });
    try {
      expect(attentionLayers(m)).toBe(1);
      for (const [b, s] of [
        [1, 1],
        [2, 16],
        [3, 40],
        [2, 33],
      ] as const) {
        const shape = [b, 4, s, 16];
        await expectMatches(m, model, feedsFor(c, { q: shape, k: shape, v: shape, mask: [b, 1, 1, s] }, 10 + s), `batch ${b}, sequence ${s}`);
      }
    } finally {
      await m.dispose();
    }
  });
});
