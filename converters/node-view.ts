/**
 * NodeView: what a converter's `plan` reads a node through (inputs' and outputs' static types,
 * constant inputs, attributes with ONNX defaults). Anything a converter cannot support ends
 * in `fail(reason)`, which throws a Rejection; `defineConverter` turns that into validate's
 * `{ ok: false, reason }`, so the reason is written once, where the limitation is.
 */
import { HybridError } from '../src/errors.js';
import type { Node } from '../src/ir/graph.js';
import { attrFloat, attrFloats, attrStrings, attrInt, attrInts, attrString, findAttr } from '../src/ir/attributes.js';
import type { DType } from '../src/onnx/dtype.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../src/onnx/half.js';
import { type EngineDType, ENGINE_DTYPES } from '../src/engine/network.js';
import type { ValidateContext } from './types.js';

/** An unsupported node: the message is the user-facing reason (without the op prefix). */
export class Rejection extends Error {}

/** A value with a known element type and a static shape. */
export interface IO {
  name: string;
  dtype: DType;
  shape: number[];
}

export function isEngineDType(d: DType): d is EngineDType {
  return (ENGINE_DTYPES as readonly string[]).includes(d);
}

export const STATIC_SHAPES_HINT =
  'engines need static shapes: export the model with fixed sizes or give them (--shape name=1x3x224x224, or compile inputs: [{ name, shape }])';

export class NodeView {
  constructor(
    readonly node: Node,
    readonly ctx: ValidateContext,
  ) {}

  get opset(): number {
    return this.ctx.opset;
  }

  fail(reason: string): never {
    throw new Rejection(reason);
  }

  check(cond: unknown, reason: () => string): void {
    if (!cond) this.fail(reason());
  }

  /** Whether optional input `i` is given. */
  has(i: number): boolean {
    return !!this.node.inputs[i];
  }

  hasOutput(i: number): boolean {
    return !!this.node.outputs[i];
  }

  /** Number of inputs up to the last given one. */
  get inputCount(): number {
    let n = this.node.inputs.length;
    while (n > 0 && !this.node.inputs[n - 1]) n--;
    return n;
  }

  inLabel(i: number): string {
    return `input '${this.node.inputs[i] ?? `#${i}`}'`;
  }

  outLabel(i: number): string {
    return `output '${this.node.outputs[i] ?? `#${i}`}'`;
  }

  /** The static type of a value; rejects an unknown type or a symbolic shape. */
  typeOf(value: string, label: string): IO {
    const t = this.ctx.type(value);
    this.check(
      t?.dtype !== undefined || t?.shape === undefined,
      () => `the element type of ${label} is unknown: not one hybridrt handles (float8, int4...) or not inferred`,
    );
    this.check(
      t?.dtype !== undefined && t.shape !== undefined,
      () => `the type of ${label} is unknown (shape inference could not determine it); ${STATIC_SHAPES_HINT}`,
    );
    const shape = t!.shape!;
    this.check(
      shape.every((d) => typeof d === 'number' && d >= 0),
      () => `the shape of ${label} is not static ([${shape.join(',')}]); ${STATIC_SHAPES_HINT}`,
    );
    return { name: value, dtype: t!.dtype!, shape: shape as number[] };
  }

  in(i: number): IO {
    this.check(this.has(i), () => `${this.inLabel(i)} is missing`);
    return this.typeOf(this.node.inputs[i]!, this.inLabel(i));
  }

  out(i: number): IO {
    this.check(this.hasOutput(i), () => `output #${i} is missing`);
    return this.typeOf(this.node.outputs[i]!, this.outLabel(i));
  }

  /** Checks an input's dtype against what the layer takes. */
  dtype(i: number, allowed: readonly EngineDType[]): EngineDType {
    const t = this.in(i);
    this.check((allowed as readonly string[]).includes(t.dtype), () => `${this.inLabel(i)} has dtype ${t.dtype}; supported: ${allowed.join(', ')}`);
    return t.dtype as EngineDType;
  }

  constant(i: number): TensorData | undefined {
    return this.has(i) ? this.ctx.constant(this.node.inputs[i]!) : undefined;
  }

  /**
   * Where input i (indices) is a constant, each value must lie in [-size, size) of the data dim
   * its position addresses (`dimAt(position)` gives [dim, size]); run-time indices are the
   * layer's to check.
   */
  constIndices(i: number, dimAt: (position: number) => [number, number]): void {
    const c = this.constant(i);
    if (!c) return;
    const values = tensorNumbers(c);
    const bad = values.findIndex((x, p) => x < -dimAt(p)[1] || x >= dimAt(p)[1]);
    this.check(bad < 0, () => `index ${values[bad]} at position ${bad} is out of range for dim ${dimAt(bad)[0]} of size ${dimAt(bad)[1]}`);
  }

  /** Whether the engine serves a range of shapes (ValidateContext.ranged). */
  get ranged(): boolean {
    return this.ctx.ranged === true;
  }

  /** Whether input i is a constant of the graph, the same at every shape (see ValidateContext.fixed). */
  fixed(i: number): boolean {
    if (!this.has(i)) return false;
    const value = this.node.inputs[i]!;
    return this.ctx.fixed ? this.ctx.fixed(value) : this.ctx.constant(value) !== undefined;
  }

  /**
   * Whether input i is one the engine computes at run time: known at these shapes but not
   * fixed (a shape computation over a range, which shape tensors carry); rejects one known at
   * no shape (data), with `what` and `hint` as constNumbers says them.
   */
  computed(i: number, what: string, hint = 'export with static shapes or pass --shape'): boolean {
    if (this.fixed(i)) return false;
    this.check(this.constant(i) !== undefined, () => `${what} (${this.inLabel(i)}) is computed at run time from data, not from shapes; ${hint}`);
    return true;
  }

  /** A constant input's values as numbers; rejects a value computed at run time. */
  constNumbers(i: number, what: string, hint = 'export with static shapes or pass --shape'): number[] {
    const t = this.constant(i);
    this.check(t !== undefined, () => `${what} (${this.inLabel(i)}) is computed at run time, not a constant; ${hint}`);
    return tensorNumbers(t!);
  }

  constInts(i: number, what: string, hint?: string): number[] {
    const t = this.constant(i);
    if (t) this.check(t.dtype === 'int64' || t.dtype === 'int32', () => `${what} has dtype ${t.dtype}; expected int64`);
    return this.constNumbers(i, what, hint);
  }

  // Attributes, with ONNX's defaults. A malformed attribute is a model error, reported as a rejection.
  private attr<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof HybridError) this.fail(e.message);
      throw e;
    }
  }

  hasAttr(name: string): boolean {
    return findAttr(this.node, name) !== undefined;
  }

  int(name: string, dflt: number): number {
    return this.attr(() => attrInt(this.node, name, dflt));
  }

  intOpt(name: string): number | undefined {
    return this.attr(() => attrInt(this.node, name));
  }

  ints(name: string): number[] | undefined {
    return this.attr(() => attrInts(this.node, name));
  }

  float(name: string, dflt: number): number {
    return this.attr(() => attrFloat(this.node, name, dflt));
  }

  floats(name: string): number[] | undefined {
    return this.attr(() => attrFloats(this.node, name));
  }

  strings(name: string): string[] | undefined {
    return this.attr(() => attrStrings(this.node, name));
  }

  string(name: string, dflt: string): string {
    return this.attr(() => attrString(this.node, name, dflt));
  }

  /** Checks an enum-like string attribute. */
  choice<T extends string>(name: string, dflt: T, supported: readonly T[], hint = ''): T {
    const v = this.string(name, dflt);
    this.check(
      (supported as readonly string[]).includes(v),
      () => `${name} '${v}' is not supported${hint ? `; ${hint}` : `; use ${supported.map((s) => `'${s}'`).join(' or ')}`}`,
    );
    return v as T;
  }

  /** A possibly negative axis resolved against `rank`. */
  axis(axis: number, rank: number, what = 'axis'): number {
    this.check(Number.isInteger(axis) && axis >= -rank && axis < rank, () => `${what} ${axis} is out of range for rank ${rank}`);
    return axis < 0 ? axis + rank : axis;
  }

  /** Distinct resolved axes, sorted. */
  axes(axes: readonly number[], rank: number, what = 'axes'): number[] {
    const out = axes.map((a) => this.axis(a, rank, what));
    this.check(new Set(out).size === out.length, () => `${what} [${axes}] repeat an axis`);
    return out.sort((a, b) => a - b);
  }
}

/**
 * A tensor's values as JS numbers (fp16/bf16 decoded). int64 beyond 2^53 rounds: such values
 * are the "to the end" sentinels (INT64_MAX) that every reader clamps anyway.
 */
export function tensorNumbers(t: TensorData): number[] {
  const out: number[] = [];
  const data = t.data as ArrayLike<number | bigint>;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (typeof v === 'bigint') out.push(Number(v));
    else if (t.dtype === 'float16') out.push(float16BitsToFloat32(v));
    else if (t.dtype === 'bfloat16') out.push(bfloat16BitsToFloat32(v));
    else out.push(v);
  }
  return out;
}
