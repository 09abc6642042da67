/**
 * The attention layer (native/layers/attention.h; kernels cpu/attention.cc and
 * cuda/attention*.cu) built by hand, one layer per engine, on the backend compare.ts names
 * (test/gpu/engine-layers.test.ts runs these cases on cuda), against its definition computed in
 * float64 (helpers/attention-reference.ts): batch dims of rank 0 to 2, k in both layouts, masks
 * that broadcast along batch, head, query or key with -inf entries, scores large enough to
 * overflow exp without the row's max taken off, more query rows than the cpu kernel's block
 * (64), one query, one key, a fully masked row (NaN, or 0 under nanToZero), q, k, v and the
 * output read and written through permutations ([B, S, H, D] memory), and q, k, v selected
 * from one packed projection [S, B, 3, H, D]. Then float16 and bfloat16 tensors.
 *
 * Tolerance, of the output's scale (its values are averages of v's rows, at most 1 here): fp32
 * compare.ts's (1e-5 on cpu, 1e-4 on cuda). Half tensors, against the reference on the same
 * rounded values: on cpu, which computes in fp32 and rounds the output once, compare.ts's one
 * rounding (1e-3 float16, 8e-3 bfloat16); on cuda, whose tensor-core kernels also round the
 * probabilities, those kernels' contract (1e-2 float16, 3e-2 bfloat16;
 * test/gpu/attention-kernels.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { EngineDType } from '../../src/engine/network.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../../src/onnx/half.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { type AttentionRefParams, type RefTensor, attentionReference, unflatten } from './helpers/attention-reference.js';
import { BACKEND, FP32_TOL, expectClose } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

interface Case {
  label: string;
  /** Physical shapes of q, k, v (one shape, fed once, where `packed`) and the mask. */
  q: number[];
  k: number[];
  v: number[];
  mask?: { dims: number[]; masked?: (index: number[]) => boolean };
  params: AttentionRefParams;
  /** q, k and v are one input tensor (its entries selected by the params). */
  packed?: boolean;
  /** Uniform range of q and k (default ±2). */
  range?: number;
}

const HEADS = [0, 2, 1, 3];

const cases: Case[] = [
  { label: 'batch [2, 3], S 5, T 7, D 8, Dv 6', q: [2, 3, 5, 8], k: [2, 3, 8, 7], v: [2, 3, 7, 6], params: { scale: 0.35, transK: false } },
  { label: 'no batch dims (rank 2), transK', q: [9, 12], k: [10, 12], v: [10, 5], params: { scale: 0.3, transK: true } },
  {
    label: 'transK, a key padding mask [B, 1, 1, T] with -inf entries',
    q: [2, 4, 9, 16],
    k: [2, 4, 11, 16],
    v: [2, 4, 11, 16],
    mask: { dims: [2, 1, 1, 11], masked: ([b, , , t]) => t! > 8 - 3 * b! },
    params: { scale: 0.25, transK: true },
  },
  {
    label: 'a per-head mask [1, H, S, T] broadcast over the batch',
    q: [2, 3, 6, 8],
    k: [2, 3, 8, 10],
    v: [2, 3, 10, 4],
    mask: { dims: [1, 3, 6, 10], masked: ([, h, s, t]) => t! > s! + 2 * h! + 1 },
    params: { scale: 0.5, transK: false },
  },
  {
    label: 'large scores (scale 2, q and k in ±3): the row max taken off before exp',
    q: [2, 7, 32],
    k: [2, 9, 32],
    v: [2, 9, 8],
    params: { scale: 2, transK: true },
    range: 3,
  },
  {
    label: 'S 130 (query blocks of 64, 64 and 2), T 70, a causal [S, T] mask',
    q: [2, 130, 32],
    k: [2, 32, 70],
    v: [2, 70, 20],
    mask: { dims: [130, 70], masked: ([s, t]) => t! > s! },
    params: { scale: 0.18, transK: false },
  },
  { label: 'one query (decode): S 1, T 33, D 64', q: [1, 4, 1, 64], k: [1, 4, 33, 64], v: [1, 4, 33, 64], params: { scale: 0.125, transK: true } },
  { label: 'one key: T 1', q: [4, 3, 16], k: [4, 16, 1], v: [4, 1, 24], params: { scale: 0.25, transK: false } },
  {
    label: 'a fully masked row gives NaN',
    q: [3, 4, 8],
    k: [3, 5, 8],
    v: [3, 5, 6],
    mask: { dims: [4, 5], masked: ([s]) => s === 2 },
    params: { scale: 0.35, transK: true },
  },
  {
    label: 'a fully masked row gives 0 under nanToZero',
    q: [3, 4, 8],
    k: [3, 5, 8],
    v: [3, 5, 6],
    mask: { dims: [4, 5], masked: ([s, t]) => s === 2 || t === 4 },
    params: { scale: 0.35, transK: true, nanToZero: true },
  },
  {
    label: 'q, k, v and the output in [B, S, H, D] memory through [0, 2, 1, 3], transK, a padding mask',
    q: [2, 13, 3, 16],
    k: [2, 15, 3, 16],
    v: [2, 15, 3, 12],
    mask: { dims: [2, 1, 1, 15], masked: ([b, , , t]) => t! > 12 - 4 * b! },
    params: { scale: 0.25, transK: true, qPerm: HEADS, kPerm: HEADS, vPerm: HEADS, outPerm: HEADS },
  },
  {
    label: 'k as [B, D, H, T] read through kPerm [0, 2, 1, 3]',
    q: [2, 3, 7, 20],
    k: [2, 20, 3, 9],
    v: [2, 3, 9, 20],
    params: { scale: 0.22, transK: false, kPerm: HEADS },
  },
  {
    label: 'q, k, v selected from one packed projection [S, B, 3, H, D], the output [S, B, H, Dv]',
    q: [6, 2, 3, 2, 8],
    k: [6, 2, 3, 2, 8],
    v: [6, 2, 3, 2, 8],
    packed: true,
    params: {
      scale: 0.35,
      transK: true,
      qSelect: [2, 0],
      kSelect: [2, 1],
      vSelect: [2, 2],
      qPerm: [1, 2, 0, 3],
      kPerm: [1, 2, 0, 3],
      vPerm: [1, 2, 0, 3],
      outPerm: [2, 0, 1, 3],
    },
  },
];

/** The case's float32 inputs (q, k, v, mask; q alone where packed), seeded, -inf where masked. */
function inputs(c: Case): RefTensor[] {
  const r = c.range ?? 2;
  const q = randomFloat(c.q, 1, -r, r);
  if (c.packed) return [{ dims: c.q, data: q.data as Float32Array }];
  const out: RefTensor[] = [q, randomFloat(c.k, 2, -r, r), randomFloat(c.v, 3, -1, 1)].map((t) => ({ dims: t.dims, data: t.data as Float32Array }));
  if (c.mask) {
    const m = randomFloat(c.mask.dims, 4, -1, 0).data as Float32Array;
    if (c.mask.masked) {
      for (let i = 0; i < m.length; i++) if (c.mask.masked(unflatten(i, c.mask.dims))) m[i] = -Infinity;
    }
    out.push({ dims: c.mask.dims, data: m });
  }
  return out;
}

type Half = 'float16' | 'bfloat16';
const ENCODE = { float16: float32ToFloat16Bits, bfloat16: float32ToBfloat16Bits };
const DECODE = { float16: float16BitsToFloat32, bfloat16: bfloat16BitsToFloat32 };

/** Builds the one-layer engine on BACKEND, runs it on the inputs, and compares with the reference. */
async function check(c: Case, half?: Half): Promise<void> {
  const f32 = inputs(c);
  // The engine's tensors (half bits where `half`) and the values the reference reads (the rounded ones).
  const eng = f32.map((t) => (half ? Uint16Array.from(t.data as Float32Array, (x) => ENCODE[half](x)) : (t.data as Float32Array)));
  const ref = half ? f32.map((t, i) => ({ dims: t.dims, data: Array.from(eng[i]!, (b) => DECODE[half](b)) })) : f32;
  const [q, k, v, mask] = c.packed ? [ref[0]!, ref[0]!, ref[0]!, undefined] : [ref[0]!, ref[1]!, ref[2]!, ref[3]];
  const want = attentionReference(q, k, v, mask, c.params);
  expect(
    Array.from(want.data).some((x) => Number.isFinite(x) && x !== 0),
    'the reference is not all zeros',
  ).toBe(true);

  const dtype: EngineDType = half ?? 'float32';
  const d = new NetDraft('attention');
  const ids = ref.map((t, i) => d.input(['q', 'k', 'v', 'mask'][i]!, dtype, t.dims));
  const layerInputs = c.packed ? [ids[0]!, ids[0]!, ids[0]!] : ids;
  const [y] = d.layer('attention', 'att', layerInputs, c.params, [{ dtype, shape: want.dims }]);
  d.output(y!);
  const engine = await buildEngine(d.finish(), { backend: BACKEND });
  try {
    const [got] = await engine.createContext().run(eng);
    const actual = half ? Array.from(got as Uint16Array, (b) => DECODE[half](b)) : Array.from(got as Float32Array);
    const tol = !half ? FP32_TOL : BACKEND === 'cuda' ? (half === 'float16' ? 1e-2 : 3e-2) : half === 'float16' ? 1e-3 : 8e-3;
    expectClose(actual, Array.from(want.data), tol, `attention (${dtype})`, true);
  } finally {
    engine.dispose();
  }
}

describeIf(HAS_NATIVE, `the attention layer on ${BACKEND}`, NATIVE_MISSING, () => {
  describe('fp32, against float64', () => {
    for (const c of cases) it(c.label, () => check(c));
  });
  describe('half tensors, against float64 on the rounded values', () => {
    for (const half of ['float16', 'bfloat16'] as const) {
      for (const c of cases) it(`${half}: ${c.label}`, () => check(c, half));
    }
  });
});
