/**
 * RNN, GRU and LSTM, unrolled over their sequence into the engine's layers (TensorRT's parser
 * unrolls nothing and uses a loop layer; an engine loop is left for a trip count that varies,
 * so an unrolled direction needs a static sequence length; one that runs as a recurrent layer,
 * below, reads it from X, and the batch may vary over a range too).
 *
 * Per direction, one matmul projects every step of X at once (bias Wb + Rb folded in), and
 * each step adds the recurrent matmul of the previous state to its slice:
 *
 *   X [S,1,B,I] @ W^T + b -> P [S,1,B,G*H];  step t: g = H_prev @ R^T + P[t]  -> gates
 *
 * Every per-step tensor is [1, 1, B, H] (step, direction, batch, features), so that the steps
 * concatenate into Y [S, D, B, H] and the final states into Y_h / Y_c [1, D, B, H] -> [D, B, H];
 * the batch dim is only ever kept whole or inferred (-1), so the layers hold at every batch.
 * A zero initial state (absent, or an all-zero constant) is no tensor at all: the first step
 * skips the recurrent matmul and the peepholes on C.
 *
 * A direction with the default activations and no clip, peepholes or input_forget runs its
 * steps as one recurrent layer after the projection (src/engine/recurrent-layer.ts) instead, and
 * does not count against the unroll limit: a
 * layer per step costs more than a step's arithmetic at these sizes (docs/benchmarks.md,
 * "Recurrent layers fused").
 *
 * sequence_lens: a step t counts for batch entry b when t < len[b]; elsewhere the state keeps
 * its value and Y is 0; a row of length 0 ends with zero states, not its initial ones. For the reverse direction the steps run from S-1 down, so the state
 * stays initial until t = len[b] - 1 and the last step is t = 0: what onnxruntime computes.
 *
 * Activations and their alpha/beta follow onnxruntime (rnn_helpers): alphas and betas are
 * consumed in order by the activations that take them; LeakyRelu, HardSigmoid and Elu default
 * to their ONNX values, Affine, ThresholdedRelu and ScaledTanh to 0 (onnxruntime's reading).
 * LSTM's input_forget sets f = 1 - i after the activation; clip bounds every gate's input.
 */
import { LIMITS } from '../src/limits.js';
import type { TensorRef } from '../src/engine/builder.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { defineConverter, type Emitter, tensorOf } from './define.js';
import { tensorNumbers } from './node-view.js';
import type { Converter } from './types.js';

type Op = 'RNN' | 'GRU' | 'LSTM';
type Direction = 'forward' | 'reverse';

/** Gates per op, in ONNX's order (RNN: i; GRU: z r h; LSTM: i o f c). */
const GATES: Record<Op, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTIVATIONS: Record<Op, string[]> = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] };

/** Activation name (lower case) -> [takes alpha, takes beta, alpha default, beta default] (onnxruntime's tables). */
const ACTIVATIONS: Record<string, [boolean, boolean, number, number]> = {
  relu: [false, false, 0, 0],
  tanh: [false, false, 0, 0],
  sigmoid: [false, false, 0, 0],
  affine: [true, true, 0, 0],
  leakyrelu: [true, false, 0.01, 0],
  thresholdedrelu: [true, false, 0, 0],
  scaledtanh: [true, true, 0, 0],
  hardsigmoid: [true, true, 0.2, 0.5],
  elu: [true, false, 1, 0],
  softsign: [false, false, 0, 0],
  softplus: [false, false, 0, 0],
};

/** The most steps (sequence length x directions) unrolled into one engine. */
export const MAX_UNROLLED_STEPS = LIMITS.unrolledSteps;

interface Activation {
  name: string;
  alpha: number;
  beta: number;
}

interface Plan {
  op: Op;
  directions: Direction[];
  hidden: number;
  steps: number;
  batchwise: boolean;
  /** Per direction: W [G*H, I], R [G*H, H], Wb + Rb (or Wb alone where GRU keeps Rbh apart), Rbh, P [3H]. */
  weights: Array<{ w: number[]; r: number[]; bias?: number[]; rbh?: number[]; peephole?: number[] }>;
  inputSize: number;
  activations: Activation[][];
  clip?: number;
  inputForget: boolean;
  linearBeforeReset: boolean;
  /** Whether sequence_lens is given and may stop a sequence early. */
  masked: boolean;
  zeroInitial: { h: boolean; c: boolean };
}

function readActivations(names: string[], alphas: number[], betas: number[], fail: (m: string) => never): Activation[] {
  let a = 0;
  let b = 0;
  return names.map((raw) => {
    const name = raw.toLowerCase();
    const usage = ACTIVATIONS[name];
    if (!usage) fail(`activation '${raw}' is not one of ${Object.keys(ACTIVATIONS).join(', ')}`);
    const [takesAlpha, takesBeta, alphaDefault, betaDefault] = usage!;
    const alpha = takesAlpha ? (a < alphas.length ? alphas[a++]! : alphaDefault) : 0;
    const beta = takesBeta ? (b < betas.length ? betas[b++]! : betaDefault) : 0;
    return { name, alpha, beta };
  });
}

function isZero(t: TensorData | undefined): boolean {
  return t !== undefined && tensorNumbers(t).every((x) => x === 0);
}

function recurrent(op: Op, sinceVersion: number): Converter {
  const gates = GATES[op];
  return defineConverter<Plan>({
    opType: op,
    sinceVersion,
    notes:
      `float32; the sequence length may vary in a shape range where every direction runs as one recurrent layer (an unrolled one needs it static); a direction with other activations than the defaults, clip, peepholes or input_forget ` +
      `is unrolled (at most ${MAX_UNROLLED_STEPS} steps over such directions), the others run as one recurrent layer; ` +
      `W, R, B${op === 'LSTM' ? ', P' : ''} must be constants; every direction, activation, clip, sequence_lens and initial state` +
      (sinceVersion >= 14 ? ', both layouts.' : '.'),
    plan(v) {
      v.dtype(0, ['float32']);
      const batchwise = sinceVersion >= 14 && v.int('layout', 0) === 1;
      const direction = v.choice('direction', 'forward', ['forward', 'reverse', 'bidirectional']);
      const directions: Direction[] = direction === 'bidirectional' ? ['forward', 'reverse'] : [direction];
      const x = v.in(0).shape;
      v.check(x.length === 3, () => `X has rank ${x.length}; expected 3`);
      const steps = batchwise ? x[1]! : x[0]!;
      const inputSize = x[2]!;
      v.check(steps >= 1, () => 'the sequence is empty');
      const w = v.constNumbers(1, 'W', 'make it an initializer');
      const r = v.constNumbers(2, 'R', 'make it an initializer');
      const H = v.in(2).shape[2]!;
      v.check(!v.hasAttr('hidden_size') || v.int('hidden_size', 0) === H, () => `hidden_size ${v.int('hidden_size', 0)} is not R's last dim ${H}`);
      v.check(H >= 1, () => `hidden_size ${H} must be positive`);
      const D = directions.length;
      const G = gates * H;
      v.check(w.length === D * G * inputSize, () => `W has ${w.length} values; expected ${D}x${G}x${inputSize}`);
      v.check(r.length === D * G * H, () => `R has ${r.length} values; expected ${D}x${G}x${H}`);
      const b = v.has(3) ? v.constNumbers(3, 'B', 'make it an initializer') : undefined;
      v.check(!b || b.length === D * 2 * G, () => `B has ${b!.length} values; expected ${D}x${2 * G}`);
      const p = op === 'LSTM' && v.has(7) ? v.constNumbers(7, 'P', 'make it an initializer') : undefined;
      v.check(!p || p.length === D * 3 * H, () => `P has ${p!.length} values; expected ${D}x${3 * H}`);
      const linearBeforeReset = op === 'GRU' && v.int('linear_before_reset', 0) !== 0;
      const weights = directions.map((_, d) => {
        const wb = b?.slice(d * 2 * G, d * 2 * G + G);
        const rb = b?.slice(d * 2 * G + G, (d + 1) * 2 * G);
        // GRU with linear_before_reset keeps Rbh inside r * (H R_h^T + Rbh); everything else adds Wb + Rb once.
        const keepRbh = linearBeforeReset && rb !== undefined;
        const bias = wb && rb ? wb.map((x, i) => x + (keepRbh && i >= 2 * H ? 0 : rb[i]!)) : undefined;
        return {
          w: w.slice(d * G * inputSize, (d + 1) * G * inputSize),
          r: r.slice(d * G * H, (d + 1) * G * H),
          bias,
          rbh: keepRbh ? rb!.slice(2 * H) : undefined,
          peephole: p?.slice(d * 3 * H, (d + 1) * 3 * H),
        };
      });
      const perDirection = DEFAULT_ACTIVATIONS[op].length;
      const given = v.strings('activations');
      v.check(
        !given || given.length === perDirection * D,
        () => `activations has ${given!.length} entries; expected ${perDirection * D} (${perDirection} per direction)`,
      );
      const all = readActivations(
        given ?? directions.flatMap(() => DEFAULT_ACTIVATIONS[op]),
        v.floats('activation_alpha') ?? [],
        v.floats('activation_beta') ?? [],
        (m) => v.fail(m),
      );
      const activations = directions.map((_, d) => all.slice(d * perDirection, (d + 1) * perDirection));
      const clip = v.hasAttr('clip') ? v.float('clip', 0) : undefined;
      v.check(clip === undefined || clip > 0, () => `clip ${clip} must be positive`);
      let masked = false;
      if (v.has(4)) {
        v.dtype(4, ['int32']);
        const lens = v.constant(4);
        masked = !lens || tensorNumbers(lens).some((n) => n !== steps);
      }
      const plan: Plan = {
        op,
        directions,
        hidden: H,
        steps,
        batchwise,
        weights,
        inputSize,
        activations,
        clip,
        inputForget: op === 'LSTM' && v.int('input_forget', 0) !== 0,
        linearBeforeReset,
        masked,
        zeroInitial: { h: !v.has(5) || isZero(v.constant(5)), c: !v.has(6) || isZero(v.constant(6)) },
      };
      // Only the directions that unroll count against the limit.
      const unrolled = directions.filter((_, d) => !fusable(plan, d)).length;
      v.check(
        steps * unrolled <= MAX_UNROLLED_STEPS,
        () =>
          `${steps} steps x ${unrolled} unrolled direction(s) (other activations, clip, peepholes or input_forget) ` +
          `is more than the ${MAX_UNROLLED_STEPS} unrolled steps an engine takes`,
      );
      return plan;
    },
    emit(e, plan) {
      new Unroller(e, plan).emit();
    },
  });
}

/**
 * Whether direction d runs as one recurrent layer (recurrent-layer.ts): the default
 * activations, no clip, peepholes or input_forget. Anything else unrolls.
 */
function fusable(p: Plan, d: number): boolean {
  const defaults = DEFAULT_ACTIVATIONS[p.op];
  const plain = p.activations[d]!.every((a, k) => a.name === defaults[k]!.toLowerCase());
  return plain && p.clip === undefined && !p.weights[d]!.peephole && !p.inputForget;
}

/** Emits one node's layers (see the header). */
class Unroller {
  private readonly H: number;
  constructor(
    private readonly e: Emitter,
    private readonly p: Plan,
  ) {
    this.H = p.hidden;
  }

  private const(values: number[], dims: number[], suffix: string): TensorRef {
    return this.e.constant(tensorOf('float32', dims, values), suffix);
  }

  private bin(op: 'add' | 'sub' | 'mul' | 'div' | 'greater', a: TensorRef, b: TensorRef, suffix: string): TensorRef {
    return this.e.add('elementwise', [a, b], { op }, suffix);
  }

  private scalar(value: number, suffix: string): TensorRef {
    return this.e.fill(value, 'float32', suffix);
  }

  /** Columns [from, from + n) of a [1, 1, B, K] tensor. */
  private columns(x: TensorRef, from: number, n: number, suffix: string): TensorRef {
    if (from === 0 && n === x.shape[3]) return x;
    return this.e.add('slice', [x], { starts: [0, 0, 0, from], steps: [1, 1, 1, 1] }, suffix, [{ shape: [1, 1, x.shape[2]!, n] }]);
  }

  private activate(x: TensorRef, a: Activation, suffix: string): TensorRef {
    switch (a.name) {
      case 'relu':
      case 'tanh':
      case 'sigmoid':
      case 'softplus':
        return this.e.add('unary', [x], { op: a.name }, suffix);
      case 'leakyrelu':
        return this.e.add('unary', [x], { op: 'leaky_relu', alpha: a.alpha }, suffix);
      case 'elu':
        return this.e.add('unary', [x], { op: 'elu', alpha: a.alpha }, suffix);
      case 'hardsigmoid':
        return this.e.add('unary', [x], { op: 'hard_sigmoid', alpha: a.alpha, beta: a.beta }, suffix);
      case 'affine':
        return this.bin(
          'add',
          this.bin('mul', x, this.scalar(a.alpha, `${suffix}_alpha`), `${suffix}_scale`),
          this.scalar(a.beta, `${suffix}_beta`),
          suffix,
        );
      case 'scaledtanh': {
        const t = this.e.add('unary', [this.bin('mul', x, this.scalar(a.beta, `${suffix}_beta`), `${suffix}_in`)], { op: 'tanh' }, `${suffix}_tanh`);
        return this.bin('mul', t, this.scalar(a.alpha, `${suffix}_alpha`), suffix);
      }
      case 'thresholdedrelu': {
        const above = this.bin('greater', x, this.scalar(a.alpha, `${suffix}_alpha`), `${suffix}_above`);
        return this.e.add('select', [above, x, this.scalar(0, `${suffix}_zero`)], {}, suffix);
      }
      case 'softsign': {
        const denominator = this.bin(
          'add',
          this.e.add('unary', [x], { op: 'abs' }, `${suffix}_abs`),
          this.scalar(1, `${suffix}_one`),
          `${suffix}_den`,
        );
        return this.bin('div', x, denominator, suffix);
      }
    }
    throw new Error(`internal: activation ${a.name}`);
  }

  /** clip, then the activation: every gate's input is bounded before it is activated. */
  private gate(x: TensorRef, a: Activation, suffix: string): TensorRef {
    const c = this.p.clip;
    const clipped = c === undefined ? x : this.e.add('unary', [x], { op: 'clip', min: -c, max: c }, `${suffix}_clip`);
    return this.activate(clipped, a, suffix);
  }

  /** y = x @ w^T (+ c), w [rows, cols] a constant. */
  private matmul(x: TensorRef, w: number[], rows: number, cols: number, c: TensorRef | undefined, suffix: string): TensorRef {
    const weight = this.const(w, [rows, cols], `${suffix}_weight`);
    return this.e.add('matmul', c ? [x, weight, c] : [x, weight], { transA: false, transB: true, alpha: 1, beta: c ? 1 : 0 }, suffix);
  }

  /** Rows [from, from + n) of a [rows, cols] row-major matrix. */
  private rows(m: number[], cols: number, from: number, n: number): number[] {
    return m.slice(from * cols, (from + n) * cols);
  }

  /** The initial state of direction d as [1, 1, B, H], or undefined for zeros. */
  private initial(input: number, zero: boolean, d: number): TensorRef | undefined {
    if (zero) return undefined;
    const { e, H } = this;
    let s = e.input(input);
    if (this.p.batchwise) s = e.transpose(s, [1, 0, 2], `init${input}_seq_major`);
    const [D, B] = [s.shape[0]!, s.shape[1]!];
    const one = D === 1 ? s : e.add('slice', [s], { starts: [d, 0, 0], steps: [1, 1, 1] }, `init${input}_d${d}`, [{ shape: [1, B, H] }]);
    return e.reshapeRelative(one, [1, 1, -1, H], `init${input}_d${d}_4d`);
  }

  emit(): void {
    const { e, p, H } = this;
    let x = e.input(0);
    if (p.batchwise) x = e.transpose(x, [1, 0, 2], 'seq_major');
    // [S, 1, B, I], S and B taken from x: both may vary in a shape range (the recurrent layer
    // reads S from its input; unrolled directions fix it, and fall back where it varies).
    const x4 = e.reshapeRelative(x, [0, 1, -1, p.inputSize], 'x4');
    const B = x4.shape[2]!;
    const lens = p.masked ? e.input(4) : undefined;
    const ys: TensorRef[] = [];
    const hs: TensorRef[] = [];
    const cs: TensorRef[] = [];
    p.directions.forEach((dir, d) => {
      const wd = p.weights[d]!;
      const G = GATES[p.op] * H;
      const bias = wd.bias ? this.const(wd.bias, [G], `d${d}_bias`) : undefined;
      const projected = this.matmul(x4, wd.w, G, p.inputSize, bias, `d${d}_input`);
      let h = this.initial(5, p.zeroInitial.h, d);
      let c = p.op === 'LSTM' ? this.initial(6, p.zeroInitial.c, d) : undefined;
      if (fusable(p, d)) {
        const [y, hLast, cLast] = this.sequence(projected, h, c, lens, d, dir);
        ys.push(y!);
        hs.push(hLast!);
        if (cLast) cs.push(cLast);
        return;
      }
      const outs: TensorRef[] = new Array(p.steps);
      for (let k = 0; k < p.steps; k++) {
        const t = dir === 'forward' ? k : p.steps - 1 - k;
        const tag = `d${d}_t${t}`;
        const xt = e.add('slice', [projected], { starts: [t, 0, 0, 0], steps: [1, 1, 1, 1] }, `${tag}_x`, [{ shape: [1, 1, B, G] }]);
        const next = this.step(xt, h, c, d, tag);
        let [hNew, cNew] = next;
        let y = hNew;
        if (lens) {
          const live = e.reshapeRelative(
            e.add('elementwise', [e.fill(t, 'int32', `${tag}_step`), lens], { op: 'less' }, `${tag}_live`),
            [1, 1, -1, 1],
            `${tag}_live4`,
          );
          const zero = this.scalar(0, `${tag}_zero`);
          y = e.add('select', [live, hNew, zero], {}, `${tag}_y`);
          hNew = e.add('select', [live, hNew, h ?? zero], {}, `${tag}_h`);
          if (cNew) cNew = e.add('select', [live, cNew, c ?? zero], {}, `${tag}_c`);
        }
        outs[t] = y;
        h = hNew;
        c = cNew;
      }
      if (lens) {
        // A row of length 0 ends with zero states (onnxruntime's Y_h and Y_c), not its initial ones.
        const some = e.reshapeRelative(
          e.add('elementwise', [e.fill(0, 'int32', `d${d}_none`), lens], { op: 'less' }, `d${d}_some`),
          [1, 1, -1, 1],
          `d${d}_some4`,
        );
        const zero = this.scalar(0, `d${d}_end_zero`);
        h = e.add('select', [some, h!, zero], {}, `d${d}_h_end`);
        if (c) c = e.add('select', [some, c, zero], {}, `d${d}_c_end`);
      }
      ys.push(outs.length === 1 ? outs[0]! : e.add('concat', outs, { axis: 0 }, `d${d}_y`));
      hs.push(h!);
      if (c) cs.push(c);
    });
    const dirs = p.directions.length;
    const join = (parts: TensorRef[], suffix: string) => (parts.length === 1 ? parts[0]! : e.add('concat', parts, { axis: 1 }, suffix));
    if (e.node.outputs[0]) {
      const y = join(ys, 'y'); // [S, D, B, H]
      e.output(0, p.batchwise ? e.transpose(y, [2, 0, 1, 3], 'y_batch_major') : y);
    }
    const state = (parts: TensorRef[], suffix: string) => {
      const s = e.reshapeRelative(join(parts, suffix), [dirs, -1, H], `${suffix}_3d`); // [D, B, H]
      return p.batchwise ? e.transpose(s, [1, 0, 2], `${suffix}_batch_major`) : s;
    };
    if (e.node.outputs[1]) e.output(1, state(hs, 'y_h'));
    if (p.op === 'LSTM' && e.node.outputs[2]) e.output(2, state(cs, 'y_c'));
  }

  /** Direction d's steps as one recurrent layer: y [S, 1, B, H], the last h (and c) [1, 1, B, H]. */
  private sequence(
    x: TensorRef,
    h0: TensorRef | undefined,
    c0: TensorRef | undefined,
    lens: TensorRef | undefined,
    d: number,
    dir: Direction,
  ): TensorRef[] {
    const { p, H } = this;
    const wd = p.weights[d]!;
    const G = GATES[p.op] * H;
    const inputs = [x, this.const(wd.r, [G, H], `d${d}_recurrence`)];
    // Rb is in the projection's bias but where GRU keeps Rbh inside r's scaling (linear_before_reset).
    if (wd.rbh) inputs.push(this.const([...new Array<number>(2 * H).fill(0), ...wd.rbh], [G], `d${d}_recurrence_bias`));
    if (h0) inputs.push(h0);
    if (c0) inputs.push(c0);
    if (lens) inputs.push(lens);
    const cell = p.op === 'RNN' ? 'rnn' : p.op === 'GRU' ? 'gru' : 'lstm';
    const params = {
      cell,
      reverse: dir === 'reverse',
      linearBeforeReset: p.linearBeforeReset,
      recurrentBias: wd.rbh !== undefined,
      initialH: h0 !== undefined,
      initialC: c0 !== undefined,
      sequenceLens: lens !== undefined,
    } as const;
    return this.e.addMany('recurrent', inputs, params, `d${d}_sequence`);
  }

  /** One step: the new H (and C), each [1, 1, B, H]. */
  private step(xt: TensorRef, h: TensorRef | undefined, c: TensorRef | undefined, d: number, tag: string): [TensorRef, TensorRef?] {
    const { e, p, H } = this;
    const wd = p.weights[d]!;
    const act = p.activations[d]!;
    if (p.op === 'RNN') {
      const g = h ? this.matmul(h, wd.r, H, H, xt, `${tag}_rec`) : xt;
      return [this.gate(g, act[0]!, `${tag}_h`)];
    }
    if (p.op === 'GRU') {
      // z and r see H R^T like the other ops; h's recurrent term depends on linear_before_reset.
      const xzr = this.columns(xt, 0, 2 * H, `${tag}_xzr`);
      const xh = this.columns(xt, 2 * H, H, `${tag}_xh`);
      const zr = h ? this.matmul(h, this.rows(wd.r, H, 0, 2 * H), 2 * H, H, xzr, `${tag}_rec_zr`) : xzr;
      const z = this.gate(this.columns(zr, 0, H, `${tag}_zin`), act[0]!, `${tag}_z`);
      const r = this.gate(this.columns(zr, H, H, `${tag}_rin`), act[0]!, `${tag}_r`);
      const rh = this.rows(wd.r, H, 2 * H, H);
      let hin: TensorRef;
      if (p.linearBeforeReset) {
        const rbh = wd.rbh ? this.const(wd.rbh, [H], `${tag}_rbh`) : undefined;
        const rec = h ? this.matmul(h, rh, H, H, rbh, `${tag}_rec_h`) : rbh;
        hin = rec ? this.bin('add', xh, this.bin('mul', r, rec, `${tag}_reset`), `${tag}_hin`) : xh;
      } else {
        hin = h ? this.matmul(this.bin('mul', r, h, `${tag}_reset`), rh, H, H, xh, `${tag}_rec_h`) : xh;
      }
      const candidate = this.gate(hin, act[1]!, `${tag}_cand`);
      // H = (1 - z) * h~ + z * H_prev
      const keep = this.bin('sub', this.scalar(1, `${tag}_one`), z, `${tag}_update`);
      const fresh = this.bin('mul', keep, candidate, `${tag}_fresh`);
      return [h ? this.bin('add', fresh, this.bin('mul', z, h, `${tag}_kept`), `${tag}_h`) : fresh];
    }
    // LSTM, gates i o f c.
    const g = h ? this.matmul(h, wd.r, 4 * H, H, xt, `${tag}_rec`) : xt;
    const [iIn, oIn, fIn, cIn] = e.addMany('split', [g], { axis: 3, sizes: [H, H, H, H] }, `${tag}_gates`);
    const peep = (k: number, state: TensorRef | undefined, x: TensorRef, suffix: string) => {
      if (!wd.peephole || !state) return x;
      const pk = this.const(wd.peephole.slice(k * H, (k + 1) * H), [H], `${suffix}_peephole`);
      return this.bin('add', x, this.bin('mul', state, pk, `${suffix}_peep`), `${suffix}_with_peephole`);
    };
    const i = this.gate(peep(0, c, iIn!, `${tag}_i`), act[0]!, `${tag}_i`);
    const f = p.inputForget
      ? this.bin('sub', this.scalar(1, `${tag}_one`), i, `${tag}_f`)
      : this.gate(peep(2, c, fIn!, `${tag}_f`), act[0]!, `${tag}_f`);
    const candidate = this.gate(cIn!, act[1]!, `${tag}_cand`);
    const written = this.bin('mul', i, candidate, `${tag}_write`);
    const cNew = c ? this.bin('add', this.bin('mul', f, c, `${tag}_forget`), written, `${tag}_c`) : written;
    const o = this.gate(peep(1, cNew, oIn!, `${tag}_o`), act[0]!, `${tag}_o`);
    const hNew = this.bin('mul', o, this.activate(cNew, act[2]!, `${tag}_cact`), `${tag}_h`);
    return [hNew, cNew];
  }
}

export const recurrentConverters: Converter[] = [
  recurrent('RNN', 7),
  recurrent('RNN', 14),
  recurrent('GRU', 7),
  recurrent('GRU', 14),
  recurrent('LSTM', 7),
  recurrent('LSTM', 14),
];
