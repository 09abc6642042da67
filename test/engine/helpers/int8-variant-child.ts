/**
 * Child process of int8.test.ts: int8 convolutions and matmuls (the builder's int8 form,
 * native/layers/quant_form.h) over random geometries, against a scalar reference written here
 * (integer sums, then the epilogue's float32 steps one rounding at a time with Math.fround),
 * bit for bit, under whatever int8 micro-kernel HYBRIDRT_CPU_KERNEL selected. Prints one JSON
 * line: the kernel in use, the cases run, and the first mismatch.
 */
import { buildEngine, deviceQuery } from '../../../src/engine/engine.js';
import type { EngineDType } from '../../../src/engine/network.js';
import { mulberry32, randomInt, uniform } from '../../../src/util/random.js';
import { type OutType, type QType, type Quant, bytes, finish, finishQ } from './int8-reference.js';
import { NetDraft } from './net.js';

const f = Math.fround;
const size = (d: number[]) => d.reduce((a, b) => a * b, 1);

function quantOf(r: () => number, xType: QType, out: OutType, channels: number, perChannel: boolean): Quant {
  const zx = xType === 'int8' ? randomInt(r, -20, 21) : randomInt(r, 100, 156);
  const sw = Array.from({ length: perChannel ? channels : 1 }, () => f(uniform(r, 0.001, 0.02)));
  return { xType, zx, sx: f(uniform(r, 0.005, 0.05)), sw, out, zy: out === 'uint8' ? randomInt(r, 0, 60) : randomInt(r, -10, 11), relu: r() < 0.5 };
}

/** The tactic the last check's layer ran. */
let lastTactic: string | undefined;

/** Runs one layer on the cpu backend; `ref(sy)` gives the expected outputs and the float values. */
async function check(
  label: string,
  d: NetDraft,
  kind: string,
  inputs: number[],
  params: Record<string, unknown>,
  q: Quant,
  shape: number[],
  feeds: ArrayBufferView[],
  ref: () => Float64Array,
) {
  const v = ref();
  const amax = v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  const sy = q.sy ?? f(Math.max(amax, 1e-3) / (q.steps ?? 100)); // most outputs in range, the largest saturate
  const quant: Record<string, unknown> = { inputScale: q.sx, inputZeroPoint: q.zx, weightScales: q.sw };
  if (q.out !== 'float32') Object.assign(quant, { outputScale: sy, outputZeroPoint: q.zy });
  if (q.residual) Object.assign(quant, { residualScale: q.residual.scale, residualZeroPoint: q.residual.zero });
  const activation = q.clip ? { op: 'clip', min: q.clip[0], max: q.clip[1] } : q.sigmoid ? { op: 'sigmoid' } : q.relu ? { op: 'relu' } : undefined;
  const [y] = d.layer(kind, 'y', inputs, { ...params, quant, ...(activation ? { activation } : {}) }, [{ dtype: q.out as EngineDType, shape }]);
  d.output(y!);
  const engine = await buildEngine(d.finish(), { backend: 'cpu', fusion: false });
  lastTactic = engine.info().layers.find((l) => l.kind === kind)?.tactic;
  try {
    const [got] = (await engine.createContext().run(feeds as never)) as Array<Float32Array | Int8Array | Uint8Array>;
    for (let i = 0; i < v.length; i++) {
      const want = q.out === 'float32' ? v[i]! : finishQ(v[i]!, q, sy);
      const off = Math.abs(got![i]! - want);
      if (q.sigmoid ? off > (q.out === 'float32' ? 2e-6 : 1) : off !== 0)
        throw new Error(`${label}: output ${i} is ${got![i]}, the reference ${want}`);
    }
  } finally {
    engine.dispose();
  }
}

async function convCase(
  seed: number,
  fixed?: Partial<{ c: number; m: number; groups: number; dims: number[]; k: number[]; s: number[]; p: number[]; dil: number[] }>,
  act?: [number, number] | 'sigmoid',
  edge?: { out: OutType; steps: number; bias?: number; residual?: QType; ties?: boolean },
) {
  const r = mulberry32(seed);
  const rank = fixed?.dims?.length ?? (r() < 0.15 ? 1 : r() < 0.1 ? 3 : 2);
  const groups = fixed?.groups ?? (r() < 0.25 ? randomInt(r, 2, 4) : 1);
  const cg = fixed?.c ?? randomInt(r, 1, 24);
  const mg = fixed?.m ?? randomInt(r, 1, 40);
  const k = fixed?.k ?? Array.from({ length: rank }, () => randomInt(r, 1, rank === 3 ? 3 : 5));
  const s = fixed?.s ?? Array.from({ length: rank }, () => randomInt(r, 1, 3));
  const dil = fixed?.dil ?? Array.from({ length: rank }, () => randomInt(r, 1, 3));
  const pb = fixed?.p ?? Array.from({ length: rank }, () => randomInt(r, 0, 3));
  const pe = fixed?.p ?? Array.from({ length: rank }, () => randomInt(r, 0, 3));
  const dims = fixed?.dims ?? Array.from({ length: rank }, (_, i) => dil[i]! * (k[i]! - 1) + 1 + randomInt(r, 0, rank === 3 ? 5 : 24));
  const n = r() < 0.2 ? 2 : 1;
  const c = cg * groups;
  const m = mg * groups;
  const outDims = dims.map((v, i) => Math.floor((v + pb[i]! + pe[i]! - dil[i]! * (k[i]! - 1) - 1) / s[i]!) + 1);
  const xType: QType = r() < 0.5 ? 'int8' : 'uint8';
  const out: OutType = edge?.out ?? (['float32', 'int8', 'uint8'] as const)[randomInt(r, 0, 3)]!;
  const q = quantOf(r, xType, out, m, r() < 0.8);
  if (act) Object.assign(q, { relu: false }, act === 'sigmoid' ? { sigmoid: true } : { clip: act });
  if (edge) q.steps = edge.steps;
  // Quotients on half-integers: v = acc / 128 exactly (no bias, one weight scale) over sy = 61 /
  // 64, so every odd multiple of 61 is a tie, which only the correctly rounded division sends to
  // even (v * fl(1 / sy) rounds about half of them the other way); small weights keep v / sy in
  // range.
  if (edge?.ties) Object.assign(q, { sx: 2 ** -7, sw: [1], sy: 61 / 64 });
  const hasBias = !edge?.ties && (edge?.bias !== undefined || r() < 0.7);
  const residual = edge ? edge.residual !== undefined : r() < 0.3;
  const x = bytes(r, xType, n * c * size(dims));
  const w = bytes(r, 'int8', m * cg * size(k)) as Int8Array;
  if (edge?.ties) w.forEach((v, i) => (w[i] = v >> 4));
  const bias = Float32Array.from({ length: m }, () => uniform(r, -1, 1));
  if (edge?.bias !== undefined) bias[m >> 1] = edge.bias;
  const ys = [n, m, ...outDims];
  let z = Float32Array.from({ length: size(ys) }, () => uniform(r, -1, 1));
  // A quantized residual: its bytes are the input, float((r - zr) * sr) what the sums add.
  const zType = edge?.residual;
  const zq = zType ? bytes(r, zType, size(ys)) : undefined;
  if (zType && zq) {
    q.residual = { scale: f(0.013), zero: zType === 'int8' ? -3 : 120 };
    const { scale, zero } = q.residual;
    z = Float32Array.from(zq, (v) => f((v - zero) * scale));
  }
  const d = new NetDraft('int8-conv');
  const inputs = [d.input('x', xType, [n, c, ...dims]), d.constant('w', 'int8', [m, cg, ...k], w)];
  if (hasBias) inputs.push(d.constant('b', 'float32', [m], bias));
  if (residual) inputs.push(d.input('z', zType ?? 'float32', ys));
  const params = { kernel: k, strides: s, padsBegin: pb, padsEnd: pe, dilations: dil, groups, ...(residual ? { residual: true } : {}) };
  // Spatial dims padded to 3 (leading 1s) for the reference loops.
  const pad3 = (a: number[], v: number) => [...Array(3 - rank).fill(v), ...a];
  const [I, O, K, S, P, D] = [pad3(dims, 1), pad3(outDims, 1), pad3(k, 1), pad3(s, 1), pad3(pb, 0), pad3(dil, 1)];
  const ref = () => {
    const v = new Float64Array(size(ys));
    const osz = size(O);
    let at = 0;
    for (let b = 0; b < n; b++)
      for (let mm = 0; mm < m; mm++) {
        const g = Math.floor(mm / mg);
        for (let o = 0; o < osz; o++, at++) {
          const od = Math.floor(o / (O[1]! * O[2]!)),
            oh = Math.floor(o / O[2]!) % O[1]!,
            ow = o % O[2]!;
          let acc = 0;
          for (let cc = 0; cc < cg; cc++)
            for (let kd = 0; kd < K[0]!; kd++)
              for (let kh = 0; kh < K[1]!; kh++)
                for (let kw = 0; kw < K[2]!; kw++) {
                  const id = od * S[0]! - P[0]! + kd * D[0]!,
                    ih = oh * S[1]! - P[1]! + kh * D[1]!,
                    iw = ow * S[2]! - P[2]! + kw * D[2]!;
                  if (id < 0 || id >= I[0]! || ih < 0 || ih >= I[1]! || iw < 0 || iw >= I[2]!) continue; // padding: x = zx adds 0
                  const xv = x[(((b * c + g * cg + cc) * I[0]! + id) * I[1]! + ih) * I[2]! + iw]!;
                  acc += (xv - q.zx) * w[(((mm * cg + cc) * K[0]! + kd) * K[1]! + kh) * K[2]! + kw]!;
                }
          v[at] = finish(acc, mm, { ...q, out: 'float32' }, hasBias ? bias[mm] : undefined, residual ? z[at] : undefined, 1);
        }
      }
    return v;
  };
  const label = `conv seed ${seed}: x ${xType}[${[n, c, ...dims]}] w [${[m, cg, ...k]}] s ${s} p ${pb}/${pe} d ${dil} g ${groups} -> ${out}${q.relu ? ' relu' : ''}${q.clip ? ` clip ${q.clip}` : ''}${q.sigmoid ? ' sigmoid' : ''}${hasBias ? ' bias' : ''}${residual ? ` residual${zType ? ` ${zType}` : ''}` : ''}`;
  await check(label, d, 'convolution', inputs, params, q, ys, residual ? [x, zq ?? z] : [x], ref);
}

async function matmulCase(seed: number, fixed?: { rows: number; k: number; n: number }) {
  const r = mulberry32(seed);
  const batch = r() < 0.3 ? [randomInt(r, 2, 4)] : [];
  const rows = fixed?.rows ?? randomInt(r, 1, 70);
  const k = fixed?.k ?? randomInt(r, 1, 300);
  const nOut = fixed?.n ?? randomInt(r, 1, 90);
  const transB = r() < 0.5;
  const xType: QType = r() < 0.5 ? 'int8' : 'uint8';
  const out: OutType = (['float32', 'int8', 'uint8'] as const)[randomInt(r, 0, 3)]!;
  const q = quantOf(r, xType, out, nOut, r() < 0.8);
  const hasBias = r() < 0.6;
  const a = bytes(r, xType, size(batch) * rows * k);
  const b = bytes(r, 'int8', k * nOut) as Int8Array;
  const c = Float32Array.from({ length: nOut }, () => uniform(r, -1, 1));
  const d = new NetDraft('int8-matmul');
  const inputs = [d.input('a', xType, [...batch, rows, k]), d.constant('b', 'int8', transB ? [nOut, k] : [k, nOut], b)];
  if (hasBias) inputs.push(d.constant('c', 'float32', [nOut], c));
  const ys = [...batch, rows, nOut];
  const ref = () => {
    const v = new Float64Array(size(ys));
    for (let i = 0; i < size(batch) * rows; i++)
      for (let j = 0; j < nOut; j++) {
        let acc = 0;
        for (let kk = 0; kk < k; kk++) acc += (a[i * k + kk]! - q.zx) * b[transB ? j * k + kk : kk * nOut + j]!;
        v[i * nOut + j] = finish(acc, j, { ...q, out: 'float32' }, hasBias ? c[j] : undefined, undefined, 1);
      }
    return v;
  };
  const label = `matmul seed ${seed}: a ${xType}[${[...batch, rows, k]}] b ${transB ? 'T' : ''}[${k},${nOut}] -> ${out}${q.relu ? ' relu' : ''}${hasBias ? ' bias' : ''}`;
  await check(label, d, 'matmul', inputs, { transA: false, transB, alpha: 1, beta: hasBias ? 1 : 0 }, q, ys, [a], ref);
}

let error: string | undefined;
let cases = 0;
try {
  // Fixed cases first: a plain 1x1 (patch rows are the input planes), a deep one (K = 2700:
  // many k-groups, a K not a multiple of 4 elsewhere) with many positions (several column
  // blocks), and a late layer (few positions, many channels).
  await convCase(1, { c: 37, m: 45, groups: 1, dims: [17, 19], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] });
  await convCase(2, { c: 300, m: 20, groups: 1, dims: [12, 40], k: [3, 3], s: [1, 1], p: [1, 1], dil: [1, 1] });
  await convCase(3, { c: 64, m: 70, groups: 1, dims: [5, 5], k: [3, 3], s: [2, 2], p: [1, 1], dil: [1, 1] });
  await matmulCase(4, { rows: 1, k: 512, n: 100 });
  await matmulCase(5, { rows: 97, k: 67, n: 33 });
  // Tiles of more columns than the epilogue takes at once (igemm.cc kEpilogueCols: 128), with a
  // last chunk narrower than the rest.
  await convCase(6, { c: 20, m: 30, groups: 1, dims: [37, 45], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] });
  await matmulCase(7, { rows: 700, k: 40, n: 20 });
  // One output position (a squeeze-excite convolution, a batch-1 classifier): igemm.cc's GEMV
  // on the VNNI kernel, the epilogue's Column; an odd number of k-groups (the last one alone), a
  // last panel of fewer than 8 rows, more rows than one block of 64, a 3x3 window over a 3x3
  // input (patch rows through the padded plane), sigmoid and clip.
  await convCase(8, { c: 18, m: 70, groups: 1, dims: [1, 1], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] }, 'sigmoid');
  await convCase(9, { c: 5, m: 131, groups: 1, dims: [3, 3], k: [3, 3], s: [1, 1], p: [0, 0], dil: [1, 1] }, [-1, 2]);
  await matmulCase(31, { rows: 1, k: 19, n: 90 });
  // Depthwise (one channel per group): the int8_depthwise tactic where the output is as wide
  // as the input's stride phases (3x3 and 5x5, strides 1 and 2, "same" pads, odd and even
  // sizes, channel counts off multiples of 16, planes smaller than one block of 16), and the
  // GEMM where it is not (no padding).
  const dw: Array<[number, number[], number, number, number]> = [
    // channels, dims, kernel, stride, pad
    [37, [17, 19], 3, 1, 1],
    [19, [14, 15], 3, 2, 1],
    [45, [9, 12], 5, 1, 2],
    [21, [15, 16], 5, 2, 2],
    [33, [3, 3], 3, 1, 1],
    [17, [7, 7], 3, 2, 1],
    [40, [5, 4], 5, 2, 2],
    [23, [10, 11], 3, 1, 0],
  ];
  for (const [i, [ch, dims, k, s, p]] of dw.entries()) {
    // Every other one with a clip (MobileNet's ReLU6 as the fusion pass leaves it), every
    // fourth with a sigmoid (an activation the epilogue runs over all planes at once).
    const act: [number, number] | 'sigmoid' | undefined = i % 2 ? [-1, 2] : i % 4 === 2 ? 'sigmoid' : undefined;
    await convCase(10 + i, { c: 1, m: 1, groups: ch, dims, k: [k, k], s: [s, s], p: [p, p], dil: [1, 1] }, act);
    const want = p > 0 ? 'int8_depthwise' : 'int8_gemm';
    if (lastTactic !== want) throw new Error(`depthwise case ${i} ran ${lastTactic}, not ${want}`);
  }
  await convCase(30, { c: 1, m: 1, groups: 7, dims: [21], k: [5], s: [2], p: [2], dil: [1] });
  if (lastTactic !== 'int8_depthwise') throw new Error(`the 1-D depthwise case ran ${lastTactic}`);
  // Requantized outputs past the activation's bounds (the epilogue's short form, quant_epilogue.h:
  // the clip's bounds over the output scale clamped to the output type's range): a clip whose
  // lower bound lies above the largest int8 output (steps 1000: 0.5 / sy > 127), one whose upper
  // bound lies below the smallest uint8 output, relu into int8, and an infinite bias in one
  // channel (which leaves the short form for the plain steps), on the GEMM and the depthwise
  // tactic.
  const edges: Array<[[number, number] | undefined, { out: OutType; steps: number; bias?: number }]> = [
    [[0.5, 2], { out: 'int8', steps: 1000 }],
    [[-2, -0.5], { out: 'uint8', steps: 1000 }],
    [undefined, { out: 'int8', steps: 300 }],
    [[-1, 2], { out: 'uint8', steps: 100, bias: Infinity }],
  ];
  for (const [i, [act, edge]] of edges.entries()) {
    await convCase(40 + i, { c: 9, m: 21, groups: 1, dims: [11, 13], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] }, act, edge);
    await convCase(50 + i, { c: 1, m: 1, groups: 21, dims: [11, 13], k: [3, 3], s: [2, 2], p: [1, 1], dil: [1, 1] }, act, edge);
  }
  // int8 and uint8 residuals (a residual add between Q/DQ pairs, as mobilenet_v2's blocks end),
  // which the epilogue dequantizes itself on AVX-512 (quant_conv.cc's fuse_z), rows of a tail
  // of fewer than 16, one channel's infinite bias sending its row to the plain steps.
  const residuals: Array<[[number, number] | undefined, { out: OutType; steps: number; bias?: number; residual: QType }]> = [
    [undefined, { out: 'uint8', steps: 100, residual: 'int8' }],
    [[-1, 2], { out: 'int8', steps: 100, residual: 'uint8' }],
    [[-1, 2], { out: 'int8', steps: 100, bias: Infinity, residual: 'int8' }],
    [undefined, { out: 'float32', steps: 100, residual: 'uint8' }],
  ];
  for (const [i, [act, edge]] of residuals.entries())
    await convCase(
      60 + i,
      { c: 20, m: 30, groups: 1, dims: [9, 37], k: [1 + 2 * (i % 2), 1 + 2 * (i % 2)], s: [1, 1], p: [i % 2, i % 2], dil: [1, 1] },
      act,
      edge,
    );
  // A GEMM layer's sigmoid into requantized outputs: every row of a tile through one
  // activation call (quant_epilogue.cc Rows512), on a 1x1 and a padded 3x3 layer.
  await convCase(70, { c: 24, m: 40, groups: 1, dims: [13, 29], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] }, 'sigmoid', {
    out: 'uint8',
    steps: 100,
  });
  await convCase(71, { c: 7, m: 19, groups: 1, dims: [9, 10], k: [3, 3], s: [1, 1], p: [1, 1], dil: [1, 1] }, 'sigmoid', { out: 'int8', steps: 100 });
  // Groups of a multiple of 4 channels (not a plain 1x1): k tap-major, panels copied as words
  // from planes of four interleaved channels (native/cpu/quant_patch.h). ResNet's strided 1x1;
  // output lines wider than a 32-column panel at strides 1 and 2 (a line split over panels, a
  // second vector of 16); stride 3 (the plain copies); 3-D with dilation and two groups; a
  // block of columns that starts mid-line (blocks of positions over many lines).
  const quads: Array<Parameters<typeof convCase>[1]> = [
    { c: 32, m: 24, groups: 1, dims: [15, 17], k: [1, 1], s: [2, 2], p: [0, 0], dil: [1, 1] },
    { c: 8, m: 20, groups: 1, dims: [9, 75], k: [3, 3], s: [2, 2], p: [1, 1], dil: [1, 1] },
    { c: 12, m: 17, groups: 1, dims: [6, 70], k: [3, 3], s: [1, 1], p: [1, 1], dil: [1, 1] },
    { c: 8, m: 9, groups: 1, dims: [13, 14], k: [3, 3], s: [3, 3], p: [1, 1], dil: [1, 1] },
    { c: 4, m: 6, groups: 2, dims: [5, 6, 9], k: [2, 3, 3], s: [1, 2, 1], p: [1, 0, 2], dil: [1, 1, 2] },
    { c: 96, m: 40, groups: 1, dims: [37, 41], k: [3, 3], s: [1, 1], p: [1, 1], dil: [1, 1] },
  ];
  for (const [i, fixed] of quads.entries()) await convCase(80 + i, fixed, i % 2 ? [-1, 2] : undefined);
  // Tiles requantized in the VNNI kernel's registers (quant_requant.h, igemm.h IgemmRequant):
  // more than one block of 64 rows with a last panel of 5, a last panel of 7 columns (half a
  // tile), three groups (each its channels' constants), an int8 residual.
  const fused: Array<[Parameters<typeof convCase>[1], Parameters<typeof convCase>[3]]> = [
    [
      { c: 24, m: 133, groups: 1, dims: [9, 15], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] },
      { out: 'uint8', steps: 100 },
    ],
    [
      { c: 4, m: 12, groups: 3, dims: [7, 13], k: [3, 3], s: [1, 1], p: [1, 1], dil: [1, 1] },
      { out: 'int8', steps: 100 },
    ],
    [
      { c: 16, m: 40, groups: 1, dims: [11, 17], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] },
      { out: 'int8', steps: 100, residual: 'int8' },
    ],
  ];
  for (const [i, [fixed, edge]] of fused.entries()) await convCase(90 + i, fixed, i === 1 ? [-1, 2] : undefined, edge);
  // Ties in the requantization (quant_requant.h StoreClamped): the VNNI tile and the depthwise
  // rows, relu or none.
  await convCase(95, { c: 16, m: 40, groups: 1, dims: [11, 17], k: [1, 1], s: [1, 1], p: [0, 0], dil: [1, 1] }, undefined, {
    out: 'int8',
    steps: 100,
    ties: true,
  });
  await convCase(96, { c: 1, m: 1, groups: 48, dims: [20, 37], k: [3, 3], s: [1, 1], p: [1, 1], dil: [1, 1] }, undefined, {
    out: 'uint8',
    steps: 100,
    ties: true,
  });
  cases = 12 + dw.length + 1 + 2 * edges.length + residuals.length + quads.length + fused.length + 2;
  for (let seed = 100; seed < 160; seed++, cases++) await convCase(seed);
  for (let seed = 200; seed < 230; seed++, cases++) await matmulCase(seed);
} catch (e) {
  error = (e as Error).message;
}
const kernel = /(\w+) int8 kernel/.exec(deviceQuery('cpu').description)?.[1];
console.log(JSON.stringify({ kernel, cases, error }));
