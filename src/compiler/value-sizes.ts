/**
 * What a model computes must fit before it is computed: every value a node produces, at the
 * shapes the compile settles (the one static shape, or each end of each profile), is held to
 * the per-tensor ceilings of src/limits.ts. A model whose input is 1x1 and whose Expand makes
 * it [100000, 100000] is refused at compile with the value and its node named, instead of
 * compiling and then failing a run with an allocation error that names nothing.
 */
import type { Graph } from '../ir/graph.js';
import { isStaticShape } from '../ir/types.js';
import { checkTensorSize } from '../limits.js';

/**
 * Throws SHAPE for the first node output of `graph` (typed at `at`, e.g. "the max shapes of
 * profile 0") whose static shape is too large for a tensor; values whose shapes are not known
 * numbers (data-dependent) are left to the run.
 */
export function checkValueSizes(graph: Graph, label: string, at: string): void {
  for (const node of graph.nodes) {
    for (const out of node.outputs) {
      const t = out ? graph.types.get(out) : undefined;
      if (!t?.shape || !isStaticShape(t.shape)) continue;
      checkTensorSize(`${label}: value '${out}' (output of ${node.opType} node '${node.name}') at ${at}`, t.shape, t.dtype);
    }
  }
}
