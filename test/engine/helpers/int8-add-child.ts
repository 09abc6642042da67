/**
 * Child process of int8-add.test.ts: the int8 add (the builder's int8 form of the elementwise
 * add, native/layers/quant_add.h) against a scalar reference written here, bit for bit, under
 * whatever vector kernel HYBRIDRT_CPU_KERNEL selected: every pair of byte values (a [256, 1]
 * against b [1, 256], and the same pairs as two contiguous tensors), random broadcasting
 * shapes, tensors large enough to be shared among threads, int8 and uint8 operands and outputs
 * with zero points, relu or none, and scales whose quotients fall on halves (ties) or within a
 * rounding of them. Prints one
 * JSON line: the kernel in use, the cases run, and the first mismatch.
 */
import { buildEngine, deviceQuery } from '../../../src/engine/engine.js';
import type { EngineDType } from '../../../src/engine/network.js';
import { mulberry32, randomInt, uniform } from '../../../src/util/random.js';
import { type QType, rint } from './int8-reference.js';
import { NetDraft } from './net.js';

const f = Math.fround;
const size = (d: number[]) => d.reduce((a, b) => a * b, 1);

interface AddCase {
  a: { type: QType; shape: number[]; scale: number; zero: number };
  b: { type: QType; shape: number[]; scale: number; zero: number };
  y: { type: QType; scale: number; zero: number };
  relu: boolean;
}

/**
 * The reference: float32 products and sum (Math.fround after each double operation, which
 * rounds as float32 arithmetic does: a double holds 2 x 24 + 2 bits), relu, the quotient by
 * the output scale rounded half to even, plus the zero point, saturated.
 */
function reference(c: AddCase, a: number, b: number): number {
  let v = f(f((a - c.a.zero) * c.a.scale) + f((b - c.b.zero) * c.b.scale));
  if (c.relu && v < 0) v = 0;
  const lo = c.y.type === 'int8' ? -128 : 0;
  return Math.min(lo + 255, Math.max(lo, rint(f(v / c.y.scale)) + c.y.zero));
}

/** numpy broadcasting of two shapes (they broadcast by construction). */
function broadcastShape(p: number[], q: number[]): number[] {
  const n = Math.max(p.length, q.length);
  return Array.from({ length: n }, (_, i) => {
    const x = p[p.length - n + i] ?? 1,
      y = q[q.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** The element offset in a tensor of `shape` (right-aligned, broadcast) for output index `idx`. */
function offsetOf(shape: number[], out: number[], idx: number): number {
  let off = 0,
    stride = 1,
    rest = idx;
  for (let d = out.length - 1; d >= 0; d--) {
    const i = rest % out[d]!;
    rest = Math.floor(rest / out[d]!);
    const k = d - (out.length - shape.length);
    if (k >= 0) {
      if (shape[k]! !== 1) off += i * stride;
      stride *= shape[k]!;
    }
  }
  return off;
}

const typed = (t: QType, v: number[]) => (t === 'int8' ? Int8Array.from(v) : Uint8Array.from(v));

async function check(label: string, c: AddCase, av: number[], bv: number[]) {
  const d = new NetDraft();
  const a = d.input('a', c.a.type as EngineDType, c.a.shape);
  const b = d.input('b', c.b.type as EngineDType, c.b.shape);
  const out = broadcastShape(c.a.shape, c.b.shape);
  const quant = {
    inputScale: c.a.scale,
    inputZeroPoint: c.a.zero,
    input1Scale: c.b.scale,
    input1ZeroPoint: c.b.zero,
    outputScale: c.y.scale,
    outputZeroPoint: c.y.zero,
  };
  const params = { op: 'add', quant, ...(c.relu ? { activation: { op: 'relu' } } : {}) };
  const [y] = d.layer('elementwise', 'y', [a, b], params, [{ dtype: c.y.type as EngineDType, shape: out }]);
  d.output(y!);
  const engine = await buildEngine(d.finish(), { backend: 'cpu', fusion: false });
  try {
    const tactic = engine.info().layers.find((l) => l.kind === 'elementwise')?.tactic;
    if (tactic !== 'int8_add') throw new Error(`${label}: the layer ran tactic ${tactic}, not int8_add`);
    const [got] = (await engine.createContext().run([typed(c.a.type, av), typed(c.b.type, bv)] as never)) as Array<Int8Array | Uint8Array>;
    for (let i = 0; i < size(out); i++) {
      const want = reference(c, av[offsetOf(c.a.shape, out, i)]!, bv[offsetOf(c.b.shape, out, i)]!);
      if (got![i] !== want) throw new Error(`${label}: output ${i} is ${got![i]}, the reference ${want}`);
    }
  } finally {
    engine.dispose();
  }
}

const range = (t: QType) => (t === 'int8' ? -128 : 0);
const values = (r: () => number, t: QType, n: number) => Array.from({ length: n }, () => randomInt(r, range(t), range(t) + 256));
const zeroOf = (r: () => number, t: QType) => randomInt(r, range(t) + 20, range(t) + 236);

/** Every pair of byte values, broadcast ([256, 1] + [1, 256]) and as two contiguous tensors. */
async function allPairs(label: string, c: Omit<AddCase, 'a' | 'b'> & { a: Omit<AddCase['a'], 'shape'>; b: Omit<AddCase['b'], 'shape'> }) {
  const all = (t: QType) => Array.from({ length: 256 }, (_, i) => range(t) + i);
  await check(`${label} broadcast`, { ...c, a: { ...c.a, shape: [256, 1] }, b: { ...c.b, shape: [1, 256] } }, all(c.a.type), all(c.b.type));
  const av = all(c.a.type).flatMap((v) => Array(256).fill(v) as number[]);
  const bv = Array.from({ length: 65536 }, (_, i) => range(c.b.type) + (i % 256));
  await check(`${label} contiguous`, { ...c, a: { ...c.a, shape: [65536] }, b: { ...c.b, shape: [65536] } }, av, bv);
}

let cases = 0;
let error: string | undefined;
try {
  // Ties: 0.5 and 0.25 steps over an output step of 1 (and 0.5) make v / sy fall on halves.
  for (const [i, [ta, tb, ty]] of (
    [
      ['int8', 'int8', 'int8'],
      ['uint8', 'uint8', 'uint8'],
      ['int8', 'uint8', 'uint8'],
      ['uint8', 'int8', 'int8'],
    ] as const
  ).entries()) {
    const relu = i % 2 === 1;
    await allPairs(`ties ${ta}+${tb}->${ty}`, {
      a: { type: ta, scale: 0.5, zero: ta === 'int8' ? -3 : 128 },
      b: { type: tb, scale: 0.25, zero: tb === 'int8' ? 5 : 120 },
      y: { type: ty, scale: i < 2 ? 1 : 0.5, zero: ty === 'int8' ? -7 : 131 },
      relu,
    });
    cases += 2;
  }
  // Near ties: an output step that is no power of two, equal to a's step and twice b's, so that
  // v / sy falls within a rounding of halves (a quotient off by one ulp rounds the other way).
  for (const [i, s] of [0.05, 0.03, 0.07].entries()) {
    await allPairs(`near ties ${s}`, {
      a: { type: 'int8', scale: f(s), zero: -1 + i },
      b: { type: 'uint8', scale: f(s / 2), zero: 127 + i },
      y: { type: i === 1 ? 'uint8' : 'int8', scale: f(s), zero: i === 1 ? 128 : 0 },
      relu: false,
    });
    cases += 2;
  }
  // Random scales over every pair: most outputs in range, both ends saturated.
  for (let seed = 1; seed <= 6; seed++, cases += 2) {
    const r = mulberry32(seed);
    const t = (): QType => (r() < 0.5 ? 'int8' : 'uint8');
    const ta = t(),
      tb = t(),
      ty = t();
    await allPairs(`pairs ${seed}`, {
      a: { type: ta, scale: f(uniform(r, 0.005, 0.05)), zero: zeroOf(r, ta) },
      b: { type: tb, scale: f(uniform(r, 0.005, 0.05)), zero: zeroOf(r, tb) },
      y: { type: ty, scale: f(uniform(r, 0.01, 0.04)), zero: zeroOf(r, ty) },
      relu: r() < 0.3,
    });
  }
  // Random shapes with broadcasting on either side (and large ones, cut among threads).
  for (let seed = 100; seed < 160; seed++, cases++) {
    const r = mulberry32(seed);
    const large = seed % 10 === 0;
    const rank = randomInt(r, 1, 5);
    const out = Array.from({ length: rank }, () => randomInt(r, 1, large ? 48 : 9));
    if (large) out[rank - 1] = 1500;
    const cut = (p: number) => out.slice(randomInt(r, 0, rank)).map((v) => (r() < p ? 1 : v));
    const t = (): QType => (r() < 0.5 ? 'int8' : 'uint8');
    const ta = t(),
      tb = t(),
      ty = t();
    const sa = cut(0.3),
      sb = r() < 0.3 ? [...out] : cut(0.3);
    await check(
      `shapes ${seed} [${sa}] + [${sb}]`,
      {
        a: { type: ta, shape: sa, scale: f(uniform(r, 0.005, 0.05)), zero: zeroOf(r, ta) },
        b: { type: tb, shape: sb, scale: f(uniform(r, 0.005, 0.05)), zero: zeroOf(r, tb) },
        y: { type: ty, scale: f(uniform(r, 0.01, 0.05)), zero: zeroOf(r, ty) },
        relu: r() < 0.3,
      },
      values(r, ta, size(sa)),
      values(r, tb, size(sb)),
    );
  }
} catch (e) {
  error = (e as Error).message;
}
const kernel = /(\w+) int8 kernel/.exec(deviceQuery('cpu').description)?.[1];
console.log(JSON.stringify({ kernel, cases, error }));
