/**
 * Annotate: one verdict per node — may it go to an engine, and if not, why.
 *
 * Order of checks: a forced fallback (`fallbackNodes` by node name, `fallbackOps` by op type,
 * 'domain::Op' for a custom domain) wins, but the converter is still asked so that the report
 * can say what forcing costs. Then the verdict (converters/verdict.ts gives the registry's: no
 * converter at all, none at the model's opset, or the converter's `validate` reason verbatim;
 * a `validate` that throws is a converter bug, and the node falls back with the error).
 */
import type { Graph, Node } from '../ir/graph.js';
import { isDefaultDomain } from '../ir/graph.js';
import type { NodeAnnotation, Verdict } from './types.js';

export interface AnnotateOptions {
  /** May a node go to an engine: undefined, or the reason it may not (converters/verdict.ts gives the registry's). */
  verdict: Verdict;
  /** Op types forced to the fallback ('Resize', or 'com.example::MyOp' for one domain). */
  fallbackOps?: readonly string[];
  /** Node names forced to the fallback. */
  fallbackNodes?: readonly string[];
}

/** Whether a fallbackOps entry ('Op' or 'domain::Op') names the node's op. */
export function matchesOp(entry: string, node: Node): boolean {
  const sep = entry.lastIndexOf('::');
  if (sep < 0) return entry === node.opType;
  const domain = entry.slice(0, sep);
  const op = entry.slice(sep + 2);
  return op === node.opType && (isDefaultDomain(domain) ? isDefaultDomain(node.domain) : domain === node.domain);
}

/** One annotation per node of `graph`, in graph order. */
export function annotate(graph: Graph, options: AnnotateOptions): NodeAnnotation[] {
  const fallbackNodes = new Set(options.fallbackNodes ?? []);
  const fallbackOps = options.fallbackOps ?? [];
  return graph.nodes.map((node): NodeAnnotation => {
    const base = { name: node.name, opType: node.opType, domain: node.domain };
    const why = options.verdict(graph, node);
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
