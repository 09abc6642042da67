/**
 * What an inference rule sees and returns. A rule reads the node's input types, the known
 * values of its inputs, and attributes (through ../attributes.js), and returns one entry per
 * node output: what it can say of that output's dtype, shape and value. Anything a rule cannot
 * determine it leaves out (undefined), or, for one dimension, a fresh symbol from `symbols`;
 * it never guesses a number. A rule may throw an InferenceError for an inconsistent node
 * (e.g. shapes that cannot broadcast): the outputs then stay unknown and the issue is reported.
 */
import type { DType } from '../../onnx/dtype.js';
import type { Node } from '../graph.js';
import type { Dim, ValueType } from '../types.js';
import type { SymbolTable } from './dims.js';
import type { KnownValue } from './values.js';

export interface InferCtx {
  readonly node: Node;
  /** The model's opset for the node's domain. */
  readonly opset: number;
  readonly symbols: SymbolTable;
  /** Whether optional input `i` is present. */
  has(i: number): boolean;
  /** Number of inputs present or omitted ('' entries count). */
  readonly inputCount: number;
  type(i: number): ValueType | undefined;
  dtype(i: number): DType | undefined;
  shape(i: number): Dim[] | undefined;
  /** The known value of input `i` (a constant, or propagated from shape computations). */
  value(i: number): KnownValue | undefined;
  /** The value of input `i` as plain numbers (flattened), when every element is known. */
  numbers(i: number): number[] | undefined;
}

export interface OutputInfo {
  dtype?: DType;
  shape?: Dim[];
  value?: KnownValue;
}

export type Rule = (ctx: InferCtx) => Array<OutputInfo | undefined>;

export class InferenceError extends Error {}

/** Fails the node's inference with a message (reported, outputs left unknown). */
export function fail(message: string): never {
  throw new InferenceError(message);
}

/** A shape of `rank` fresh symbols, or undefined for an unknown rank. */
export function freshShape(ctx: InferCtx, rank: number | undefined): Dim[] | undefined {
  if (rank === undefined) return undefined;
  return Array.from({ length: rank }, () => ctx.symbols.fresh());
}
