/**
 * An If whose condition is a function of the input shapes alone, over a compile's shape ranges
 * (LowerOptions.inputRanges): inference evaluates the condition at every shape of every range
 * (the inputs its computation reads, each symbolic dim over the values its range gives it), and
 * where it takes one value at all of them, the If takes that branch at every shape the compiled
 * model accepts (a run's shapes outside every profile are refused: profiles.ts chooseProfile),
 * so inline-if splices that branch as for a constant condition. Exact, and no guard is left:
 * nothing between the range's ends is assumed.
 *
 * Silero VAD's decoder squeezes the encoder's frame dim where it is 1 (`x.squeeze(-1)`); the
 * frames follow the number of samples, so at a range of lengths that give one frame the If takes
 * its then_branch everywhere, and the LSTMCell's rank tests after it fold with it.
 *
 * The evaluation runs inference on the condition's cone only (the nodes it depends on), once per
 * shape, up to MAX_SHAPES shapes over all profiles and MAX_NODE_INFERENCES in all; a larger
 * range leaves the If as before. A condition that depends on data is unknown at the first
 * shape, which ends the evaluation there.
 */
import { Graph, type Node } from '../ir/graph.js';
import { inferShapes } from '../ir/infer/index.js';
import { nodeOuterReads } from './graph-utils.js';
import type { LoweringContext } from './types.js';

/** Shapes at which a condition is evaluated, over all profiles, before the pass gives up. */
export const MAX_SHAPES = 4096;
/** Node inferences (shapes times the cone's nodes) it may take: about 1.3 s at the ~5 us each of Silero VAD's. */
export const MAX_NODE_INFERENCES = 2 ** 18;

export type ShapeDecision = { taken: 'then_branch' | 'else_branch'; shapes: number } | { why: string };

/**
 * The branch `node` (an If) takes at every shape of the compile's ranges, or why that is not
 * so; undefined where there are no ranges, or the condition is not a function of shapes alone.
 */
export function shapeDecided(graph: Graph, node: Node, ctx: LoweringContext): ShapeDecision | undefined {
  const ranges = ctx.options.inputRanges;
  const symbolic = ctx.options.inputShapes;
  const condition = node.inputs[0];
  if (!ranges?.length || !symbolic || !condition) return undefined;
  const cone = coneOf(graph, condition);
  if (!cone) return undefined;
  // The variables: each symbolic dim of an input the cone reads, over its range in a profile.
  const read = graph.inputs.filter((i) => cone.inputs.includes(i));
  const shapes: Array<Record<string, number[]>> = [];
  for (const profile of ranges) {
    const bounds = new Map<string, [number, number]>();
    const fixed: Record<string, number[]> = {};
    for (const name of read) {
      const dims = symbolic[name];
      const range = profile[name];
      if (!dims || !range) return undefined;
      fixed[name] = range.min.map((d, k) => (typeof dims[k] === 'string' ? d : (dims[k] as number)));
      dims.forEach((d, k) => {
        if (typeof d !== 'string') return;
        const [lo, hi] = bounds.get(d) ?? [-Infinity, Infinity];
        bounds.set(d, [Math.max(lo, range.min[k]!), Math.min(hi, range.max[k]!)]);
      });
    }
    // A condition that depends on data is unknown here: no note for it.
    if (!shapes.length && evaluate(cone, condition, fixed) === undefined) return undefined;
    let count = 1;
    for (const [lo, hi] of bounds.values()) count *= Math.max(0, hi - lo + 1);
    if (shapes.length + count > MAX_SHAPES) {
      return {
        why: `its condition is a function of the input shapes, evaluated at each shape of the range up to ${MAX_SHAPES} shapes; the range has more`,
      };
    }
    const symbols = [...bounds.keys()];
    const at = new Map<string, number>();
    const each = (k: number) => {
      if (k === symbols.length) {
        shapes.push(
          Object.fromEntries(read.map((name) => [name, symbolic[name]!.map((d, j) => (typeof d === 'string' ? at.get(d)! : fixed[name]![j]!))])),
        );
        return;
      }
      const [lo, hi] = bounds.get(symbols[k]!)!;
      for (let v = lo; v <= hi; v++) {
        at.set(symbols[k]!, v);
        each(k + 1);
      }
    };
    each(0);
  }
  if (shapes.length * cone.nodes.length > MAX_NODE_INFERENCES) {
    return {
      why: `its condition is a function of the input shapes, computed by ${cone.nodes.length} nodes: evaluated at each of the range's ${shapes.length} shapes, that is more than ${MAX_NODE_INFERENCES} node inferences`,
    };
  }
  let first: { value: boolean; at: Record<string, number[]> } | undefined;
  for (const at of shapes) {
    const value = evaluate(cone, condition, at);
    if (value === undefined) return undefined;
    if (!first) first = { value, at };
    else if (value !== first.value) {
      const show = (s: Record<string, number[]>) =>
        Object.entries(s)
          .map(([n, d]) => `${n} [${d.join(',')}]`)
          .join(', ');
      return {
        why: `its condition, a function of the input shapes, is ${first.value} at ${show(first.at)} and ${value} at ${show(at)}, both in the range, and an engine takes one branch`,
      };
    }
  }
  return first ? { taken: first.value ? 'then_branch' : 'else_branch', shapes: shapes.length } : undefined;
}

/** The nodes `value` depends on as a graph of their own (the inputs and initializers they read), or undefined if none. */
function coneOf(graph: Graph, value: string): Graph | undefined {
  const want = new Set([value]);
  const nodes: Node[] = [];
  for (const n of [...graph.nodes].reverse()) {
    if (!n.outputs.some((o) => o && want.has(o))) continue;
    nodes.push(n);
    for (const i of [...n.inputs, ...nodeOuterReads(n)]) if (i) want.add(i);
  }
  if (!nodes.length) return undefined;
  const cone = new Graph();
  cone.name = `${graph.name}_condition`;
  cone.nodes = nodes.reverse().map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: [...n.attributes] }));
  cone.inputs = graph.inputs.filter((i) => want.has(i));
  cone.outputs = [value];
  for (const name of want) {
    const t = graph.initializers.get(name);
    if (t) cone.initializers.set(name, t);
  }
  for (const name of [...cone.inputs, ...cone.initializers.keys()]) {
    const t = graph.types.get(name);
    if (t) cone.types.set(name, { ...t, ...(t.shape ? { shape: [...t.shape] } : {}) });
  }
  cone.opsets = new Map(graph.opsets);
  cone.functions = [...graph.functions];
  return cone;
}

/** The condition's value at `shapes` as inference gives it, or undefined where it does not. */
function evaluate(cone: Graph, condition: string, shapes: Record<string, number[]>): boolean | undefined {
  let values;
  try {
    values = inferShapes(cone.clone(), { inputShapes: shapes, reset: true }).values;
  } catch {
    return undefined;
  }
  const v = values.get(condition);
  const data = v?.data as ArrayLike<number | bigint | boolean> | undefined;
  if (!data || data.length !== 1) return undefined;
  return Boolean(Number(data[0]));
}
