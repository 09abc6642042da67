/**
 * Shape and type inference over the graph IR (stub: being implemented).
 */
import type { Graph } from '../graph.js';
import type { TensorData } from '../../onnx/tensor.js';
import type { Dim } from '../types.js';

export interface InferOptions {
  /** Replace graph input shapes (e.g. symbolic dims by numbers). */
  inputShapes?: Record<string, Dim[]>;
}

export interface InferResult {
  /** Known values of small integer tensors (shape arithmetic), by value name. */
  values: Map<string, TensorData>;
  /** Op types that inference has no rule for (their outputs stay unknown). */
  unknownOps: Set<string>;
}

export function inferShapes(graph: Graph, options: InferOptions = {}): InferResult {
  void graph;
  void options;
  return { values: new Map(), unknownOps: new Set() };
}
