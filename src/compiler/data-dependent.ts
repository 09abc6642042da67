/**
 * Data-dependent dims as shape ranges. A node whose converter is dataDependent (NonZero) ends its
 * engine, which reports its output's size after each run (the engine's nonzero layer); inference
 * leaves that size a symbol, so in a static compile the nodes that read it would have no static
 * shape. Here such a dim becomes a range [0, bound], like an input's dynamic dim: the bound is the
 * layer's (its rule in native/layers, asked by converting the node alone), and the compile looks
 * at the model through views (shape-views.ts) where the dim is 0 (min), half the bound (opt), the
 * bound (max) and next to both ends, every other shape being the compiled one; a dynamic compile
 * sizes it so in each of its own views (withDataDependentSizes). The readers then
 * convert where they do at every view and one engine serves the range (rangeVerdict,
 * polymorphismFaults), and their engines take the value as an input ranged over [0, bound]
 * (build.ts segmentNetworks), so the engine checks and sizes it at each run.
 */
import type { ConverterRegistry } from '../../converters/registry.js';
import { buildSegmentNetwork } from '../../converters/segment-network.js';
import { converterVerdict, registryEndsEngine } from '../../converters/verdict.js';
import type { Graph } from '../ir/graph.js';
import { inferShapes } from '../ir/infer/index.js';
import { type Dim, isStaticShape } from '../ir/types.js';
import type { ShapeView, ViewAt } from './shape-views.js';

/** A value an engine computes whose size depends on the data: its inferred shape and the layer's bound. */
export interface DataDependentValue {
  name: string;
  shape: Dim[];
  bound: number[];
}

/**
 * The outputs of engine-supported data-dependent nodes whose shapes inference leaves symbolic,
 * with their layers' bounds (the node converted alone: the layer's rule, through the addon).
 */
export function dataDependentValues(graph: Graph, registry: ConverterRegistry): DataDependentValue[] {
  const found: DataDependentValue[] = [];
  const endsEngine = registryEndsEngine(registry);
  for (const node of graph.nodes) {
    if (!endsEngine(graph, node)) continue;
    const outputs = node.outputs.filter((o) => {
      const s = o ? graph.types.get(o)?.shape : undefined;
      return s !== undefined && !isStaticShape(s);
    });
    if (!outputs.length || converterVerdict(graph, node, registry) !== undefined) continue;
    const net = buildSegmentNetwork(graph, [node.name], {
      inputs: node.inputs.filter((i) => i && !graph.isInitializer(i)),
      outputs,
      registry,
    });
    outputs.forEach((name, k) => {
      const bound = net.tensors[net.outputs[k]!]!.shape;
      found.push({ name, shape: [...graph.types.get(name)!.shape!], bound });
    });
  }
  return found;
}

/** A data-dependent value's size at a view: each symbolic dim at 0, half its bound, its bound, or next to them. */
function sizeAt(v: DataDependentValue, end: ViewAt): number[] {
  return v.shape.map((d, i) => {
    const hi = v.bound[i]!;
    if (typeof d === 'number') return d;
    switch (end) {
      case 'min':
        return 0;
      case 'near-min':
        return Math.min(1, hi);
      case 'opt':
        return Math.ceil(hi / 2);
      case 'near-max':
        return Math.max(hi - 1, 0);
      case 'max':
        return hi;
    }
  });
}

/**
 * A copy of `graph` with `values` sized for view `end`, inferred again at input shapes `given`.
 * A data-dependent node that reads what they size (NonMaxSuppression over the boxes NonZero
 * picked) has static inputs, so a bound, only then: its outputs are sized at the same end in turn.
 */
function sized(
  graph: Graph,
  values: readonly DataDependentValue[],
  end: ViewAt,
  given: Record<string, number[]>,
  registry: ConverterRegistry,
): Graph {
  const copy = graph.clone();
  // Inference keeps a type the graph holds where its own rule leaves a symbol (as a probed one).
  for (const v of values) copy.types.set(v.name, { ...copy.types.get(v.name)!, shape: sizeAt(v, end) });
  inferShapes(copy, { inputShapes: given });
  // A data-dependent node after them whose count the probe fixed (every sample kept the same
  // number: Mask R-CNN's NonZero over 1000 proposals' scores, all above a threshold of 0) reads
  // other sizes here: its count is the data's again, sized at this end in turn.
  const stale = staleCounts(graph, copy, registry);
  if (stale.length) {
    for (const o of stale) copy.types.set(o, { dtype: copy.types.get(o)!.dtype });
    inferShapes(copy, { inputShapes: given });
  }
  const next = dataDependentValues(copy, registry);
  return next.length ? sized(copy, next, end, given, registry) : copy;
}

/**
 * The static outputs of data-dependent nodes of `sized` whose inputs have other shapes than in
 * `before`: a static count there was the samples' (probed), which these inputs do not have.
 */
function staleCounts(before: Graph, sized: Graph, registry: ConverterRegistry): string[] {
  const endsEngine = registryEndsEngine(registry);
  const same = (v: string) => JSON.stringify(before.types.get(v)?.shape) === JSON.stringify(sized.types.get(v)?.shape);
  return sized.nodes
    .filter((n) => endsEngine(sized, n) && n.inputs.some((i) => i && !same(i)))
    .flatMap((n) => n.outputs.filter((o) => o && isStaticShape(sized.types.get(o)?.shape) && same(o)));
}

/**
 * Views of a static compile's graph (compiled input shapes `given`) with its data-dependent
 * values sized at each end of their ranges (see the file comment); undefined where it has none.
 */
export function dataDependentViews(graph: Graph, given: Record<string, number[]>, registry: ConverterRegistry): ShapeView[] | undefined {
  const values = dataDependentValues(graph, registry);
  if (!values.length) return undefined;
  const views: ShapeView[] = [];
  const seen = new Set<string>();
  for (const end of ['min', 'opt', 'max', 'near-min', 'near-max'] as const) {
    const key = JSON.stringify(values.map((v) => sizeAt(v, end)));
    if (end.startsWith('near') && seen.has(key)) continue;
    seen.add(key);
    views.push({ profile: 0, end, shapes: given, graph: sized(graph, values, end, given, registry) });
  }
  return views;
}

/**
 * A dynamic compile's views (shape-views.ts makeViews) with the data-dependent values of each
 * sized at that view's end, their bounds taken at its input shapes: the readers' ranges then
 * run from 0 at the min shapes to the bound at the max shapes.
 */
export function withDataDependentSizes(views: readonly ShapeView[], registry: ConverterRegistry): ShapeView[] {
  return views.map((view) => {
    const values = dataDependentValues(view.graph, registry);
    return values.length ? { ...view, graph: sized(view.graph, values, view.end, view.shapes, registry) } : view;
  });
}
