/**
 * A dynamic compile looks at its model through concrete shapes. The lowered graph is symbolic
 * (a dim that varies over the profiles is a symbol, so lowering folds nothing for one shape, and
 * fallback sub-models stay valid at every shape); a view is a copy of it with the types
 * inference (and probing) gives at one end of one profile: min, opt or max.
 *
 * A node may go to an engine only where it may at every view (rangeVerdict), and where one
 * engine network serves its whole range (polymorphismFaults): the layers its converter makes at
 * min and max are those it makes at opt (kinds, params, wiring, constants), and the shapes the
 * engine built at opt derives at run time for the min and max inputs (the addon's deriveShapes:
 * the layer rules, native/src/ir/derive_shapes.h, the same code a dynamic engine runs) are the
 * shapes the converters made there. A node that fails either needs a value that varies over the
 * range (a reshape target computed from a shape, a slice whose size follows a dynamic dim...):
 * it runs on onnxruntime, and the report says why. Ranges are checked at their ends and next
 * to them (min + 1, max - 1: a parameter that follows a size's parity, SAME padding's pads,
 * differs there); between those points an engine serves shapes the same layers serve at all of
 * them. That is evidence, not proof: a parameter that changes only at some size inside the range
 * (a pad that depends on the size modulo 4 with both ends and their neighbours alike) is not
 * seen. The kernels take any shape a layer's rule accepts.
 */
import type { ConverterRegistry } from '../../converters/registry.js';
import { type LeftByLowering, converterVerdict } from '../../converters/verdict.js';
import type { NetLayer, NetworkDefinition } from '../engine/network.js';
import { messageLine } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { type InferResult, inferShapes } from '../ir/infer/index.js';
import { isStaticShape } from '../ir/types.js';
import type { Segment } from '../partition/types.js';
import type { Verdict } from '../partition/types.js';
import { type Profile, RANGE_ENDS, type RangeEnd } from './profiles.js';
import { buildSegmentNetwork } from '../../converters/segment-network.js';
import { loadNative } from '../engine/native.js';
import { sameElements } from '../util/same-elements.js';

/**
 * Where in a profile a view looks: an end of its range, or next to one (`near-min`: every dim
 * that varies at min + 1, `near-max` at max - 1). The near views only check: a parameter that
 * depends on more than the ends show (SAME padding's pads follow the size's parity) differs there.
 */
export type ViewAt = RangeEnd | 'near-min' | 'near-max';

export interface ShapeView {
  profile: number;
  end: ViewAt;
  /** Every input's shape at this end of the profile. */
  shapes: Record<string, number[]>;
  /** The lowered graph with this view's types, and the values inference fixed at these shapes (graph.inferredValues). */
  graph: Graph;
}

export const viewName = (v: Pick<ShapeView, 'profile' | 'end'>, profiles: number) => {
  const at = v.end === 'near-min' ? 'shapes next to min (min + 1)' : v.end === 'near-max' ? 'shapes next to max (max - 1)' : `${v.end} shapes`;
  return profiles > 1 ? `the ${at} of profile ${v.profile}` : `the ${at}`;
};

/**
 * A view per end of each profile. `probe` may add probed shapes to a view's graph (inferring
 * it again, which leaves the values inference fixed in the graph).
 */
export async function makeViews(
  graph: Graph,
  profiles: readonly Profile[],
  /** Probes a view's shapes; `near`: a view next to an end, which it may throw on to be left out. */
  probe: (view: Graph, shapes: Record<string, number[]>, inferred: InferResult, near: boolean) => Promise<unknown>,
): Promise<ShapeView[]> {
  const views: ShapeView[] = [];
  for (const [p, profile] of profiles.entries()) {
    const at = (end: ViewAt): Record<string, number[]> =>
      Object.fromEntries(
        Object.entries(profile).map(([n, r]) => {
          if (end === 'near-min') return [n, r.min.map((d, i) => (d < r.max[i]! ? d + 1 : d))];
          if (end === 'near-max') return [n, r.max.map((d, i) => (d > r.min[i]! ? d - 1 : d))];
          return [n, r[end]];
        }),
      );
    const seen = new Set<string>();
    for (const end of [...RANGE_ENDS, 'near-min', 'near-max'] as const) {
      const shapes = at(end);
      const key = JSON.stringify(shapes);
      const near = end === 'near-min' || end === 'near-max';
      if (near && seen.has(key)) continue;
      seen.add(key);
      const copy = graph.clone();
      try {
        await probe(copy, shapes, inferShapes(copy, { inputShapes: shapes }), near);
      } catch (e) {
        if (near) continue; // a size the model does not take there: the ends decide
        throw e;
      }
      views.push({ profile: p, end, shapes, graph: copy });
    }
  }
  return views;
}

const isNear = (v: ShapeView) => v.end === 'near-min' || v.end === 'near-max';

/** Whether `name` has one type and one inferred value (or none) in views a and b. */
function sameAt(a: ShapeView, b: ShapeView, name: string): boolean {
  const [ta, tb] = [a.graph.types.get(name), b.graph.types.get(name)];
  if (ta?.dtype !== tb?.dtype || !sameElements(ta?.shape, tb?.shape)) return false;
  const [va, vb] = [a.graph.inferredValues.get(name), b.graph.inferredValues.get(name)];
  return va === vb || (!!va && !!vb && va.dtype === vb.dtype && sameElements(va.dims, vb.dims) && sameElements(va.data, vb.data));
}

/**
 * Whether nothing `names` carry differs between the views (types and inferred values): what
 * reads only such values sees one shape over the whole range, and is judged and built as at
 * fixed shapes. In a static compile whose views size a NonZero's count, that is every node not
 * downstream of the count: an Attention beside a NonZero is judged as without it.
 */
export function fixedAtEveryView(views: readonly ShapeView[], names: readonly string[]): boolean {
  if (!views.length) return true;
  return names.every((n) => n === '' || views.every((v) => v === views[0] || sameAt(views[0]!, v, n)));
}

/** A node whose inputs are fixed at every view, and that holds no subgraph (which may read outer values). */
const fixedNode = (views: readonly ShapeView[], node: Node) =>
  !node.attributes.some((a) => a.g || a.graphs?.length) && fixedAtEveryView(views, node.inputs);

/**
 * A node goes to an engine where every view's converter verdict lets it; a node whose inputs
 * are fixed at every view (fixedAtEveryView), where its verdict at fixed shapes does.
 */
export function rangeVerdict(views: readonly ShapeView[], registry: ConverterRegistry, profiles: number, left?: LeftByLowering): Verdict {
  return (graph, node) => {
    if (fixedNode(views, node)) return converterVerdict(views.find((v) => v.end === 'opt')?.graph ?? graph, node, registry, false, left);
    const rank = rankChange(views, node, profiles);
    if (rank) return rank;
    for (const v of views) {
      if (isNear(v)) continue; // the ends decide what converters take; near views only check
      const n = v.graph.node(node.name);
      const why = n ? converterVerdict(v.graph, n, registry, true, left) : 'not in the graph';
      if (why) return `at ${viewName(v, profiles)}: ${why}`;
    }
    return undefined;
  };
}

/**
 * Where a value of the node has one rank at a view and another at the first view (an If left
 * to onnxruntime whose branches give different ranks, taken at different shapes of the range):
 * an engine's tensors keep one rank over its range, so the node runs on onnxruntime.
 */
function rankChange(views: readonly ShapeView[], node: Node, profiles: number): string | undefined {
  const [first, ...rest] = views;
  if (!first) return undefined;
  for (const value of [...node.inputs, ...node.outputs]) {
    if (!value) continue;
    const r0 = first.graph.types.get(value)?.shape?.length;
    if (r0 === undefined) continue;
    for (const v of rest) {
      const r = v.graph.types.get(value)?.shape?.length;
      if (r !== undefined && r !== r0) {
        return `'${value}' has rank ${r} at ${viewName(v, profiles)} and ${r0} at ${viewName(first, profiles)}; an engine's tensors keep one rank over its range`;
      }
    }
  }
  return undefined;
}

interface NodeLayers {
  net: NetworkDefinition;
  first: number;
  end: number;
}

/** The first way two conversions of one node differ in what they make (shapes aside), or undefined. */
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
    if (x.kind === 'constant' && y.kind === 'constant' && !sameElements(x.weights, y.weights)) return `${label} holds other values at the two ends`;
  }
  return undefined;
}

interface Converted {
  net: NetworkDefinition;
  /** Per node, the layers it made. */
  layers: Map<string, NodeLayers>;
}

/** A segment converted at one view, or the node its conversion failed at and why. */
function convert(v: ShapeView, seg: Segment, registry: ConverterRegistry, profiles: number): Converted | { node: string; why: string } {
  const inputs = seg.inputs.map((i) => i.name);
  const bad = inputs.find((i) => !isStaticShape(v.graph.types.get(i)?.shape));
  if (bad) {
    const reader = seg.nodes.find((n) => v.graph.node(n)?.inputs.includes(bad)) ?? seg.nodes[0]!;
    return { node: reader, why: `at ${viewName(v, profiles)}, '${bad}' has no static shape` };
  }
  const layers = new Map<string, NodeLayers>();
  let failed: Node | undefined;
  try {
    const net = buildSegmentNetwork(v.graph, seg.nodes, {
      inputs,
      outputs: seg.outputs.map((o) => o.name),
      registry,
      ranged: true,
      onNode: (node, first, end) => layers.set(node.name, { net: undefined as never, first, end }),
      onFailure: (node) => (failed = node),
    });
    for (const l of layers.values()) l.net = net;
    return { net, layers };
  } catch (e) {
    return { node: failed?.name ?? seg.nodes[0]!, why: `its conversion fails at ${viewName(v, profiles)}: ${messageLine(e)}` };
  }
}

function sameInputTypes(a: ShapeView, b: ShapeView, seg: Segment): boolean {
  return seg.inputs.every((i) => JSON.stringify(a.graph.types.get(i.name)) === JSON.stringify(b.graph.types.get(i.name)));
}

/** The node whose layers made tensor `id` (or read it first, for a network input). */
function ownerOf(c: Converted, id: number): string | undefined {
  const layer = c.net.layers.findIndex((l) => l.outputs.includes(id));
  for (const [node, r] of c.layers) if (layer >= r.first && layer < r.end) return node;
  for (const [node, r] of c.layers) if (c.net.layers.slice(r.first, r.end).some((l) => l.inputs.includes(id))) return node;
  return undefined;
}

/**
 * Nodes of engine segments that one engine per profile cannot serve over its range, with the
 * reason the report gives (see the file comment). Empty: every engine segment converts to one
 * network per profile that holds at both ends of its range.
 */
export function polymorphismFaults(
  views: readonly ShapeView[],
  segments: readonly Segment[],
  registry: ConverterRegistry,
  profiles: number,
): Map<string, string> {
  const faults = new Map<string, string>();
  const add = (node: string, why: string) => faults.has(node) || faults.set(node, why);
  for (const seg of segments) {
    if (
      seg.kind !== 'engine' ||
      fixedAtEveryView(
        views,
        seg.inputs.map((i) => i.name),
      )
    )
      continue; // built as at fixed shapes
    for (let p = 0; p < profiles; p++) {
      const at = (end: RangeEnd) => views.find((v) => v.profile === p && v.end === end)!;
      const opt = at('opt');
      const base = convert(opt, seg, registry, profiles);
      if (!('net' in base)) {
        add(base.node, base.why);
        continue;
      }
      // opt too: a value the engine must compute at run time (a reshape target, a slice window)
      // and cannot compute on the host fails the derivation there already.
      const checked = views.filter((v) => v.profile === p);
      for (const v of checked) {
        // A segment whose inputs have the types they have at opt converts as it does there (its
        // nodes see nothing else that varies): a data-dependent range leaves most segments so.
        if (v !== opt && sameInputTypes(v, opt, seg)) continue;
        const other = v === opt ? base : convert(v, seg, registry, profiles);
        if (!('net' in other)) {
          // Next to an end the model may not convert (a size it does not take): the ends decide.
          if (!isNear(v)) add(other.node, other.why);
          continue;
        }
        const between = `between ${viewName(opt, profiles)} and ${viewName(v, profiles)}`;
        let differs = false;
        for (const n of seg.nodes) {
          const why = difference(base.layers.get(n)!, other.layers.get(n)!);
          if (!why) continue;
          add(n, `its engine layers differ ${between} (${why}): it needs a value that varies over the range`);
          differs = true;
        }
        if (differs) continue;
        // The same layers: the shapes the opt engine derives at these inputs must be the ones made here.
        let derived: number[][];
        try {
          derived = loadNative().deriveShapes(
            base.net,
            other.net.inputs.map((id) => other.net.tensors[id]!.shape),
          );
        } catch (e) {
          // The rules name the layer that refuses the shapes: its node is the one to send away.
          const layer = /layer '([^']*)'/.exec(messageLine(e))?.[1];
          const index = base.net.layers.findIndex((l) => l.name === layer);
          const node = [...base.layers].find(([, r]) => index >= r.first && index < r.end)?.[0] ?? seg.nodes[0]!;
          const where =
            v === opt
              ? `cannot derive its shapes at ${viewName(opt, profiles)}`
              : `built at ${viewName(opt, profiles)} cannot take ${viewName(v, profiles)}`;
          add(node, `the engine ${where}: ${messageLine(e)}`);
          continue;
        }
        const id = derived.findIndex((s, t) => s.join(',') !== other.net.tensors[t]!.shape.join(','));
        if (id < 0) continue;
        const t = other.net.tensors[id]!;
        add(
          ownerOf(other, id) ?? seg.nodes[0]!,
          `its engine layers hold ${between} but their shapes do not follow: '${t.name}' is [${t.shape}] at ${v.end.replace('-', ' ')}, ` +
            `the engine built at opt would make it [${derived[id]}] there: it needs a value that varies over the range`,
        );
      }
    }
  }
  return faults;
}
