/**
 * An engine segment -> a NetworkDefinition: the segment's inputs become network inputs (their
 * static dtype/shape from graph.types), each node's converter runs in graph order against a
 * ConvertContext, and the segment's outputs are marked.
 *
 * The ConvertContext binds ONNX value names to engine tensors: a constant input (initializer
 * or Constant-node output) becomes one constant layer on first use, viewing the model's data;
 * `setOutput` checks the converter's tensor against graph.types, so a converter that emits
 * the wrong dtype or shape fails here, naming the node, instead of producing wrong numbers.
 */
import { validateContext } from './context.js';
import { defaultRegistry } from './index.js';
import type { ConverterRegistry } from './registry.js';
import { type ConvertContext, fitsInferred } from './types.js';
import { NetworkBuilder, type TensorRef, isEngineDType } from '../src/engine/builder.js';
import type { NetworkDefinition } from '../src/engine/network.js';
import { HybridError } from '../src/errors.js';
import type { Graph, Node } from '../src/ir/graph.js';
import { formatType, isStaticShape } from '../src/ir/types.js';

export interface SegmentNetworkOptions {
  /** Values the caller feeds, in binding order. */
  inputs: readonly string[];
  /** Values the network returns, in binding order. */
  outputs: readonly string[];
  /** Default: the process-wide registry (converters/index.ts). */
  registry?: ConverterRegistry;
  /** The network's name (default: the graph's). */
  name?: string;
  /** The network serves a range of shapes: values inference knows (graph.inferredValues) are not fixed (ValidateContext.fixed). */
  ranged?: boolean;
  /** Told, for each node, which layers its conversion added: `[first, end)` of the network's layers. */
  onNode?: (node: Node, first: number, end: number) => void;
  /** Told of the node being converted when its conversion throws (before the error goes on). */
  onFailure?: (node: Node) => void;
}

function describe(ref: TensorRef): string {
  return `${ref.dtype}[${ref.shape.join(',')}]`;
}

export function buildSegmentNetwork(graph: Graph, nodeNames: readonly string[], options: SegmentNetworkOptions): NetworkDefinition {
  const registry = options.registry ?? defaultRegistry();
  const net = new NetworkBuilder(options.name ?? graph.name);
  const bound = new Map<string, TensorRef>();
  // Tensors already named after an ONNX value (network inputs, bound outputs).
  const named = new Set<number>();

  for (const name of options.inputs) {
    const t = graph.types.get(name);
    if (!t?.dtype || !isEngineDType(t.dtype) || !isStaticShape(t.shape)) {
      throw new HybridError('SHAPE', `segment input '${name}' has type ${formatType(t)}; engine inputs need an engine dtype and a static shape`);
    }
    if (bound.has(name)) throw new HybridError('MODEL_INVALID', `segment input '${name}' is listed twice`);
    const ref = net.input(name, t.dtype, t.shape);
    bound.set(name, ref);
    named.add(ref.id);
  }

  const wanted = new Set(nodeNames);
  const nodes = graph.nodes.filter((n) => wanted.has(n.name));
  if (nodes.length !== wanted.size) {
    const missing = [...wanted].filter((n) => !graph.node(n));
    throw new HybridError('MODEL_INVALID', `segment nodes not in the graph: ${missing.join(', ')}`);
  }

  const where = (node: Node) => `node '${node.name}' (${node.opType})`;
  // The validate view (context.ts) is the one rule for constants and what is fixed; convert adds binding.
  const contextFor = (node: Node, dataDependent: boolean): ConvertContext => {
    const view = validateContext(graph, node.domain, options.ranged === true);
    const { constant } = view;
    return {
      ...view,
      input(node, index) {
        const value = node.inputs[index];
        if (!value) throw new HybridError('CONVERTER', `${where(node)}: input ${index} is omitted; check node.inputs[${index}] first`);
        const ref = bound.get(value);
        if (ref) return ref;
        const c = constant(value);
        if (!c) {
          throw new HybridError(
            'MODEL_INVALID',
            `${where(node)} reads '${value}', which is not a segment input, a constant, or produced earlier in the segment`,
          );
        }
        const made = net.constant(c, value);
        bound.set(value, made);
        named.add(made.id);
        return made;
      },
      setOutput(node, index, ref) {
        const value = node.outputs[index];
        if (!value) return;
        if (bound.has(value)) throw new HybridError('CONVERTER', `${where(node)}: output '${value}' is bound twice`);
        const t = graph.types.get(value);
        const dtypeOk = !t?.dtype || t.dtype === ref.dtype;
        const shapeOk = !isStaticShape(t?.shape) || fitsInferred(t.shape, ref.shape, dataDependent);
        if (!dtypeOk || !shapeOk) {
          throw new HybridError(
            'CONVERTER',
            `${where(node)}: the converter made output '${value}' ${describe(ref)}, inference says ${formatType(t)}`,
          );
        }
        bound.set(value, ref);
        if (!named.has(ref.id)) {
          net.tensors[ref.id]!.name = value;
          named.add(ref.id);
        }
      },
    };
  };

  for (const node of nodes) {
    const opset = graph.opset(node.domain) ?? 1;
    const converter = registry.lookup(node.opType, node.domain, opset);
    const op = node.domain ? `${node.domain}::${node.opType}` : node.opType;
    if (!converter) throw new HybridError('UNSUPPORTED_OP', `${where(node)}: no converter for ${op} at opset ${opset}`);
    const ctx = contextFor(node, converter.dataDependent === true);
    const first = net.layers.length;
    try {
      const verdict = converter.validate(node, ctx);
      if (!verdict.ok) throw new HybridError('UNSUPPORTED_OP', `node '${node.name}' cannot run in an engine: ${verdict.reason}`);
      converter.convert(node, ctx, net);
    } catch (e) {
      options.onFailure?.(node);
      throw e;
    }
    options.onNode?.(node, first, net.layers.length);
    const unbound = node.outputs.filter((o) => o && !bound.has(o));
    if (unbound.length)
      throw new HybridError('CONVERTER', `${where(node)}: the converter left output ${unbound.map((o) => `'${o}'`).join(', ')} unbound`);
  }

  const marked = new Set<number>(net.inputs);
  for (const name of options.outputs) {
    let ref = bound.get(name);
    if (!ref) throw new HybridError('MODEL_INVALID', `segment output '${name}' is produced by no node of the segment`);
    // A network output must be its own tensor: copy one that is an input or already returned.
    if (marked.has(ref.id)) ref = net.add('unary', [ref], { op: 'identity' }, `${name}/copy`)[0]!;
    marked.add(ref.id);
    net.output(ref, name);
  }
  return net.finish();
}
