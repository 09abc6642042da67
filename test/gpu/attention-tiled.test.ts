/**
 * The attention layer's `tiled` kernel (native/cuda/attention_tiled.cuh: 64 query rows a block,
 * keys in tiles of 64, tensor-core products) in fp16 and bf16 engines, against the same layer
 * in an fp32 engine (the `rows` kernel, which test/gpu/attention.test.ts holds to onnxruntime):
 * shapes as BERT, ViT and one-token decode have them, S and T that are no multiple of a tile,
 * both layouts of k, head sizes 16 to 128 with Dv unlike D and both 128 (the largest tiles:
 * 113 KB of shared memory), masks that broadcast with -inf entries, and a row with every key
 * masked under nanToZero.
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
import { CUDA, DEVICE, NO_CUDA } from './helpers.js';

// The kernel needs sm_80 (bf16 and fp16 WMMA as it uses them); older devices keep `rows`.
const SM = Number(/sm_(\d+)/.exec(DEVICE)?.[1] ?? 0);
const RUNS = CUDA && SM >= 80;
const WHY = CUDA ? `the tiled kernel needs sm_80 or newer (${DEVICE})` : NO_CUDA;

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
];

function net(c: Case): NetworkDefinition {
  const d = new NetDraft('attention');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const q = d.input('q', 'float32', [...c.batch, c.s, c.d]);
  const k = d.input('k', 'float32', c.transK ? [...c.batch, c.t, c.d] : [...c.batch, c.d, c.t]);
  const v = d.input('v', 'float32', [...c.batch, c.t, c.dv]);
  const inputs = [q, k, v];
  if (c.mask) inputs.push(d.input('mask', 'float32', c.mask.shape));
  const params = { scale: 1 / Math.sqrt(c.d), transK: c.transK, ...(c.nanToZero ? { nanToZero: true } : {}) };
  const [y] = d.layer('attention', 'att', inputs, params, [f32([...c.batch, c.s, c.dv])]);
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

describeIf(RUNS, 'the tiled attention kernel (cuda)', WHY, () => {
  for (const c of cases) {
    for (const [precision, tol] of [
      ['fp16', 1e-2],
      ['bf16', 3e-2],
    ] as const) {
      it(`${c.label}: ${precision} as the fp32 rows kernel within ${tol}`, async () => {
        const ref = await buildEngine(net(c), { backend: 'cuda' });
        const ours = await buildEngine(net(c), { backend: 'cuda', precisions: [precision] });
        try {
          expect(ref.info().layers.find((l) => l.name === 'att')!.tactic).toBe('rows');
          expect(ours.info().layers.find((l) => l.name === 'att')!.tactic).toBe('tiled');
          const x = feeds(c);
          const [want] = (await ref.createContext().run(x)) as Float32Array[];
          const [have] = (await ours.createContext().run(x)) as Float32Array[];
          expect(want!.every(Number.isFinite)).toBe(true);
          expect(maxRelError(have!, want!)).toBeLessThanOrEqual(tol);
          if (c.nanToZero) expect(have!.subarray(7 * c.dv, 8 * c.dv).every((e) => e === 0)).toBe(true);
        } finally {
          ref.dispose();
          ours.dispose();
        }
      });
    }
  }
});
