/**
 * The lowering contracts: a pass is a named function `(graph, ctx) -> PassResult` that edits
 * the graph in place and says what it changed (counts by kind, short notes naming nodes).
 * Every pass keeps the graph a valid ONNX model of standard ops that computes what it computed
 * before (exactly, or within the float rounding the pass's header states).
 */
import type { Graph } from '../ir/graph.js';
import type { InferResult } from '../ir/infer/index.js';
import type { Dim } from '../ir/types.js';

export interface FoldingLimits {
  /**
   * A folded value of at most this many bytes is always kept as an initializer (default 64 KiB:
   * per-channel vectors, shape tensors, small tables).
   */
  smallBytes?: number;
  /**
   * A larger folded value is kept when it is at most this many times the bytes of the constants
   * it was computed from (default 4), or when every reader takes it as a weight (Conv/Gemm/MatMul
   * weights, normalization parameters...). Otherwise its producer stays in the graph: an Expand
   * of a scalar to an activation-sized tensor is cheaper to compute than to store.
   */
  growthFactor?: number;
}

export interface LowerOptions {
  /** Names of passes not to run (for debugging and tests); see `LOWERING_PASSES`. */
  skip?: string[];
  /** Graph input shapes (numbers for symbolic dims), passed to shape inference. */
  inputShapes?: Record<string, Dim[]>;
  /**
   * A dynamic compile's ranges (one record per profile; `inputShapes` names each varying dim by
   * a symbol): an If whose condition is a function of shapes and takes one branch over all of
   * them becomes that branch (inline-if, shape-decided.ts).
   */
  inputRanges?: ReadonlyArray<Readonly<Record<string, { readonly min: readonly number[]; readonly max: readonly number[] }>>>;
  /** The size rule of constant folding. */
  folding?: FoldingLimits;
  /** Names the model in error messages (default: the graph's name). */
  label?: string;
  /**
   * Called as each pass that runs starts: its name, its place among the passes that run
   * (1-based) and how many run (progress lines; see `LOWERING_PASSES`).
   */
  onPass?: (name: string, index: number, total: number) => void;
}

export interface LoweringContext {
  readonly options: LowerOptions;
  /** Names the model in notes and errors. */
  readonly label: string;
  /**
   * Runs shape inference (at most once per graph change) and returns its result; inference
   * writes what it learns into `graph.types`. A failure leaves the declared types and is noted.
   */
  infer(): InferResult;
  /** Says the graph changed within a pass (one that splices, then folds): the next infer() runs again. */
  changed(): void;
}

export interface PassResult {
  /** Total of `counts`: 0 when the pass changed nothing. */
  changed: number;
  /** What changed, by kind ("removed Identity": 3). */
  counts: Record<string, number>;
  /** One short line per change or refusal, naming the node. */
  notes: string[];
  /**
   * Nodes the pass had to leave to onnxruntime, by name, with why (every one, however many
   * notes were cut): the partition report gives that reason for the node (compiler/analyze.ts).
   */
  left?: Record<string, string>;
}

export type PassFn = (graph: Graph, ctx: LoweringContext) => PassResult | Promise<PassResult>;

export interface Pass {
  name: string;
  run: PassFn;
}

export interface PassReport extends PassResult {
  name: string;
  /** Skipped by `options.skip`. */
  skipped: boolean;
  ms: number;
  nodesAfter: number;
}

export interface LoweringReport {
  model: string;
  nodesBefore: number;
  nodesAfter: number;
  initializersBefore: number;
  initializersAfter: number;
  passes: PassReport[];
  ms: number;
}

/** Notes past this many per pass are summarised in one line (densenet has hundreds of folds). */
const MAX_NOTES = 200;

/** Collects a pass's counts and notes. */
export class Changes {
  private readonly counts: Record<string, number> = {};
  private readonly notes: string[] = [];
  private dropped = 0;
  private readonly left: Record<string, string> = {};

  /** Counts one change of `kind`, with an optional note. */
  add(kind: string, note?: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (note) this.note(note);
  }

  /** A note that is not a change (e.g. why something was left alone). */
  note(text: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(text);
    else this.dropped++;
  }

  /** A node left to onnxruntime, with why: noted, and kept for the partition report. */
  leave(node: { opType: string; name: string }, why: string): void {
    this.left[node.name] = why;
    this.note(`left ${node.opType} '${node.name}' to onnxruntime: ${why}`);
  }

  result(): PassResult {
    const notes = this.dropped ? [...this.notes, `... and ${this.dropped} more`] : [...this.notes];
    const changed = Object.values(this.counts).reduce((a, b) => a + b, 0);
    return { changed, counts: { ...this.counts }, notes, ...(Object.keys(this.left).length ? { left: { ...this.left } } : {}) };
  }
}
