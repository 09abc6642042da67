/**
 * The attention fusion taking in the transposes exporters write around attention
 * (native/src/builder/attention_fusion.h): q, k and v split into heads as [B, S, H, D] and
 * transposed to [B, H, S, D] (k straight to [B, H, D, S], as BERT's exporter writes
 * permute + transpose as one Transpose), the output transposed back to [B, S, H, Dv]. The layer
 * reads and writes through strides (qPerm, kPerm, vPerm, outPerm, native/layers/attention.h),
 * so that the engine holds the attention layer and nothing else; held to onnxruntime on the
 * backend under test (cpu in CI; test/gpu/attention.test.ts runs the fusion suites on cuda)
 * within 1e-4 of each output's scale, also over a batch and sequence range, and with
 * permutations that are not their own inverse (3-cycles, two transposes in a row), which hold
 * the direction of every permutation and its composition.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel, type ModelSpec } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import { BACKEND } from '../engine/helpers/compare.js';
import { randomFloat } from '../engine/helpers/random.js';
import { expectMatches } from '../helpers/ranges.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { swinFeeds, swinScoresSpec } from '../helpers/swin-attention.js';
import { torchMhaSpec } from '../helpers/torch-mha.js';

interface Heads {
  b: number;
  s: number;
  t: number;
  h: number;
  d: number;
  dv: number;
  /** k's Transpose: to [B, H, D, T] at once (BERT), or to [B, H, T, D] with transB on the product. */
  kForm: 'bhdt' | 'bhtd';
  /** The output transposed back to [B, S, H, Dv] (else left as [B, H, S, Dv]). */
  outBack: boolean;
  mask: boolean;
}

function headsModel(c: Heads, symbolic = false): Uint8Array {
  const [B, S, T] = symbolic ? ['b', 's', 's'] : [c.b, c.s, c.t];
  const nodes: ModelSpec['nodes'] = [
    { op: 'Transpose', inputs: ['q'], outputs: ['qh'], attrs: { perm: [0, 2, 1, 3] } },
    { op: 'Transpose', inputs: ['v'], outputs: ['vh'], attrs: { perm: [0, 2, 1, 3] } },
  ];
  if (c.kForm === 'bhdt') {
    nodes.push({ op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 2, 3, 1] } });
    nodes.push({ op: 'MatMul', inputs: ['qh', 'kt'], outputs: ['s0'] });
  } else {
    // [B, H, T, D], then the last two swapped by a second Transpose before the product.
    nodes.push({ op: 'Transpose', inputs: ['k'], outputs: ['kh'], attrs: { perm: [0, 2, 1, 3] } });
    nodes.push({ op: 'Transpose', inputs: ['kh'], outputs: ['kt'], attrs: { perm: [0, 1, 3, 2] } });
    nodes.push({ op: 'MatMul', inputs: ['qh', 'kt'], outputs: ['s0'] });
  }
  nodes.push({ op: 'Div', inputs: ['s0', 'c'], outputs: ['s1'] });
  let s = 's1';
  if (c.mask) {
    nodes.push({ op: 'Add', inputs: [s, 'mask'], outputs: ['s2'] });
    s = 's2';
  }
  nodes.push({ op: 'Softmax', inputs: [s], outputs: ['p'], attrs: { axis: -1 } });
  nodes.push({ op: 'MatMul', inputs: ['p', 'vh'], outputs: [c.outBack ? 'o' : 'y'] });
  if (c.outBack) nodes.push({ op: 'Transpose', inputs: ['o'], outputs: ['y'], attrs: { perm: [0, 2, 1, 3] } });
  return encodeModel(
    buildModel({
      inputs: [
        { name: 'q', shape: [B, S, c.h, c.d] },
        { name: 'k', shape: [B, T, c.h, c.d] },
        { name: 'v', shape: [B, T, c.h, c.dv] },
        ...(c.mask ? [{ name: 'mask', shape: [B, 1, 1, T] }] : []),
      ],
      outputs: [{ name: 'y' }],
      initializers: { c: { dtype: 'float32', dims: [], data: Float32Array.of(Math.sqrt(c.d)) } },
      nodes,
    }),
  );
}

function feeds(c: Heads, seed: number): Record<string, ReturnType<typeof toOrtTensor>> {
  const out: Record<string, ReturnType<typeof toOrtTensor>> = {
    q: toOrtTensor(randomFloat([c.b, c.s, c.h, c.d], seed, -2, 2)),
    k: toOrtTensor(randomFloat([c.b, c.t, c.h, c.d], seed + 1, -2, 2)),
    v: toOrtTensor(randomFloat([c.b, c.t, c.h, c.dv], seed + 2)),
  };
  if (c.mask) {
    const m = randomFloat([c.b, 1, 1, c.t], seed + 3, -1, 0);
    const data = m.data as Float32Array;
    for (let i = 0; i < data.length; i++) if (i % c.t > c.t - 3 - (Math.floor(i / c.t) % 2)) data[i] = -Infinity;
    out.mask = toOrtTensor(m);
  }
  return out;
}

/** Layer kinds per engine, without the constants (the scale's constant may stay, unread). */
const kinds = (m: Awaited<ReturnType<typeof compile>>) => m.report.engines.map((e) => Object.keys(e.layerKinds).filter((k) => k !== 'constant'));

describeIf(HAS_NATIVE, 'attention fusion through transposed views', NATIVE_MISSING, () => {
  const cases: Array<[string, Heads]> = [
    [
      'BERT: k to [B, H, D, T] at once, output back, a padding mask',
      { b: 2, s: 12, t: 12, h: 3, d: 8, dv: 8, kForm: 'bhdt', outBack: true, mask: true },
    ],
    ['k through two transposes (transK), S != T, Dv != D', { b: 2, s: 5, t: 9, h: 2, d: 8, dv: 4, kForm: 'bhtd', outBack: true, mask: false }],
    ['the output left as [B, H, S, Dv]', { b: 1, s: 7, t: 7, h: 4, d: 16, dv: 16, kForm: 'bhdt', outBack: false, mask: true }],
  ];
  for (const [label, c] of cases) {
    it(`${label}: one attention layer and nothing else, as onnxruntime`, async () => {
      const model = headsModel(c);
      const m = await compile(model, { backend: BACKEND, threads: 1 });
      try {
        expect(kinds(m)).toEqual([['attention']]);
        await expectMatches(m, model, feeds(c, 5), label);
      } finally {
        await m.dispose();
      }
    });
  }

  it.each([2, 1])(
    "PyTorch 2.x's nn.MultiheadAttention split (ViT, batch %i): one attention layer reading q, k, v in place from the packed projection",
    async (b) => {
      // The lowering's sink-transposes pass moves the head-splitting transposes past the views
      // that merge and split B*H and the reshapes before the gathers, so that the fusion reads
      // each operand as one entry of the packed projection (qSelect...) through one permutation.
      const size = { s: 9, b, h: 3, d: 8, scaled: true };
      const model = encodeModel(buildModel(torchMhaSpec(size)));
      const m = await compile(model, { backend: BACKEND, threads: 1 });
      try {
        expect(kinds(m)).toEqual([['shuffle', 'attention']]);
        // The shuffles are views (no copy): the reshapes of x into [S, B, 3, H, D].
        const [engine] = m.report.engines;
        expect(engine!.aliases).toBe(engine!.layerKinds.shuffle);
        const x = toOrtTensor(randomFloat([size.s, size.b, 3 * size.h * size.d], 70, -2, 2));
        await expectMatches(m, model, { x }, 'torch MHA');
      } finally {
        await m.dispose();
      }
    },
  );

  it.each([2, 1])('the same with its output projection and residual (batch %i): attention, then one matmul taking the residual in', async (b) => {
    // sink-transposes folds the rows transpose after the projection into the attention's
    // output permutation and moves the residual add onto the product (rows-through-linear.ts).
    const size = { s: 9, b, h: 3, d: 8, scaled: true, outProjection: true };
    const model = encodeModel(buildModel(torchMhaSpec(size)));
    const m = await compile(model, { backend: BACKEND, threads: 1 });
    try {
      expect(kinds(m)).toEqual([['shuffle', 'attention', 'matmul']]);
      const [engine] = m.report.engines;
      expect(engine!.aliases).toBe(engine!.layerKinds.shuffle);
      const x = toOrtTensor(randomFloat([size.s, size.b, 3 * size.h * size.d], 71, -2, 2));
      const r = toOrtTensor(randomFloat([size.b, size.s, size.h * size.d], 72, -2, 2));
      await expectMatches(m, model, { x, r }, 'torch MHA with its output projection');
    } finally {
      await m.dispose();
    }
  });

  it.each([2, 1])("Swin's shifted windows (a bias, then a mask through a per-window view; batch %i): one attention layer", async (b) => {
    // The lowering's merge-score-adds pass computes the scores per window and adds bias + mask once.
    const size = { b, nW: 4, h: 3, s: 7, d: 8 };
    const model = encodeModel(buildModel(swinScoresSpec(size)));
    const m = await compile(model, { backend: BACKEND, threads: 1 });
    try {
      expect(m.report.engines.map((e) => e.layerKinds.attention)).toEqual([1]);
      expect(m.report.engines.map((e) => e.layerKinds.softmax ?? 0)).toEqual([0]);
      const feeds = Object.fromEntries(Object.entries(swinFeeds(size, 80)).map(([k, t]) => [k, toOrtTensor(t)]));
      await expectMatches(m, model, feeds, 'swin windows');
    } finally {
      await m.dispose();
    }
  });

  it('permutations that are not their own inverse: 3-cycles on q and the output, two transposes on k and on q', async () => {
    const [B, S, T, H, D] = [2, 5, 7, 3, 8];
    // Each operand: its logical shape and the Transposes applied to its input, in order.
    const ops: Record<'q' | 'k' | 'v', { logical: number[]; perms: number[][] }> = {
      q: {
        logical: [B, H, S, D],
        perms: [
          [1, 0, 2, 3],
          [1, 2, 0, 3],
        ],
      },
      k: {
        logical: [B, H, D, T],
        perms: [
          [2, 0, 1, 3],
          [0, 1, 3, 2],
        ],
      },
      v: { logical: [B, H, T, D], perms: [[1, 2, 0, 3]] },
    };
    const outPerm = [2, 0, 1, 3]; // [B, H, S, D] -> [S, B, H, D]
    const inputShape = (logical: number[], perms: number[][]) => {
      let shape = logical;
      for (const p of [...perms].reverse()) {
        const prev = new Array<number>(shape.length);
        p.forEach((from, i) => (prev[from] = shape[i]!));
        shape = prev;
      }
      return shape;
    };
    const nodes: ModelSpec['nodes'] = [];
    const last: Record<string, string> = {};
    for (const [name, { perms }] of Object.entries(ops)) {
      let cur = name;
      perms.forEach((perm, j) => {
        nodes.push({ op: 'Transpose', inputs: [cur], outputs: [`${name}${j}`], attrs: { perm } });
        cur = `${name}${j}`;
      });
      last[name] = cur;
    }
    nodes.push(
      { op: 'MatMul', inputs: [last.q!, last.k!], outputs: ['s0'] },
      { op: 'Div', inputs: ['s0', 'c'], outputs: ['s1'] },
      { op: 'Softmax', inputs: ['s1'], outputs: ['p'], attrs: { axis: -1 } },
      { op: 'MatMul', inputs: ['p', last.v!], outputs: ['o'] },
      { op: 'Transpose', inputs: ['o'], outputs: ['y'], attrs: { perm: outPerm } },
    );
    const shapes = Object.fromEntries(Object.entries(ops).map(([n, o]) => [n, inputShape(o.logical, o.perms)]));
    const model = encodeModel(
      buildModel({
        inputs: Object.entries(shapes).map(([name, shape]) => ({ name, shape })),
        outputs: [{ name: 'y' }],
        initializers: { c: { dtype: 'float32', dims: [], data: Float32Array.of(Math.sqrt(D)) } },
        nodes,
      }),
    );
    const m = await compile(model, { backend: BACKEND, threads: 1 });
    try {
      expect(kinds(m)).toEqual([['attention']]);
      const feeds = Object.fromEntries(Object.entries(shapes).map(([n, shape], i) => [n, toOrtTensor(randomFloat(shape, 60 + i, -2, 2))]));
      await expectMatches(m, model, feeds, '3-cycles');
    } finally {
      await m.dispose();
    }
  });

  it('over a batch and sequence range: one attention layer, as onnxruntime at min, opt, max and between', async () => {
    const c: Heads = { b: 2, s: 10, t: 10, h: 2, d: 8, dv: 8, kForm: 'bhdt', outBack: true, mask: true };
    const model = headsModel(c, true);
    const range = (opt: number[], min: number[], max: number[]) => ({ min, opt, max });
    const m = await compile(model, {
      backend: BACKEND,
      threads: 1,
      inputs: {
        q: range([2, 10, 2, 8], [1, 1, 2, 8], [3, 24, 2, 8]),
        k: range([2, 10, 2, 8], [1, 1, 2, 8], [3, 24, 2, 8]),
        v: range([2, 10, 2, 8], [1, 1, 2, 8], [3, 24, 2, 8]),
        mask: range([2, 1, 1, 10], [1, 1, 1, 1], [3, 1, 1, 24]),
      },
    });
    try {
      expect(kinds(m)).toEqual([['attention']]);
      for (const [b, s] of [
        [1, 1],
        [2, 10],
        [3, 24],
        [1, 17],
      ] as const) {
        await expectMatches(m, model, feeds({ ...c, b, s, t: s }, 40 + s), `batch ${b}, sequence ${s}`);
      }
    } finally {
      await m.dispose();
    }
  });
});
