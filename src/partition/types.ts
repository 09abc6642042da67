/**
 * The partitioner's data: what annotate says about each node, and the segments cut produces.
 *
 * Contract (DESIGN.md "Segments"): segments come in topological order; every node is in
 * exactly one segment; a segment reads only graph inputs, initializers and outputs of earlier
 * segments; every value read across a segment boundary (and every graph output a node
 * produces) is listed once among its producing segment's `outputs`. Initializers are not
 * boundary tensors: each segment carries the weights it reads.
 */
import type { DType } from '../onnx/dtype.js';
import type { Graph, Node } from '../ir/graph.js';
import type { Dim } from '../ir/types.js';

/**
 * Whether a node may go to an engine: undefined where it may, else the reason it may not (the
 * report shows it). The partitioner decides by verdicts alone; converters/verdict.ts makes the
 * converter registry's.
 */
export type Verdict = (graph: Graph, node: Node) => string | undefined;

/** A tensor crossing a segment boundary. `bytes` is undefined unless dtype and shape are static. */
export interface BoundaryTensor {
  name: string;
  dtype?: DType;
  shape?: Dim[];
  bytes?: number;
}

interface SegmentBase {
  /** Index of the segment in `PartitionResult.segments`. */
  id: number;
  /** Node names, in the graph's topological order. */
  nodes: string[];
  /** Values the segment reads from graph inputs or earlier segments, in first-read order. */
  inputs: BoundaryTensor[];
  /** Values it produces that a later segment reads or that are graph outputs, in production order. */
  outputs: BoundaryTensor[];
}

/** Nodes compiled into one engine. */
export interface EngineSegment extends SegmentBase {
  kind: 'engine';
}

/** Nodes left to onnxruntime. */
export interface FallbackSegment extends SegmentBase {
  kind: 'fallback';
}

export type Segment = EngineSegment | FallbackSegment;
export type SegmentKind = Segment['kind'];

/** Why a node was forced to the fallback: its op type is in `fallbackOps`, or its name in `fallbackNodes`. */
export type ForcedBy = 'fallbackOps' | 'fallbackNodes';

/** Annotate's verdict on one node. */
export interface NodeAnnotation {
  name: string;
  opType: string;
  /** '' for the default ONNX domain. */
  domain: string;
  /** Whether the node may go to an engine (a converter accepts it and it is not forced). */
  supported: boolean;
  /** Why it may not (a converter's reason, a missing converter, or the forcing option). */
  reason?: string;
  forced?: ForcedBy;
  /** For a forced node: the option entry that forced it (an op type entry, or the node name). */
  forcedEntry?: string;
  /** For a forced node: whether a converter would have accepted it. */
  convertible?: boolean;
}

/** A node's place in the result: annotation plus segment. */
export interface PlacedNode extends NodeAnnotation {
  segment: number;
  /** Supported, but its engine group was smaller than minBlockSize, so it runs in a fallback. */
  demoted?: boolean;
  /** Its outputs' sizes depend on the data: its engine group ends at it (PartitionOptions.endsEngine). */
  endsEngine?: boolean;
}

export interface ResolvedPartitionOptions {
  minBlockSize: number;
  requireFullCompilation: boolean;
  fallbackOps: string[];
  fallbackNodes: string[];
}

export interface PartitionResult {
  segments: Segment[];
  /** Every node, in the graph's topological order. */
  nodes: PlacedNode[];
  options: ResolvedPartitionOptions;
  /** Options that matched nothing (e.g. a fallbackNodes name not in the graph). */
  warnings: string[];
}
