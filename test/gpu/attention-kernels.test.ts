/**
 * The attention layer's tensor-core kernels, each forced with HYBRIDRT_ATTENTION_TACTIC:
 * `flash` (native/cuda/attention_flash.cuh: FlashAttention-2 on mma.sync, rows in registers)
 * and `tiled` (attention_tiled.cuh: WMMA over shared-memory tiles), in fp16 and bf16 engines,
 * against the same layer in an fp32 engine (the `rows` kernel, which test/gpu/attention.test.ts
 * holds to onnxruntime): shapes as BERT, ViT and one-token decode have them, S and T that are no
 * multiple of a tile, both layouts of k, head sizes 16 to 128 with Dv unlike D and both 128
 * (tiled's largest tiles: 113 KB of shared memory), head sizes and key counts no multiple of 8
 * (flash only: rows copied element by element), masks that broadcast with -inf entries, a
 * row with every key masked under nanToZero, and q, k, v and the output in [B, S, H, D] memory
 * read and written through the layer's permutations (rows of 120 bytes: half of them not
 * 16-byte aligned). Unforced, the build times the candidates and
 * takes one of them.
 *
 * Tolerance, of the output's scale: fp16 1e-2 (q, k, v, the probabilities and the output are
 * rounded to 2^-11 relative, the products accumulate in fp32), bf16 3e-2 (2^-8 each).
 */
import { expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { maxRelError } from '../engine/helpers/compare.js';
import { NetDraft } from '../engine/helpers/net.js';
import { randomFloat } from '../engine/helpers/random.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, DEVICE, NO_CUDA, withEnv } from './helpers.js';

// The kernels need sm_80 (bf16 and fp16 tensor-core products); older devices keep `rows`.
const SM = Number(/sm_(\d+)/.exec(DEVICE)?.[1] ?? 0);
const RUNS = CUDA && SM >= 80;
const WHY = CUDA ? `the tensor-core kernels need sm_80 or newer (${DEVICE})` : NO_CUDA;

interface Case {
  label: string;
  batch: number[];
  s: number;
  t: number;
  d: number;
  dv: number;
  transK: boolean;
  /** The mask's shape (broadcasting onto [...batch, S, T]) and which entries are -inf. */
  mask?: { shape: number[]; masked: (index: number[]) => boolean };
  nanToZero?: boolean;
  /**
   * batch [B, H] with q, k, v and the output in [B, S, H, D] memory, read and written through
   * qPerm/kPerm/vPerm/outPerm [0, 2, 1, 3] (the transposes the fusion folds in): row strides of
   * H * D, rows not all 16-byte aligned where H * D * 2 is no multiple of 16.
   */
  heads?: boolean;
}

const cases: Case[] = [
  { label: 'BERT-base: 12 heads, S = T = 128, d 64', batch: [2, 12], s: 128, t: 128, d: 64, dv: 64, transK: false },
  {
    label: 'ViT: S = T = 197, transK, a key padding mask',
    batch: [2, 4],
    s: 197,
    t: 197,
    d: 64,
    dv: 64,
    transK: true,
    mask: { shape: [2, 1, 1, 197], masked: ([b, , , t]) => t! > 180 - 20 * b! },
  },
  { label: 'one-token decode: S = 1, T = 128', batch: [1, 12], s: 1, t: 128, d: 64, dv: 64, transK: false },
  {
    label: 'causal [S, T] mask, d 128, Dv 32, a fully masked row under nanToZero',
    batch: [3],
    s: 100,
    t: 300,
    d: 128,
    dv: 32,
    transK: false,
    mask: { shape: [100, 300], masked: ([s, t]) => s === 7 || t! > s! + 200 },
    nanToZero: true,
  },
  { label: 'd 16, Dv 48, S 70, T 65', batch: [5], s: 70, t: 65, d: 16, dv: 48, transK: true },
  { label: 'd = Dv = 128, S 130, T 200', batch: [2, 2], s: 130, t: 200, d: 128, dv: 128, transK: true },
  {
    label: 'd 40, Dv 24, S 37, T 77, k as [D, T] (rows of T no multiple of 8)',
    batch: [2, 3],
    s: 37,
    t: 77,
    d: 40,
    dv: 24,
    transK: false,
    mask: { shape: [1, 3, 37, 77], masked: ([, h, s, t]) => t! > s! + 10 * h! },
  },
  { label: 'd 80, Dv 100, S 65, T 129, transK', batch: [3], s: 65, t: 129, d: 80, dv: 100, transK: true },
  { label: 'd = Dv = 96, S 1, T 1 (one key)', batch: [4], s: 1, t: 1, d: 96, dv: 96, transK: false },
  {
    label: 'strided heads [B, S, H, D], d 64, a padding mask',
    batch: [2, 3],
    s: 70,
    t: 70,
    d: 64,
    dv: 64,
    transK: true,
    heads: true,
    mask: { shape: [2, 1, 1, 70], masked: ([b, , , t]) => t! > 60 - 9 * b! },
  },
  { label: 'strided heads, H 3 x d 20 (rows of 120 bytes), k as [D, T]', batch: [2, 3], s: 33, t: 41, d: 20, dv: 20, transK: false, heads: true },
];

/** Whether a kernel takes a case's head sizes (tiled: multiples of 16; both: at most 128). */
function applies(tactic: string, c: Case): boolean {
  return tactic === 'flash' || (c.d % 16 === 0 && c.dv % 16 === 0);
}

/** An input's memory shape: [B, S, H, D] for `heads` (the layer's perm [0, 2, 1, 3] reads it as [B, H, S, D]). */
function memory(c: Case, logical: number[]): number[] {
  return c.heads ? [logical[0]!, logical[2]!, logical[1]!, logical[3]!] : logical;
}

function net(c: Case): NetworkDefinition {
  const d = new NetDraft('attention');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const q = d.input('q', 'float32', memory(c, [...c.batch, c.s, c.d]));
  // k with heads: [B, T, H, D] read as [B, H, T, D] (transK), or [B, D, H, T] read as [B, H, D, T].
  const k = d.input('k', 'float32', memory(c, c.transK ? [...c.batch, c.t, c.d] : [...c.batch, c.d, c.t]));
  const v = d.input('v', 'float32', memory(c, [...c.batch, c.t, c.dv]));
  const inputs = [q, k, v];
  if (c.mask) inputs.push(d.input('mask', 'float32', c.mask.shape));
  const perm = [0, 2, 1, 3];
  const params = {
    scale: 1 / Math.sqrt(c.d),
    transK: c.transK,
    ...(c.nanToZero ? { nanToZero: true } : {}),
    ...(c.heads ? { qPerm: perm, kPerm: perm, vPerm: perm, outPerm: perm } : {}),
  };
  const [y] = d.layer('attention', 'att', inputs, params, [f32(memory(c, [...c.batch, c.s, c.dv]))]);
  d.output(y!);
  return d.finish();
}

function feeds(c: Case): Float32Array[] {
  const n = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const b = n(c.batch);
  const out = [
    randomFloat([b * c.s * c.d], 1, -2, 2).data as Float32Array,
    randomFloat([b * c.t * c.d], 2, -2, 2).data as Float32Array,
    randomFloat([b * c.t * c.dv], 3, -1, 1).data as Float32Array,
  ];
  if (c.mask) {
    const { shape, masked } = c.mask;
    const m = randomFloat([n(shape)], 4, -1, 0).data as Float32Array;
    for (let i = 0; i < m.length; i++) {
      const index: number[] = [];
      for (let r = i, a = shape.length - 1; a >= 0; a--) (index.unshift(r % shape[a]!), (r = Math.floor(r / shape[a]!)));
      if (masked(index)) m[i] = -Infinity;
    }
    out.push(m);
  }
  return out;
}

async function compare(c: Case, precision: 'fp16' | 'bf16', tol: number, tactic?: string): Promise<string> {
  const ref = await buildEngine(net(c), { backend: 'cuda' });
  try {
    const build = () => buildEngine(net(c), { backend: 'cuda', precisions: [precision] });
    const ours = await (tactic ? withEnv({ HYBRIDRT_ATTENTION_TACTIC: tactic }, build) : build());
    try {
      expect(ref.info().layers.find((l) => l.name === 'att')!.tactic).toBe('rows');
      const chosen = ours.info().layers.find((l) => l.name === 'att')!.tactic!;
      const x = feeds(c);
      const [want] = (await ref.createContext().run(x)) as Float32Array[];
      const [have] = (await ours.createContext().run(x)) as Float32Array[];
      expect(want!.every(Number.isFinite)).toBe(true);
      expect(maxRelError(have!, want!)).toBeLessThanOrEqual(tol);
      if (c.nanToZero) expect(have!.subarray(7 * c.dv, 8 * c.dv).every((e) => e === 0)).toBe(true);
      return chosen;
    } finally {
      ours.dispose();
    }
  } finally {
    ref.dispose();
  }
}

const PRECISIONS = [
  ['fp16', 1e-2],
  ['bf16', 3e-2],
] as const;

describeIf(RUNS, 'the tensor-core attention kernels (cuda)', WHY, () => {
  for (const tactic of ['flash', 'tiled']) {
    for (const c of cases.filter((c) => applies(tactic, c))) {
      for (const [precision, tol] of PRECISIONS) {
        it(`${tactic}: ${c.label}: ${precision} as the fp32 rows kernel within ${tol}`, async () => {
          expect(await compare(c, precision, tol, tactic)).toBe(tactic);
        });
      }
    }
  }
  it('unforced, the build times the candidates and takes one that applies', async () => {
    const bert = cases[0]!;
    expect(['flash', 'tiled', 'rows']).toContain(await compare(bert, 'fp16', 1e-2));
    const odd = cases.find((c) => c.d === 40)!;
    expect(['flash', 'rows']).toContain(await compare(odd, 'fp16', 1e-2));
  });
});
