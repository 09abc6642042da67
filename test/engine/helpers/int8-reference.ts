/**
 * The scalar reference of the int8 convolution's epilogue (native/cpu/quant_epilogue.h) for the
 * int8 children (int8-variant-child.ts, int8-depthwise-child.ts): the integer sum of an output,
 * then the float32 steps one rounding at a time with Math.fround, and the quantize layer's
 * round half to even.
 */
import { randomInt } from '../../../src/util/random.js';

export type QType = 'int8' | 'uint8';
export type OutType = 'float32' | QType;
const f = Math.fround;

/** round half to even of a float32 value, as the quantize layer rounds. */
export function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface Quant {
  xType: QType;
  zx: number;
  sx: number;
  sw: number[];
  out: OutType;
  zy: number;
  relu: boolean;
  /** A clip activation's bounds (float32), in place of relu. */
  clip?: [number, number];
  /**
   * A sigmoid in place of relu: ApplyActivation's expf is not Math.exp, so outputs agree
   * within 2e-6 (float32) or one step (requantized), not bit for bit.
   */
  sigmoid?: boolean;
  /** The output scale as the largest value / this (default 100; larger: most outputs saturate). */
  steps?: number;
  /** The output scale itself, in place of steps. */
  sy?: number;
  /** An int8/uint8 residual's scale and zero point (the layer dequantizes it). */
  residual?: { scale: number; zero: number };
}

/** The epilogue of one output: float(acc) * (sx * sw) + bias + z, relu, then float32 or requantized. */
export function finish(acc: number, c: number, q: Quant, bias: number | undefined, z: number | undefined, sy: number): number {
  let v = f(f(acc) * f(q.sx * q.sw[q.sw.length === 1 ? 0 : c]!));
  if (bias !== undefined) v = f(v + bias);
  if (z !== undefined) v = f(v + z);
  if (q.relu && v < 0) v = 0;
  if (q.clip) v = Math.min(Math.max(v, q.clip[0]), q.clip[1]);
  if (q.sigmoid) v = f(1 / (1 + Math.exp(-v)));
  return q.out === 'float32' ? v : finishQ(v, q, sy);
}

/** n random values of type t, over the whole range. */
export function bytes(r: () => number, t: QType, n: number): Int8Array | Uint8Array {
  const lo = t === 'int8' ? -128 : 0;
  const v = Array.from({ length: n }, () => randomInt(r, lo, lo + 256));
  return t === 'int8' ? Int8Array.from(v) : Uint8Array.from(v);
}

/** A float32 value v requantized to q.out at scale sy. */
export const finishQ = (v: number, q: Quant, sy: number) => {
  const lo = q.out === 'int8' ? -128 : 0;
  return Math.min(lo + 255, Math.max(lo, rint(f(v / sy)) + q.zy));
};
