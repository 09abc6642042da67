/**
 * A dynamic compile looks at its model through concrete shapes. The lowered graph is symbolic
 * (a dim that varies over the profiles is a symbol, so lowering folds nothing for one shape, and
 * fallback sub-models stay valid at every shape); a view is a copy of it with the types
 * inference (and probing) gives at one end of one profile: min, opt or max.
 *
 * A node may go to an engine only where it may at every view (rangeVerdict), and where the
 * layers its converter makes are the same at every view (polymorphismFaults): then one engine
 * network built at opt is right at min and max too, its shapes following the inputs' by the
 * layer rules (native/src/ir/derive_shapes.h). A node whose layers differ needs a value that
 * varies over the range (a reshape target computed from a shape, a window that depends on the
 * image size...): it runs on onnxruntime, and the report says why. Layers are compared at the
 * ends of each range only; between them an engine serves shapes the same layers serve at both
 * ends (the kernels take any shape a layer's rule accepts).
 */
import type { ConverterRegistry } from '../../converters/registry.js';
import { converterVerdict } from '../../converters/verdict.js';
import type { NetLayer, NetworkDefinition } from '../engine/network.js';
import { messageLine } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { inferShapes } from '../ir/infer/index.js';
import { isStaticShape } from '../ir/types.js';
import type { TensorData } from '../onnx/tensor.js';
import type { Segment } from '../partition/types.js';
import type { Verdict } from '../partition/types.js';
import { type Profile, RANGE_ENDS, type RangeEnd } from './profiles.js';
import { buildSegmentNetwork } from './segment-network.js';

export interface ShapeView {
  profile: number;
  end: RangeEnd;
  /** Every input's shape at this end of the profile. */
  shapes: Record<string, number[]>;
  /** The lowered graph with this view's types. */
  graph: Graph;
  /** Values inference fixed at these shapes. */
  values: ReadonlyMap<string, TensorData>;
}

export const viewName = (v: Pick<ShapeView, 'profile' | 'end'>, profiles: number) =>
  profiles > 1 ? `the ${v.end} shapes of profile ${v.profile}` : `the ${v.end} shapes`;

/**
 * A view per end of each profile. `probe` may add probed shapes to a view's graph and returns
 * its values after inference.
 */
export async function makeViews(
  graph: Graph,
  profiles: readonly Profile[],
  probe: (view: Graph, shapes: Record<string, number[]>, values: ReadonlyMap<string, TensorData>) => Promise<ReadonlyMap<string, TensorData>>,
): Promise<ShapeView[]> {
  const views: ShapeView[] = [];
  for (const [p, profile] of profiles.entries()) {
    for (const end of RANGE_ENDS) {
      const shapes = Object.fromEntries(Object.entries(profile).map(([n, r]) => [n, r[end]]));
      const copy = graph.clone();
      const inferred = inferShapes(copy, { inputShapes: shapes });
      const values = await probe(copy, shapes, inferred.values);
      views.push({ profile: p, end, shapes, graph: copy, values });
    }
  }
  return views;
}

/** A node goes to an engine where every view's converter verdict lets it. */
export function rangeVerdict(views: readonly ShapeView[], registry: ConverterRegistry, profiles: number): Verdict {
  return (_graph, node) => {
    for (const v of views) {
      const n = v.graph.node(node.name);
      const why = n ? converterVerdict(v.graph, n, registry, v.values) : 'not in the graph';
      if (why) return `at ${viewName(v, profiles)}: ${why}`;
    }
    return undefined;
  };
}

interface NodeLayers {
  net: NetworkDefinition;
  first: number;
  end: number;
}

/** The first way two conversions of one node differ, or undefined. */
function difference(a: NodeLayers, b: NodeLayers): string | undefined {
  if (a.end - a.first !== b.end - b.first) return `it makes ${a.end - a.first} layers at one end and ${b.end - b.first} at the other`;
  const tensorName = (net: NetworkDefinition, id: number) => net.tensors[id]?.name ?? `#${id}`;
  for (let i = 0; i < a.end - a.first; i++) {
    const x: NetLayer = a.net.layers[a.first + i]!;
    const y: NetLayer = b.net.layers[b.first + i]!;
    const label = `layer '${x.name}'`;
    if (x.kind !== y.kind) return `${label} is a ${x.kind} at one end and a ${y.kind} at the other`;
    const px = x.params as Record<string, unknown>;
    const py = y.params as Record<string, unknown>;
    for (const key of new Set([...Object.keys(px), ...Object.keys(py)])) {
      const [sx, sy] = [JSON.stringify(px[key]), JSON.stringify(py[key])];
      if (sx !== sy) return `${label} has ${key} ${sx ?? 'unset'} at one end and ${sy ?? 'unset'} at the other`;
    }
    const io = (l: NetLayer, net: NetworkDefinition) =>
      [...l.inputs.map((t) => tensorName(net, t)), '|', ...l.outputs.map((t) => tensorName(net, t))].join(',');
    if (io(x, a.net) !== io(y, b.net)) return `${label} is wired differently at the two ends`;
    if (x.kind === 'constant' && y.kind === 'constant' && !sameData(x.weights, y.weights)) return `${label} holds other values at the two ends`;
    // The kinds whose output the rules read rather than derive keep it over the range.
    if (x.kind === 'slice' || x.kind === 'resize') {
      const sx = a.net.tensors[x.outputs[0]!]!.shape.join('x');
      const sy = b.net.tensors[y.outputs[0]!]!.shape.join('x');
      if (sx !== sy) return `${label} makes ${sx} at one end and ${sy} at the other (its output size does not follow the input's)`;
    }
  }
  return undefined;
}

function sameData(a: ArrayLike<unknown> | undefined, b: ArrayLike<unknown> | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/**
 * Nodes of engine segments whose conversion differs between views (or fails at one), with the
 * reason the report gives. Empty: every engine segment converts to one network for the range.
 */
export function polymorphismFaults(
  views: readonly ShapeView[],
  segments: readonly Segment[],
  registry: ConverterRegistry,
  profiles: number,
): Map<string, string> {
  const faults = new Map<string, string>();
  for (const seg of segments) {
    if (seg.kind !== 'engine') continue;
    const perView: Array<Map<string, NodeLayers>> = [];
    for (const v of views) {
      const layers = new Map<string, NodeLayers>();
      let failed: Node | undefined;
      try {
        const inputs = seg.inputs.map((i) => i.name);
        const bad = inputs.find((i) => !isStaticShape(v.graph.types.get(i)?.shape));
        if (bad) {
          // A boundary value without a static shape at this view: the nodes reading it cannot be judged.
          for (const n of seg.nodes)
            if (v.graph.node(n)?.inputs.includes(bad)) faults.set(n, `at ${viewName(v, profiles)}, '${bad}' has no static shape`);
          continue;
        }
        const net = buildSegmentNetwork(v.graph, seg.nodes, {
          inputs,
          outputs: seg.outputs.map((o) => o.name),
          registry,
          known: v.values,
          onNode: (node, first, end) => layers.set(node.name, { net: undefined as never, first, end }),
          onFailure: (node) => (failed = node),
        });
        for (const l of layers.values()) l.net = net;
      } catch (e) {
        const culprit = failed?.name ?? seg.nodes[0]!;
        faults.set(culprit, `its conversion fails at ${viewName(v, profiles)}: ${messageLine(e)}`);
        continue;
      }
      perView.push(layers);
    }
    if (perView.length !== views.length) continue;
    const [base, ...rest] = perView;
    for (const n of seg.nodes) {
      for (const [k, other] of rest.entries()) {
        const why = difference(base!.get(n)!, other.get(n)!);
        if (!why) continue;
        faults.set(
          n,
          `its engine layers differ between ${viewName(views[0]!, profiles)} and ${viewName(views[k + 1]!, profiles)} (${why}): it needs a value that varies over the range`,
        );
        break;
      }
    }
  }
  return faults;
}
