/**
 * Shape arithmetic on static shapes for the converters: equality, element count, numpy
 * broadcasting. The element count is src/onnx/dtype.ts's and broadcasting is shape inference's
 * rule (src/ir/infer/dims.ts) on numbers: one rule each, whatever the caller.
 */
import { BroadcastError, SymbolTable, broadcastShapes as broadcastDims } from '../ir/infer/dims.js';

export { numel } from '../onnx/dtype.js';

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Numpy broadcast of shapes, or undefined when they do not broadcast. */
export function broadcastShapes(...shapes: ReadonlyArray<readonly number[]>): number[] | undefined {
  try {
    // Numbers only: the rule never makes a symbol, so every dim of the result is a number.
    return broadcastDims(new SymbolTable(), shapes) as number[];
  } catch (e) {
    if (e instanceof BroadcastError) return undefined;
    throw e;
  }
}
