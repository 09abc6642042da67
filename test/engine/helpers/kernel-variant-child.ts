/**
 * Child process of kernels.test.ts: runs GEMM-heavy layers (convolution tactics, deconvolution,
 * matmul with partial tiles and beta) against onnxruntime, and the vector activations against
 * float64, under whatever SGEMM micro-kernel (and vector kernel) HYBRIDRT_CPU_KERNEL selected,
 * and prints one JSON line: the kernel in use, and the error if
 * a case failed.
 */
import { buildEngine, deviceQuery } from '../../../src/engine/engine.js';
import { checkLayer } from './compare.js';
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';

/** Distance in float32 units in the last place (the floats ordered as integers). */
function ulps(a: number, b: number): number {
  const u = new Uint32Array(new Float32Array([a, b]).buffer);
  const ord = (bits: number) => (bits & 0x80000000 ? -(bits & 0x7fffffff) : bits);
  return Math.abs(ord(u[0]!) - ord(u[1]!));
}

/**
 * sigmoid, silu, exp, tanh and erf (vector kernels under avx2/avx512, activation_simd.cc)
 * against float64 references over [-110, 110] and the special values: within 4 float32 ulp (or
 * 2^-133 for results deep in the denormals), NaN where the reference is NaN, infinities
 * exactly; GELU and its tanh form within an absolute bound (below). The same values shifted by
 * three places give the same bits, so a result does not depend on where a vector block starts.
 */
async function checkActivations(): Promise<void> {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 88.3, 88.5, 88.8, 89, -85.5, -87.2, -87.4, -88.8, -103, -104, -120];
  const sweep = Array.from({ length: 4099 }, (_, i) => -110 + (220 * i) / 4098);
  // Finer where tanh, erf and GELU change from one formula to the other (0.625, 0.875, 3.92, 9).
  const fine = Array.from({ length: 4001 }, (_, i) => -10 + (20 * i) / 4000);
  const x = Float32Array.from([...specials, ...sweep, ...fine]);
  const shifted = Float32Array.from([0.5, -0.5, 2, ...x]);
  const refs: Record<string, (v: number) => number> = {
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    silu: (v) => v / (1 + Math.exp(-v)),
    exp: (v) => Math.exp(v),
    tanh: (v) => Math.tanh(v),
    erf: (v) => erf64(v),
  };
  // GELU's 1 + erf (or tanh) cancels for negative x in float32 as the formula writes it, so
  // beyond |x| = 1 it is held to an absolute bound, 2^-21 of max(1, |x|); below, to 8 ulp.
  const absolute: Record<string, (v: number) => number> = {
    gelu: (v) => 0.5 * v * (1 + erf64(v * Math.SQRT1_2)),
    gelu_tanh: (v) => 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))),
  };
  const run = async (op: string, input: Float32Array) => {
    const d = new NetDraft(op);
    const t = d.input('x', 'float32', [input.length]);
    const [y] = d.layer('unary', 'y', [t], { op }, [{ dtype: 'float32', shape: [input.length] }]);
    d.output(y!);
    const engine = await buildEngine(d.finish(), { backend: 'cpu', fusion: false });
    const [out] = (await engine.createContext().run([input])) as Float32Array[];
    engine.dispose();
    return out!;
  };
  for (const [op, ref] of Object.entries(refs)) {
    const got = await run(op, x);
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(ref(x[i]!));
      const g = got[i]!;
      // Deep in the denormals (below 2^-133) the formulas' own intermediates (expf(-103) is a
      // denormal of one or two bits) hold few bits: there the bound is absolute.
      const ok = Number.isNaN(want)
        ? Number.isNaN(g)
        : !Number.isFinite(want)
          ? Object.is(g, want)
          : (op === 'erf' && Math.abs(x[i]!) >= 4) || (op === 'tanh' && Math.abs(x[i]!) >= 9.5)
            ? g === want // +-1 exactly where both forms clamp (GELU's 1 + erf must be 0 there)
            : ulps(g, want) <= 4 || Math.abs(g - want) <= 2 ** -133;
      if (!ok) throw new Error(`${op}(${x[i]}) = ${g}, float64 reference ${want} (${ulps(g, want)} ulp)`);
    }
    await shiftCheck(op, got);
  }
  for (const [op, ref] of Object.entries(absolute)) {
    const got = await run(op, x);
    for (let i = 0; i < x.length; i++) {
      const want = ref(x[i]!);
      const g = got[i]!;
      const ok = Number.isNaN(want)
        ? Number.isNaN(g)
        : Math.abs(x[i]!) < 1 && want !== 0
          ? ulps(g, Math.fround(want)) <= 8 // no cancellation below 1: held in ulps, so a GELU of 0 near 0 fails
          : Math.abs(g - want) <= 2 ** -21 * Math.max(1, Math.abs(x[i]!)) || Object.is(g, want);
      if (!ok) throw new Error(`${op}(${x[i]}) = ${g}, float64 reference ${want}`);
    }
    await shiftCheck(op, got);
  }
  async function shiftCheck(op: string, got: Float32Array): Promise<void> {
    const moved = await run(op, shifted);
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(moved[i + 3], got[i])) throw new Error(`${op}(${x[i]}) is ${got[i]} at index ${i} but ${moved[i + 3]} at index ${i + 3}`);
    }
  }
}

/**
 * erf in float64 (JavaScript has none): 2/sqrt(pi) e^-x^2 sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1)),
 * a series of positive terms (no cancellation), to |x| = 6; beyond, +-1 (1 - erf(6) is 2e-17).
 */
function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 1; n < 400 && term > sum * 1e-18; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}

const win = (k: number, pad: number) => ({ kernel: [k, k], strides: [1, 1], padsBegin: [pad, pad], padsEnd: [pad, pad], dilations: [1, 1] });
let error: string | undefined;
try {
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
    inputs: [randomFloat([1, 40, 13, 11], 1), randomFloat([50, 40, 3, 3], 2), randomFloat([50], 3)],
    constants: [1, 2],
    kind: 'convolution',
    params: { ...win(3, 1), groups: 1 },
  });
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [1, 1] },
    inputs: [randomFloat([2, 33, 7, 5], 4), randomFloat([17, 33, 1, 1], 5)],
    constants: [1],
    kind: 'convolution',
    params: { ...win(1, 0), groups: 1 },
  });
  await checkLayer({
    op: 'ConvTranspose',
    attrs: { kernel_shape: [3, 3], strides: [2, 2] },
    inputs: [randomFloat([1, 9, 5, 4], 6), randomFloat([9, 7, 3, 3], 7)],
    constants: [1],
    kind: 'deconvolution',
    params: { kernel: [3, 3], strides: [2, 2], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], outputPadding: [0, 0], groups: 1 },
  });
  await checkLayer({
    op: 'Gemm',
    attrs: { transB: 1, alpha: 0.75, beta: 1.5 },
    inputs: [randomFloat([151, 301], 8), randomFloat([37, 301], 9), randomFloat([151, 37], 10)],
    kind: 'matmul',
    params: { transA: false, transB: true, alpha: 0.75, beta: 1.5 },
  });
  // n = 53 (a partial tile past 32 columns, and past 16) with beta != 0 (C read back), and k
  // past one KC slice (the second slice accumulates onto the first): every store mask.
  await checkLayer({
    op: 'Gemm',
    attrs: { alpha: 1.25, beta: 0.5 },
    inputs: [randomFloat([19, 300], 11), randomFloat([300, 53], 12), randomFloat([19, 53], 13)],
    kind: 'matmul',
    params: { transA: false, transB: false, alpha: 1.25, beta: 0.5 },
  });
  // Constant weights take the packed-once paths (sgemm.h PackedMatrix): a grouped convolution
  // (A packed per group, 2 KC slices of 288 taps, 21 rows: a partial MR panel) and a Gemm with
  // a constant transposed b (B packed, 301 deep, 37 columns) and alpha folded into A.
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 2 },
    inputs: [randomFloat([1, 64, 9, 10], 14), randomFloat([42, 32, 3, 3], 15), randomFloat([42], 16)],
    constants: [1, 2],
    kind: 'convolution',
    params: { ...win(3, 1), groups: 2 },
  });
  await checkLayer({
    op: 'Gemm',
    attrs: { transB: 1, alpha: 0.75, beta: 1.5 },
    inputs: [randomFloat([151, 301], 17), randomFloat([37, 301], 18), randomFloat([151, 37], 19)],
    constants: [1],
    kind: 'matmul',
    params: { transA: false, transB: true, alpha: 0.75, beta: 1.5 },
  });
  // A bias row of n with b packed: added tile by tile as the product finishes (matmul.cc); 290
  // columns make several column tiles.
  await checkLayer({
    op: 'Gemm',
    attrs: { alpha: 1.25, beta: 0.5 },
    inputs: [randomFloat([70, 300], 30), randomFloat([300, 290], 31), randomFloat([290], 32)],
    constants: [1, 2],
    kind: 'matmul',
    params: { transA: false, transB: false, alpha: 1.25, beta: 0.5 },
  });
  // Fewer output positions than a tile has columns: the product transposed (positions as
  // rows, the weights packed as B), im2col (20 positions, 2 groups of 48) and 1 x 1 (9
  // positions, batch 2).
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 2 },
    inputs: [randomFloat([1, 40, 4, 5], 25), randomFloat([96, 20, 3, 3], 26), randomFloat([96], 27)],
    constants: [1, 2],
    kind: 'convolution',
    params: { ...win(3, 1), groups: 2 },
  });
  // ... and with more patch rows (7300 x 9) than the column budget's 2^21 floats hold for its
  // 16 positions: the transposed product still unrolls them all at once (its workspace sized
  // for that; the sanitizer build catches a short one).
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
    inputs: [randomFloat([1, 7300, 4, 4], 33), randomFloat([32, 7300, 3, 3], 34, -0.02, 0.02)],
    constants: [1],
    kind: 'convolution',
    params: { ...win(3, 1), groups: 1 },
  });
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [1, 1] },
    inputs: [randomFloat([2, 33, 3, 3], 28), randomFloat([40, 33, 1, 1], 29)],
    constants: [1],
    kind: 'convolution',
    params: { ...win(1, 0), groups: 1 },
  });
  // The direct tactic's tap sums (tap_sum.cc) under each kernel: a depthwise 3 x 3 at stride 2
  // (even lanes of two loads; lines of 18, a masked tail), and 2 channels per group with a
  // dilated 5 x 5 at stride 1 (one run over the padded plane).
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2], group: 6 },
    inputs: [randomFloat([1, 6, 37, 35], 20), randomFloat([6, 1, 3, 3], 21), randomFloat([6], 22)],
    constants: [1, 2],
    kind: 'convolution',
    params: { kernel: [3, 3], strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1], groups: 6 },
  });
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [5, 5], pads: [3, 2, 1, 4], dilations: [2, 2], group: 2 },
    inputs: [randomFloat([1, 4, 19, 23], 23), randomFloat([6, 2, 5, 5], 24)],
    constants: [1],
    kind: 'convolution',
    params: { kernel: [5, 5], strides: [1, 1], padsBegin: [3, 2], padsEnd: [1, 4], dilations: [2, 2], groups: 2 },
  });
  await checkActivations();
} catch (e) {
  error = (e as Error).message;
}
const kernel = /(\w+) sgemm kernel/.exec(deviceQuery('cpu').description)?.[1];
console.log(JSON.stringify({ kernel, error }));
