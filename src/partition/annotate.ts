/**
 * Annotate: one verdict per node — may it go to an engine, and if not, why.
 *
 * Order of checks: a forced fallback (`fallbackNodes` by node name, `fallbackOps` by op type,
 * 'domain::Op' for a custom domain) wins, but the converter is still asked so that the report
 * can say what forcing costs. Then the registry: no converter at all (custom domains are told
 * how to add one), none at the model's opset, or the converter's `validate` reason verbatim.
 * A `validate` that throws is a converter bug: the node falls back with the error as reason.
 */
import type { ConverterRegistry } from '../../converters/registry.js';
import type { Graph, Node } from '../ir/graph.js';
import { isDefaultDomain } from '../ir/graph.js';
import type { TensorData } from '../onnx/tensor.js';
import { makeValidateContext } from './context.js';
import type { NodeAnnotation } from './types.js';

export interface AnnotateOptions {
  registry: ConverterRegistry;
  /** Op types forced to the fallback ('Resize', or 'com.example::MyOp' for one domain). */
  fallbackOps?: readonly string[];
  /** Node names forced to the fallback. */
  fallbackNodes?: readonly string[];
  /** Values known from shape inference, offered to validate as constants. */
  knownValues?: ReadonlyMap<string, TensorData>;
}

function opLabel(node: Node): string {
  return isDefaultDomain(node.domain) ? node.opType : `${node.domain}::${node.opType}`;
}

/** Whether a fallbackOps entry ('Op' or 'domain::Op') names the node's op. */
export function matchesOp(entry: string, node: Node): boolean {
  const sep = entry.lastIndexOf('::');
  if (sep < 0) return entry === node.opType;
  const domain = entry.slice(0, sep);
  const op = entry.slice(sep + 2);
  return op === node.opType && (isDefaultDomain(domain) ? isDefaultDomain(node.domain) : domain === node.domain);
}

/** What the registry says of a node: undefined when supported, else the reason. */
export function converterVerdict(graph: Graph, node: Node, registry: ConverterRegistry, known?: ReadonlyMap<string, TensorData>): string | undefined {
  const opset = graph.opset(node.domain) ?? 1;
  const converter = registry.lookup(node.opType, node.domain, opset);
  if (!converter) {
    if (!isDefaultDomain(node.domain)) {
      return (
        `no converter for custom op '${opLabel(node)}' (opset ${opset}); ` +
        `add one with registerConverter({ opType: '${node.opType}', domain: '${node.domain}', sinceVersion: 1, validate, convert })`
      );
    }
    if (registry.knows(node.opType, node.domain)) {
      const oldest = Math.min(...registry.list().filter((c) => c.opType === node.opType && isDefaultDomain(c.domain)).map((c) => c.sinceVersion));
      return `no converter for '${node.opType}' at opset ${opset} (converters start at opset ${oldest})`;
    }
    return `no converter for '${node.opType}' (opset ${opset})`;
  }
  try {
    const v = converter.validate(node, makeValidateContext(graph, node, known));
    return v.ok ? undefined : v.reason || `${node.opType}: rejected by its converter (no reason given)`;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return `converter bug: ${opLabel(node)} validate threw: ${msg}`;
  }
}

/** One annotation per node of `graph`, in graph order. */
export function annotate(graph: Graph, options: AnnotateOptions): NodeAnnotation[] {
  const fallbackNodes = new Set(options.fallbackNodes ?? []);
  const fallbackOps = options.fallbackOps ?? [];
  return graph.nodes.map((node): NodeAnnotation => {
    const base = { name: node.name, opType: node.opType, domain: node.domain };
    const why = converterVerdict(graph, node, options.registry, options.knownValues);
    const byOp = fallbackOps.find((e) => matchesOp(e, node));
    if (fallbackNodes.has(node.name) || byOp !== undefined) {
      const forced = fallbackNodes.has(node.name) ? 'fallbackNodes' : 'fallbackOps';
      const forcedEntry = forced === 'fallbackNodes' ? node.name : byOp!;
      const reason = `forced to fallback by ${forced} ('${forcedEntry}')`;
      return { ...base, supported: false, reason, forced, forcedEntry, convertible: why === undefined };
    }
    return why === undefined ? { ...base, supported: true } : { ...base, supported: false, reason: why };
  });
}
