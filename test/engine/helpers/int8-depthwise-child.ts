/**
 * Child process of int8-depthwise.test.ts: int8 depthwise convolutions (one channel per group,
 * the `int8_depthwise` tactic of native/cpu/quant_conv.cc, summed in integers by
 * quant_depthwise.cc where the window has no dilation and at most 8 taps along w) on 1 and 2
 * threads, against an integer reference written here (int8-reference.ts's epilogue), bit for
 * bit, under whatever int8 kernel HYBRIDRT_CPU_KERNEL selected. Prints one JSON line: the
 * kernel in use, the cases run, and the first mismatch.
 */
import { buildEngine, deviceQuery } from '../../../src/engine/engine.js';
import type { EngineDType } from '../../../src/engine/network.js';
import { mulberry32, randomInt, uniform } from '../../../src/util/random.js';
import { type OutType, type QType, type Quant, bytes, finish, finishQ } from './int8-reference.js';
import { NetDraft } from './net.js';

const f = Math.fround;

interface Case {
  ch: number;
  /** Input height and width. */
  hw: [number, number];
  k: number;
  s: number;
  /** Pads begin and end (the same along h and w). */
  pads: [number, number];
  n: number;
  x: QType;
  out: OutType;
  act?: 'relu' | [number, number];
  /** A float or quantized residual. */
  residual?: 'float32' | QType;
}

async function run(seed: number, c: Case, threads: number): Promise<void> {
  const r = mulberry32(seed);
  const [H, W] = c.hw;
  const [pb, pe] = c.pads;
  const oh = Math.floor((H + pb + pe - c.k) / c.s) + 1;
  const ow = Math.floor((W + pb + pe - c.k) / c.s) + 1;
  // Zero points away from 0 (and from 128 for uint8): a padded tap must add nothing.
  const zx = c.x === 'int8' ? randomInt(r, -30, 31) || 7 : randomInt(r, 90, 170);
  const q: Quant = {
    xType: c.x,
    zx,
    sx: f(uniform(r, 0.005, 0.05)),
    sw: Array.from({ length: c.ch }, () => f(uniform(r, 0.001, 0.02))),
    out: c.out,
    zy: c.out === 'uint8' ? randomInt(r, 0, 60) : randomInt(r, -10, 11),
    relu: c.act === 'relu',
    ...(Array.isArray(c.act) ? { clip: c.act } : {}),
  };
  const x = bytes(r, c.x, c.n * c.ch * H * W);
  const w = bytes(r, 'int8', c.ch * c.k * c.k) as Int8Array;
  const bias = Float32Array.from({ length: c.ch }, () => uniform(r, -1, 1));
  const ys = [c.n, c.ch, oh, ow];
  const len = c.n * c.ch * oh * ow;
  let z = Float32Array.from({ length: len }, () => uniform(r, -1, 1));
  const zq = c.residual && c.residual !== 'float32' ? bytes(r, c.residual, len) : undefined;
  if (zq) {
    q.residual = { scale: f(0.011), zero: c.residual === 'int8' ? -5 : 131 };
    const { scale, zero } = q.residual;
    z = Float32Array.from(zq, (v) => f((v - zero) * scale));
  }
  // The reference: each output's integer sum over the taps inside the input (a padded tap reads
  // the zero point: x - zx = 0), then the epilogue in float32.
  const v = new Float64Array(len);
  for (let b = 0, at = 0; b < c.n; b++)
    for (let m = 0; m < c.ch; m++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++, at++) {
          let acc = 0;
          for (let kh = 0; kh < c.k; kh++)
            for (let kw = 0; kw < c.k; kw++) {
              const ih = i * c.s - pb + kh,
                iw = j * c.s - pb + kw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              acc += (x[((b * c.ch + m) * H + ih) * W + iw]! - zx) * w[(m * c.k + kh) * c.k + kw]!;
            }
          v[at] = finish(acc, m, { ...q, out: 'float32' }, bias[m], c.residual ? z[at] : undefined, 1);
        }
  const amax = v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  const sy = f(Math.max(amax, 1e-3) / 100);
  const quant: Record<string, unknown> = { inputScale: q.sx, inputZeroPoint: zx, weightScales: q.sw };
  if (c.out !== 'float32') Object.assign(quant, { outputScale: sy, outputZeroPoint: q.zy });
  if (q.residual) Object.assign(quant, { residualScale: q.residual.scale, residualZeroPoint: q.residual.zero });
  const activation = q.clip ? { op: 'clip', min: q.clip[0], max: q.clip[1] } : q.relu ? { op: 'relu' } : undefined;
  const d = new NetDraft('int8-depthwise');
  const inputs = [d.input('x', c.x, [c.n, c.ch, H, W]), d.constant('w', 'int8', [c.ch, 1, c.k, c.k], w), d.constant('b', 'float32', [c.ch], bias)];
  if (c.residual) inputs.push(d.input('z', c.residual as EngineDType, ys));
  const params = {
    kernel: [c.k, c.k],
    strides: [c.s, c.s],
    padsBegin: [pb, pb],
    padsEnd: [pe, pe],
    dilations: [1, 1],
    groups: c.ch,
    ...(c.residual ? { residual: true } : {}),
    quant,
    ...(activation ? { activation } : {}),
  };
  const [y] = d.layer('convolution', 'y', inputs, params, [{ dtype: c.out as EngineDType, shape: ys }]);
  d.output(y!);
  const engine = await buildEngine(d.finish(), { backend: 'cpu', fusion: false, threads });
  const label = `seed ${seed}, ${threads} thread(s): x ${c.x}[${[c.n, c.ch, H, W]}] zx ${zx} ${c.k}x${c.k}/${c.s} pads ${pb}/${pe} -> ${c.out}${c.act ? ` ${c.act}` : ''}${c.residual ? ` residual ${c.residual}` : ''}`;
  try {
    const tactic = engine.info().layers.find((l) => l.kind === 'convolution')?.tactic;
    if (tactic !== 'int8_depthwise') throw new Error(`${label}: ran ${tactic}, not int8_depthwise`);
    const [got] = (await engine.createContext().run((c.residual ? [x, zq ?? z] : [x]) as never)) as Array<Float32Array | Int8Array | Uint8Array>;
    for (let i = 0; i < len; i++) {
      const want = c.out === 'float32' ? v[i]! : finishQ(v[i]!, q, sy);
      if (got![i] !== want) throw new Error(`${label}: output ${i} is ${got![i]}, the reference ${want}`);
    }
  } finally {
    engine.dispose();
  }
}

// MobileNet's and EfficientNet's shapes (3x3 and 5x5, strides 1 and 2, "same" pads, TF's
// asymmetric pads 0/1 at stride 2) and their edges: planes of 1 to 64 columns (one vector, whole
// vectors, a tail; 2 to 16 rows in one AVX-512 vector where the plane is narrower than 16),
// channel counts off multiples of 16, batch 2, int8 and uint8 inputs and outputs, activations,
// float and int8/uint8 residuals.
const cases: Case[] = [
  { ch: 37, hw: [17, 19], k: 3, s: 1, pads: [1, 1], n: 1, x: 'uint8', out: 'uint8', act: [0, 6] },
  // The same geometry with another zero point: a thread's padded plane kept from the case before
  // must get this one's border.
  { ch: 37, hw: [17, 19], k: 3, s: 1, pads: [1, 1], n: 1, x: 'int8', out: 'int8' },
  { ch: 19, hw: [64, 64], k: 3, s: 1, pads: [1, 1], n: 2, x: 'int8', out: 'int8', act: 'relu' },
  { ch: 21, hw: [8, 8], k: 3, s: 1, pads: [1, 1], n: 2, x: 'uint8', out: 'int8' },
  { ch: 40, hw: [4, 4], k: 3, s: 1, pads: [1, 1], n: 1, x: 'int8', out: 'uint8', act: [0, 6] },
  { ch: 17, hw: [7, 7], k: 3, s: 1, pads: [1, 1], n: 2, x: 'uint8', out: 'float32' },
  { ch: 5, hw: [1, 1], k: 3, s: 1, pads: [1, 1], n: 2, x: 'int8', out: 'int8' },
  { ch: 9, hw: [3, 5], k: 3, s: 1, pads: [1, 1], n: 1, x: 'uint8', out: 'uint8', residual: 'float32' },
  { ch: 33, hw: [16, 16], k: 3, s: 2, pads: [1, 1], n: 2, x: 'uint8', out: 'uint8', act: [0, 6] },
  { ch: 19, hw: [15, 17], k: 3, s: 2, pads: [1, 1], n: 1, x: 'int8', out: 'int8', act: 'relu' },
  { ch: 23, hw: [64, 64], k: 3, s: 2, pads: [1, 1], n: 1, x: 'uint8', out: 'float32' },
  { ch: 18, hw: [7, 7], k: 3, s: 2, pads: [1, 1], n: 2, x: 'int8', out: 'uint8' },
  { ch: 11, hw: [8, 8], k: 3, s: 2, pads: [1, 1], n: 1, x: 'uint8', out: 'int8', residual: 'int8' },
  { ch: 7, hw: [3, 3], k: 3, s: 2, pads: [1, 1], n: 2, x: 'uint8', out: 'uint8' },
  { ch: 26, hw: [16, 16], k: 3, s: 2, pads: [0, 1], n: 2, x: 'int8', out: 'int8', act: [0, 6] },
  { ch: 45, hw: [9, 12], k: 5, s: 1, pads: [2, 2], n: 1, x: 'uint8', out: 'uint8', residual: 'uint8' },
  { ch: 21, hw: [15, 16], k: 5, s: 2, pads: [2, 2], n: 2, x: 'int8', out: 'int8', act: 'relu' },
  { ch: 30, hw: [32, 32], k: 5, s: 2, pads: [1, 2], n: 1, x: 'uint8', out: 'float32' },
  { ch: 13, hw: [4, 4], k: 5, s: 1, pads: [2, 2], n: 2, x: 'int8', out: 'uint8' },
  // Input planes of at most 64 bytes, held in one AVX-512 register (quant_depthwise.h `whole`):
  // 63 outputs (a last vector of 15), 5x5 at stride 2 over 63 bytes, a plane of
  // exactly 64 bytes in 2 rows of 32 outputs (vectors along a row).
  { ch: 24, hw: [7, 9], k: 3, s: 1, pads: [1, 1], n: 1, x: 'int8', out: 'uint8', act: [0, 6] },
  { ch: 15, hw: [7, 9], k: 5, s: 2, pads: [2, 2], n: 2, x: 'uint8', out: 'int8', act: 'relu' },
  { ch: 9, hw: [2, 32], k: 3, s: 1, pads: [1, 1], n: 1, x: 'int8', out: 'int8' },
  // Requantized where the sums are made (quant_requant.h) with the int8 residual's floats.
  { ch: 20, hw: [20, 23], k: 3, s: 1, pads: [1, 1], n: 1, x: 'uint8', out: 'int8', residual: 'int8', act: [0, 6] },
  // 3x3 and 5x5 windows, blocks of 16 outputs read from the input itself, each
  // input row permuted once for the output rows that read it (quant_depthwise.h `by_rows`): a
  // row of 70 (5 blocks, the last of 6, the load past column 64), 5x5 at stride 1 (a block's
  // load from column -2), 5x5 at stride 2 with TF's pads (a last block of 1, float sums), fewer
  // input rows than taps, a uint8 residual under a last block's mask.
  { ch: 6, hw: [5, 70], k: 3, s: 1, pads: [1, 1], n: 2, x: 'uint8', out: 'uint8', residual: 'uint8' },
  { ch: 5, hw: [6, 40], k: 5, s: 1, pads: [2, 2], n: 1, x: 'int8', out: 'uint8', residual: 'float32' },
  { ch: 7, hw: [9, 66], k: 5, s: 2, pads: [1, 2], n: 1, x: 'uint8', out: 'float32' },
  { ch: 4, hw: [2, 36], k: 3, s: 2, pads: [0, 1], n: 2, x: 'int8', out: 'int8', act: [0, 6] },
  { ch: 3, hw: [3, 25], k: 5, s: 1, pads: [2, 2], n: 1, x: 'uint8', out: 'int8', act: 'relu' },
  // 7x7 (two groups of taps along w, seven rows): the padded plane's items, 2 output rows a
  // vector where the rows are short, one row's 16 outputs where they are not.
  { ch: 6, hw: [12, 6], k: 7, s: 1, pads: [3, 3], n: 1, x: 'uint8', out: 'uint8', act: [0, 6] },
  { ch: 5, hw: [5, 20], k: 7, s: 2, pads: [3, 3], n: 2, x: 'int8', out: 'int8' },
];

let error: string | undefined;
let count = 0;
try {
  for (const [i, c] of cases.entries()) {
    for (const threads of [1, 2]) {
      await run(1000 + i, c, threads);
      count++;
    }
  }
} catch (e) {
  error = (e as Error).message;
}
const kernel = /(\w+) int8 kernel/.exec(deviceQuery('cpu').description)?.[1];
console.log(JSON.stringify({ kernel, cases: count, error }));
