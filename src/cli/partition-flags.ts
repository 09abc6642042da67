/**
 * The flags of the compiler (issues 3 and 4): checked against the model now, so that a typo in
 * --fallback-nodes is an error naming the node and one in --fallback-ops a warning, and refused
 * with a clear message while the piece they drive (partitioner, hybrid executor) is not built.
 */
import { HybridError } from '../errors.js';
import { type Graph, isDefaultDomain } from '../ir/graph.js';
import type { CliOptions } from './options.js';

export type PartitionFlags = Pick<
  CliOptions,
  | 'backend'
  | 'precisions'
  | 'minBlockSize'
  | 'fallbackOps'
  | 'fallbackNodes'
  | 'requireFullCompilation'
  | 'dryRun'
  | 'report'
  | 'reportFile'
>;

export function checkPartitionFlags(opts: PartitionFlags, graph: Graph, io: { err(text: string): void }): void {
  if (opts.fallbackNodes.length) {
    const missing = opts.fallbackNodes.filter((n) => !graph.node(n));
    if (missing.length) {
      throw new HybridError(
        'OPTION',
        `--fallback-nodes ${opts.fallbackNodes.join(',')}: the model has no node ${missing.map((n) => `'${n}'`).join(', ')}`,
      );
    }
  }
  // Entries are 'Op' (default domain) or 'domain::Op', as the partitioner reads them.
  const ops = new Set(graph.nodes.flatMap((n) => (isDefaultDomain(n.domain) ? [n.opType] : [`${n.domain}::${n.opType}`])));
  for (const op of opts.fallbackOps) {
    const key = op.replace(/^(ai\.onnx)?::/, '');
    if (!ops.has(key)) io.err(`hybrid-run: warning: --fallback-ops: the model has no ${op} node (op types are case-sensitive)\n`);
  }

  const needsPartitioner: string[] = [];
  if (opts.dryRun) needsPartitioner.push('--dry-run');
  if (opts.report) needsPartitioner.push('--report');
  if (opts.reportFile) needsPartitioner.push('--report-file');
  if (opts.minBlockSize !== undefined) needsPartitioner.push('--min-block-size');
  if (opts.fallbackOps.length) needsPartitioner.push('--fallback-ops');
  if (opts.fallbackNodes.length) needsPartitioner.push('--fallback-nodes');
  if (opts.requireFullCompilation) needsPartitioner.push('--require-full-compilation');
  if (needsPartitioner.length) {
    throw new HybridError('OPTION', `${needsPartitioner.join(', ')}: the partitioner is not part of this build yet`);
  }
  if (opts.backend === 'ort' && opts.precisions.some((p) => p !== 'fp32')) {
    throw new HybridError(
      'OPTION',
      `--precision ${opts.precisions.join(',')}: --backend ort runs the model in its own precision; precisions apply to engine backends`,
    );
  }
}
