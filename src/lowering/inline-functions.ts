/**
 * Pass `inline-functions`: replaces every call of a model-local function (ModelProto.functions)
 * by the function's body. Formal inputs and outputs become the call's values, every other value
 * gets a fresh name (`<call>/<name>`, so two calls never collide), attributes that reference the
 * caller's (`ref_attr_name`) take the caller's value or the function's default, and calls inside
 * a body are inlined in turn (recursion is an error). Functions no call needs any more are
 * dropped. Exact: a function means its body.
 *
 * Limits: calls nest at most LIMITS.functionDepth deep, and the inlined graph has at most
 * LIMITS.graphNodes nodes (functions that call others several times grow exponentially with
 * the depth); beyond either, a MODEL_INVALID error says which.
 *
 * A function whose opset imports conflict with the model's (ai.onnx 13 in the body, 17 in the
 * model) is left as a call: its body's ops would change meaning under the model's versions.
 * Calls inside nested graphs (If/Loop bodies) are left as they are.
 */
import { HybridError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { Graph, Node } from '../ir/graph.js';
import { valueTypeFromProto } from '../ir/types.js';
import type { AttributeProto, FunctionProto, GraphProto, NodeProto } from '../onnx/proto.js';
import { toNumber } from '../onnx/proto.js';
import { Changes, type PassResult } from './types.js';

const normDomain = (d: string | undefined) => (d === 'ai.onnx' ? '' : (d ?? ''));
const fnKey = (domain: string | undefined, name: string | undefined, overload: string | undefined) =>
  `${normDomain(domain)}\u0000${name ?? ''}\u0000${overload ?? ''}`;

export function inlineFunctions(graph: Graph): PassResult {
  const changes = new Changes();
  if (!graph.functions.length) return changes.result();
  const functions = new Map(graph.functions.map((f) => [fnKey(f.domain, f.name, f.overload), f]));
  const conflicts = new Map<FunctionProto, string>();
  for (const f of graph.functions) {
    for (const o of f.opsetImport ?? []) {
      const have = graph.opset(normDomain(o.domain));
      if (have !== undefined && have !== toNumber(o.version)) {
        conflicts.set(f, `it imports ${normDomain(o.domain) || 'ai.onnx'} ${toNumber(o.version)}, the model ${have}`);
      }
    }
  }
  const taken = new Set<string>([...graph.inputs, ...graph.outputs, ...graph.initializers.keys(), ...graph.types.keys()]);
  for (const n of graph.nodes) {
    taken.add(n.name);
    for (const v of [...n.inputs, ...n.outputs]) taken.add(v);
  }
  const fresh = (base: string) => {
    let s = base;
    for (let k = 1; taken.has(s); k++) s = `${base}_${k}`;
    taken.add(s);
    return s;
  };
  const functionOf = (n: Node | NodeProto, domain: string, opType: string) =>
    functions.get(fnKey(domain, opType, (n as Node).extra?.overload ?? (n as NodeProto).overload));

  // The node count each function expands to, measured before any node is made: functions that
  // call others several times grow exponentially with the depth, and making 2^40 nodes to
  // find that out would take forever. Recursion and depth are refused here, as in expand().
  const sizes = new Map<FunctionProto, number>();
  const measuring: FunctionProto[] = [];
  const sizeOf = (f: FunctionProto, call: string): number => {
    const known = sizes.get(f);
    if (known !== undefined) return known;
    if (measuring.includes(f))
      throw new HybridError('MODEL_INVALID', `function '${f.name}' calls itself (through node '${call}'); it cannot be inlined`);
    if (measuring.length > LIMITS.functionDepth) {
      throw new HybridError(
        'MODEL_INVALID',
        `function calls nest more than ${LIMITS.functionDepth} deep (through node '${call}' of function '${f.name}'); they cannot be inlined`,
      );
    }
    measuring.push(f);
    let n = 0;
    for (const np of f.node) {
      const inner = functionOf(np, normDomain(np.domain), np.opType ?? '');
      n += inner && !conflicts.has(inner) ? sizeOf(inner, np.name || np.opType || '?') : 1;
      if (n > LIMITS.graphNodes) break;
    }
    measuring.pop();
    sizes.set(f, n);
    return n;
  };
  let made = graph.nodes.length;
  for (const node of graph.nodes) {
    const f = functionOf(node, node.domain, node.opType);
    if (!f || conflicts.has(f)) continue;
    made += sizeOf(f, node.name) - 1;
    if (made > LIMITS.graphNodes) {
      throw new HybridError(
        'MODEL_INVALID',
        `inlining model-local functions makes more than ${LIMITS.graphNodes} nodes, the most a graph may have (the calls of '${f.name}' multiply)`,
      );
    }
  }
  const active: FunctionProto[] = [];
  const expand = (call: Node, f: FunctionProto, depth: number): Node[] => {
    if (active.includes(f)) {
      throw new HybridError('MODEL_INVALID', `function '${f.name}' calls itself (through node '${call.name}'); it cannot be inlined`);
    }
    if (depth > LIMITS.functionDepth) {
      throw new HybridError(
        'MODEL_INVALID',
        `function calls nest more than ${LIMITS.functionDepth} deep (through node '${call.name}' of function '${f.name}'); they cannot be inlined`,
      );
    }
    active.push(f);
    const names = new Map<string, string>();
    f.input.forEach((formal, i) => names.set(formal, call.inputs[i] ?? ''));
    f.output.forEach((formal, i) => {
      const actual = call.outputs[i];
      if (actual) names.set(formal, actual);
    });
    const rename = (v: string) => {
      if (!v) return v;
      let r = names.get(v);
      if (r === undefined) names.set(v, (r = fresh(`${call.name}/${v}`)));
      return r;
    };
    const resolve = (attrs: AttributeProto[]): AttributeProto[] =>
      attrs.flatMap((a) => {
        let out: AttributeProto | undefined = a;
        if (a.refAttrName) {
          const given = call.attributes.find((c) => c.name === a.refAttrName) ?? f.attributeProto?.find((d) => d.name === a.refAttrName);
          out = given ? { ...given, name: a.name, refAttrName: '' } : undefined;
        }
        if (!out) return [];
        // A graph the caller passes in reads the caller's names: only the body's own are renamed.
        if (a.refAttrName) return [out];
        if (out.g) out = { ...out, g: renameGraph(out.g, rename, resolve) };
        if (out.graphs?.length) out = { ...out, graphs: out.graphs.map((g) => renameGraph(g, rename, resolve)) };
        return [out];
      });
    const body: Node[] = [];
    f.node.forEach((np, k) => {
      const domain = normDomain(np.domain);
      const { input, output, name, opType, domain: _d, attribute, ...extra } = np;
      const node: Node = {
        name: fresh(`${call.name}/${name || `${opType}_${k}`}`),
        opType: opType ?? '',
        domain,
        inputs: input.map(rename),
        outputs: output.map(rename),
        attributes: resolve(attribute),
        extra: Object.values(extra).some((v) => (Array.isArray(v) ? v.length : v)) ? extra : undefined,
      };
      const inner = functionOf(np, domain, node.opType);
      if (inner && !conflicts.has(inner)) {
        for (const n of expand(node, inner, depth + 1)) body.push(n);
      } else {
        body.push(node);
      }
    });
    active.pop();
    for (const vi of f.valueInfo ?? []) {
      const mapped = vi.name ? names.get(vi.name) : undefined;
      const t = valueTypeFromProto(vi.type);
      if (mapped && (t.dtype || t.shape) && !graph.types.has(mapped)) graph.types.set(mapped, t);
    }
    return body;
  };

  const out: Node[] = [];
  for (const node of graph.nodes) {
    const f = functionOf(node, node.domain, node.opType);
    if (!f) {
      out.push(node);
      continue;
    }
    const conflict = conflicts.get(f);
    if (conflict) {
      changes.note(`left call '${node.name}' of function '${f.name}': ${conflict}`);
      out.push(node);
      continue;
    }
    const body = expand(node, f, 0);
    for (const n of body) out.push(n);
    changes.add('inlined calls', `inlined '${node.name}' (${f.domain}:${f.name}) as ${body.length} nodes`);
  }
  if (!changes.result().changed) return changes.result();
  graph.nodes = out;
  graph.invalidate();
  for (const f of graph.functions) {
    for (const o of f.opsetImport ?? []) {
      const d = normDomain(o.domain);
      if (!graph.opsets.has(d)) graph.opsets.set(d, toNumber(o.version));
    }
  }
  const before = graph.functions.length;
  graph.functions = stillCalled(graph, functions);
  for (let i = graph.functions.length; i < before; i++) changes.add('removed functions');
  return changes.result();
}

/** Copies a nested graph with every value name passed through `rename`. */
function renameGraph(g: GraphProto, rename: (v: string) => string, resolve: (a: AttributeProto[]) => AttributeProto[]): GraphProto {
  const vi = (v: GraphProto['input'][number]) => ({ ...v, name: rename(v.name ?? '') });
  return {
    ...g,
    node: g.node.map((n) => ({ ...n, input: n.input.map(rename), output: n.output.map(rename), attribute: resolve(n.attribute) })),
    initializer: g.initializer.map((t) => ({ ...t, name: rename(t.name ?? '') })),
    input: g.input.map(vi),
    output: g.output.map(vi),
    valueInfo: g.valueInfo.map(vi),
  };
}

/** The functions that a node of the graph (nested graphs included) still calls, transitively. */
function stillCalled(graph: Graph, functions: Map<string, FunctionProto>): FunctionProto[] {
  const needed = new Set<FunctionProto>();
  const visitNodes = (nodes: Array<{ domain?: string; opType?: string; overload?: string; attribute?: AttributeProto[] }>) => {
    for (const n of nodes) {
      const f = functions.get(fnKey(n.domain, n.opType, n.overload));
      if (f && !needed.has(f)) {
        needed.add(f);
        visitNodes(f.node);
      }
      for (const a of n.attribute ?? []) {
        if (a.g) visitNodes(a.g.node);
        for (const g of a.graphs ?? []) visitNodes(g.node);
      }
    }
  };
  visitNodes(graph.nodes.map((n) => ({ domain: n.domain, opType: n.opType, overload: n.extra?.overload, attribute: n.attributes })));
  return graph.functions.filter((f) => needed.has(f));
}
