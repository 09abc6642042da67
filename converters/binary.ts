/**
 * Broadcasting binary ops -> one `elementwise` layer: Add, Sub, Mul, Div, Pow, Equal, Less,
 * Greater, And, Or, Mod; LessOrEqual, GreaterOrEqual and Xor as two layers; and the variadic Max/Min
 * (a chain of layers). Opsets before 7 (8 for Max/Min) use the legacy
 * broadcast: B aligned at `axis` when `broadcast=1`, else equal shapes; their converters
 * reshape B so that the numpy rule gives the same result. The layers compare and divide in
 * 32 and 64 bits only: int8 and uint8 comparisons and Mod run on their values cast to int32,
 * which holds every one of them (a remainder is smaller than its divisor, so Mod's casts back).
 */
import { FLOAT_DTYPES, binaryDTypes } from '../src/engine/layer-dtypes.js';
import { broadcastShapes, sameShape } from '../src/engine/shape-math.js';
import type { BinaryOp, EngineDType } from '../src/engine/network.js';
import type { TensorRef } from '../src/engine/builder.js';
import { type Emitter, defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

interface BinaryPlan {
  /** Shape B is reshaped to before the layer (legacy broadcast), if any. */
  bShape?: number[];
  /** Cast B to A's dtype first (Pow's exponent of another type). */
  castB?: EngineDType;
  /** Both inputs are int8 or uint8: the layer runs on them cast to int32. */
  widen?: boolean;
}

const WIDENED: readonly EngineDType[] = ['int8', 'uint8'];

/** Checks both inputs' dtypes against `allowed`, or both int8 or both uint8 (`widen`): whether to widen them. */
function widenedInputs(v: NodeView, allowed: readonly EngineDType[], widen: boolean): boolean {
  const a = v.in(0).dtype as EngineDType;
  if (!widen || !WIDENED.includes(a)) {
    v.dtype(0, allowed);
    v.dtype(1, allowed);
    return false;
  }
  v.dtype(1, [a]);
  return true;
}

/** Inputs 0 and 1, cast to int32 where the plan widens them. */
function operands(e: Emitter, widen: boolean | undefined): [TensorRef, TensorRef] {
  return widen ? [e.cast(e.input(0), 'int32', 'widen_a'), e.cast(e.input(1), 'int32', 'widen_b')] : [e.input(0), e.input(1)];
}

function checkBroadcast(v: NodeView, a: number[], b: number[]): void {
  v.check(broadcastShapes(a, b) !== undefined, () => `shapes [${a}] and [${b}] do not broadcast`);
}

/** Legacy (opset < 7) broadcast: the shape B takes so that numpy broadcasting matches it. */
function legacyB(v: NodeView, a: number[], b: number[]): number[] | undefined {
  if (v.int('broadcast', 0) === 0) {
    v.check(sameShape(a, b), () => `broadcast=0 needs equal shapes, got [${a}] and [${b}]`);
    return undefined;
  }
  const axis = v.hasAttr('axis') ? v.axis(v.int('axis', 0), a.length) : a.length - b.length;
  // A one-element B is a scalar in the legacy rule, whatever its rank.
  if (b.reduce((x, y) => x * y, 1) === 1) return b.length <= a.length ? undefined : [];
  v.check(
    axis >= 0 && axis + b.length <= a.length && b.every((d, i) => d === a[axis + i] || d === 1),
    () => `B [${b}] does not match A [${a}] at axis ${axis}`,
  );
  // Aligned at the end, numpy's rule already means the same.
  if (axis + b.length === a.length) return undefined;
  return [...new Array<number>(axis).fill(1), ...b, ...new Array<number>(a.length - axis - b.length).fill(1)];
}

function binary(opType: string, op: BinaryOp, sinceVersion: number, legacy: boolean): Converter {
  const allowed = binaryDTypes(op);
  return defineConverter<BinaryPlan>({
    opType,
    sinceVersion,
    notes: `${legacy ? 'Legacy broadcast (broadcast/axis attributes). ' : ''}Dtypes: ${allowed.join(', ')}${op === 'pow' ? '; the exponent may be any of these or int32/int64 (cast to the base type)' : ''}${op === 'equal' || op === 'less' || op === 'greater' ? '; int8 and uint8 compared as int32' : ''}.`,
    plan(v) {
      const a = v.in(0);
      const b = v.in(1);
      const plan: BinaryPlan = {};
      if (op === 'pow') {
        v.check(
          allowed.includes(a.dtype as EngineDType),
          () => `base dtype ${a.dtype} is not supported; engines compute Pow in ${allowed.join(', ')}`,
        );
        if (b.dtype !== a.dtype) {
          v.dtype(1, [...allowed, 'int32', 'int64']);
          plan.castB = a.dtype as EngineDType;
        }
      } else if (widenedInputs(v, allowed, op === 'equal' || op === 'less' || op === 'greater')) {
        plan.widen = true;
      }
      if (legacy) plan.bShape = legacyB(v, a.shape, b.shape);
      checkBroadcast(v, a.shape, plan.bShape ?? b.shape);
      return plan;
    },
    emit(e, plan) {
      let [a, b] = operands(e, plan.widen);
      if (plan.castB) b = e.cast(b, plan.castB, 'cast_b');
      if (plan.bShape) b = e.reshape(b, plan.bShape, 'align_b');
      e.output(0, e.add('elementwise', [a, b], { op }));
    },
  });
}

/** Max/Min over 1..n inputs: a left fold of elementwise layers (one input: identity). */
function variadic(opType: string, op: 'max' | 'min', sinceVersion: number, broadcast: boolean): Converter {
  const allowed = binaryDTypes(op);
  return defineConverter<number>({
    opType,
    sinceVersion,
    notes: `${broadcast ? '' : 'Inputs of equal shapes only (no broadcasting before opset 8). '}Dtypes: ${allowed.join(', ')}.`,
    plan(v) {
      const n = v.inputCount;
      v.check(n >= 1, () => 'needs at least one input');
      const shapes: number[][] = [];
      for (let i = 0; i < n; i++) {
        v.dtype(i, allowed);
        shapes.push(v.in(i).shape);
      }
      v.check(broadcastShapes(...shapes) !== undefined, () => `input shapes ${shapes.map((s) => `[${s}]`).join(', ')} do not broadcast`);
      if (!broadcast)
        v.check(
          shapes.every((s) => sameShape(s, shapes[0]!)),
          () => 'inputs must have equal shapes before opset 8',
        );
      return n;
    },
    emit(e, n) {
      let acc: TensorRef = e.input(0);
      if (n === 1) acc = e.add('unary', [acc], { op: 'identity' });
      for (let i = 1; i < n; i++) acc = e.add('elementwise', [acc, e.input(i)], { op }, i === n - 1 ? undefined : `${op}${i}`);
      e.output(0, acc);
    },
  });
}

/**
 * Comparisons and logic that are two layers: LessOrEqual = Less or Equal, GreaterOrEqual =
 * Greater or Equal (so that NaN compares false, as onnxruntime has it; not(Greater) would be
 * true), Xor = not Equal on bools.
 */
function composed(opType: 'LessOrEqual' | 'GreaterOrEqual' | 'Xor', sinceVersion: number, legacy: boolean): Converter {
  const strict: BinaryOp = opType === 'LessOrEqual' ? 'less' : 'greater';
  const allowed = opType === 'Xor' ? (['bool'] as const) : binaryDTypes(strict);
  return defineConverter<BinaryPlan>({
    opType,
    sinceVersion,
    notes: `${legacy ? 'Legacy broadcast (broadcast/axis attributes). ' : ''}Two layers (${opType === 'Xor' ? 'not equal' : `${strict} or equal`}). Dtypes: ${allowed.join(', ')}${opType === 'Xor' ? '' : '; int8 and uint8 compared as int32'}.`,
    plan(v) {
      const plan: BinaryPlan = {};
      if (widenedInputs(v, allowed, opType !== 'Xor')) plan.widen = true;
      if (legacy) plan.bShape = legacyB(v, v.in(0).shape, v.in(1).shape);
      checkBroadcast(v, v.in(0).shape, plan.bShape ?? v.in(1).shape);
      return plan;
    },
    emit(e, plan) {
      let [a, b] = operands(e, plan.widen);
      if (plan.bShape) b = e.reshape(b, plan.bShape, 'align_b');
      const equal = e.add('elementwise', [a, b], { op: 'equal' }, 'equal');
      if (opType === 'Xor') {
        e.output(0, e.add('unary', [equal], { op: 'not' }));
        return;
      }
      const first = e.add('elementwise', [a, b], { op: strict }, strict);
      e.output(0, e.add('elementwise', [first, equal], { op: 'or' }));
    },
  });
}

const ARITH: Array<[string, BinaryOp]> = [
  ['Add', 'add'],
  ['Sub', 'sub'],
  ['Mul', 'mul'],
  ['Div', 'div'],
  ['Pow', 'pow'],
  ['Equal', 'equal'],
  ['Less', 'less'],
  ['Greater', 'greater'],
  ['And', 'and'],
  ['Or', 'or'],
];

/**
 * Mod (opset 10, 13) -> an elementwise 'fmod' (fmod=1: the dividend's sign, floats and integers)
 * or 'mod' (fmod=0: the divisor's sign, integers only, as ONNX allows).
 */
function mod(sinceVersion: number): Converter {
  return defineConverter<{ op: 'fmod' | 'mod'; narrow?: EngineDType }>({
    opType: 'Mod',
    sinceVersion,
    notes: `fmod=1: dtypes ${binaryDTypes('fmod').join(', ')}; fmod=0: ${binaryDTypes('mod').join(', ')}; both: int8 and uint8 as int32. An integer divisor of 0 gives 0.`,
    plan(v) {
      const op = v.int('fmod', 0) === 1 ? 'fmod' : 'mod';
      v.check(
        op === 'fmod' || !(FLOAT_DTYPES as readonly string[]).includes(v.in(0).dtype ?? ''),
        () => `fmod=0 on ${v.in(0).dtype}: ONNX asks for fmod=1 with floats`,
      );
      const widen = widenedInputs(v, binaryDTypes(op), true);
      v.check(v.in(0).dtype === v.in(1).dtype, () => `inputs of dtypes ${v.in(0).dtype} and ${v.in(1).dtype}`);
      checkBroadcast(v, v.in(0).shape, v.in(1).shape);
      return widen ? { op, narrow: v.in(0).dtype as EngineDType } : { op };
    },
    emit(e, { op, narrow }) {
      const y = e.add('elementwise', operands(e, narrow !== undefined), { op }, narrow ? op : undefined);
      e.output(0, narrow ? e.cast(y, narrow) : y);
    },
  });
}

export const binaryConverters: Converter[] = [
  ...ARITH.flatMap(([t, op]) => [binary(t, op, 1, true), binary(t, op, 7, false)]),
  composed('Xor', 1, true),
  composed('Xor', 7, false),
  composed('LessOrEqual', 12, false),
  composed('GreaterOrEqual', 12, false),
  variadic('Max', 'max', 1, false),
  variadic('Max', 'max', 8, true),
  variadic('Min', 'min', 1, false),
  variadic('Min', 'min', 8, true),
  mod(10),
  mod(13),
];
