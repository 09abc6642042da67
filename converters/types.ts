/**
 * The converter contract. A converter holds both halves for one ONNX op: `validate` (static,
 * cheap, never builds layers; its reason reaches the partition report verbatim, so it says what
 * is unsupported and what to do instead) and `convert` (emits network-IR layers through the
 * builder). The registry (registry.ts) picks, per node, the converter with the newest
 * `sinceVersion` not newer than the model's opset for the node's domain.
 */
import type { Node } from '../src/ir/graph.js';
import type { ValueType } from '../src/ir/types.js';
import type { TensorData } from '../src/onnx/tensor.js';
import type { NetworkBuilder, TensorRef } from '../src/engine/builder.js';

export type Validation = { ok: true } | { ok: false; reason: string };

export const OK: Validation = { ok: true };
export function reject(reason: string): Validation {
  return { ok: false, reason };
}

/** What validate may look at: types and constant values of the node's inputs/outputs. */
export interface ValidateContext {
  /** The model's opset version for the node's domain. */
  readonly opset: number;
  /** Inferred type of a value (undefined: nothing known). */
  type(value: string): ValueType | undefined;
  /** The value of a constant input (an initializer, or a Constant node's output), if it is one. */
  constant(value: string): TensorData | undefined;
  /**
   * Whether a value is the same at every input shape the engine serves: in a compile over shape
   * ranges, a constant of the graph (an initializer or a Constant node's output), not one
   * `constant` knows only at these shapes (a shape computation of a dynamic model), which an
   * engine must compute at run time; in a static compile, every value `constant` gives. Absent:
   * every value `constant` gives is fixed.
   */
  fixed?(value: string): boolean;
  /** The engine serves a range of shapes (one view of a dynamic compile); absent: one shape. */
  readonly ranged?: boolean;
}

/** What convert may use, on top of validate's view. */
export interface ConvertContext extends ValidateContext {
  /**
   * The engine tensor for `node.inputs[index]`; a constant input becomes a constant layer on
   * first use. Throws for an omitted optional input: check `node.inputs[index]` first.
   */
  input(node: Node, index: number): TensorRef;
  /** Binds `node.outputs[index]` to an engine tensor (dtype and shape are checked against inference). */
  setOutput(node: Node, index: number, ref: TensorRef): void;
}

export interface Converter {
  opType: string;
  /** '' for the default ONNX domain. */
  domain: string;
  /** The opset version from which this converter's semantics apply. */
  sinceVersion: number;
  /** What validate rejects, in a sentence or two (docs/operators.md shows it). */
  notes?: string;
  /**
   * The node's outputs have dims that depend on the data (NonZero): inference leaves them
   * symbolic, the layers declare them at their bound (the layer's rule, native/layers) and the
   * engine reports each run's size; the partitioner ends the node's engine group at it
   * (src/partition/group.ts), so that only later segments read those outputs.
   */
  dataDependent?: boolean;
  validate(node: Node, ctx: ValidateContext): Validation;
  convert(node: Node, ctx: ConvertContext, net: NetworkBuilder): void;
}

/**
 * Whether a layer's output shape `made` is what inference says (`inferred`): the same dims, or,
 * for a data-dependent output (Converter.dataDependent), the bound of a dim inference leaves
 * symbolic or found smaller (a probe's count).
 */
export function fitsInferred(inferred: readonly (number | string)[], made: readonly number[], dataDependent: boolean): boolean {
  return inferred.length === made.length && inferred.every((d, i) => d === made[i] || (dataDependent && (typeof d === 'string' || d <= made[i]!)));
}
