/**
 * The runtime's public data: what a compiled model's inputs and outputs look like, and the
 * statistics of a run. Plain objects, so that they print, serialise and compare easily.
 */
import type { NumericDType } from '../onnx/dtype.js';
import type { Dim } from '../ir/types.js';
import type { TensorData } from '../onnx/tensor.js';

/** A model input or output as compiled: its name, element type and shape. */
export interface TensorInfo {
  name: string;
  dtype: NumericDType;
  /** The shape the model was compiled for: the opt of the first profile where it has ranges. */
  shape: number[];
  /** The shape the model itself declares, symbolic dimensions included (undefined: not declared). */
  declaredShape?: Dim[];
  /**
   * The shapes a run may give, per optimization profile (a dynamic model: every dim between min
   * and max; absent: `shape` only). A run uses the first profile that holds every feed's shape.
   */
  ranges?: Array<{ min: number[]; opt: number[]; max: number[] }>;
  /**
   * The value the input was fixed to at compile time (compile's inputValues): a run may leave
   * it out, and a run that feeds it must feed this value (else INPUT).
   */
  value?: TensorData;
}

/**
 * A model output: name, and the dtype and shape that compile found (a dimension that depends
 * on the data stays symbolic; undefined where nothing is known).
 */
export interface OutputInfo {
  name: string;
  dtype?: NumericDType;
  shape?: Dim[];
}

/** Where a tensor lives between segments. */
export type TensorLocation = 'host' | 'device';

/**
 * What moving a tensor into a segment cost:
 * - 'none': the consumer reads the producer's buffer (an onnxruntime segment wraps the typed
 *   array; a cuda engine takes the previous engine's device tensor);
 * - 'host': a host memcpy (the cpu engine copies its inputs into its arena and its outputs out);
 * - 'host-to-device' / 'device-to-host': a transfer between host and GPU memory.
 * onnxruntime-node's own internal copies are not visible here and are not counted.
 */
export type CopyKind = 'none' | 'host' | 'host-to-device' | 'device-to-host';

/** One tensor entering or leaving a segment. */
export interface TransferStats {
  tensor: string;
  bytes: number;
  /** For inputs: the producing segment's id, or 'input' for a model input. */
  from?: number | 'input';
  copy: CopyKind;
}

/**
 * What an engine segment measured when the run asked for `timing` (ModelRunOptions): times in
 * stream order, with CUDA events on cuda (GPU time) and the host clock on cpu, in milliseconds.
 */
export interface SegmentTiming {
  /** Copying the inputs into the engine's arena (host-to-device, or device-to-device). */
  hostToDeviceMs: number;
  /** The engine's layers, first to last. */
  computeMs: number;
  /** Copying the outputs out (device-to-host, or into device tensors). */
  deviceToHostMs: number;
  /**
   * Per layer (timing 'layers'), in engine order, with the tactic the build chose; fused layers
   * carry the names merged into them.
   */
  layers?: Array<{ name: string; kind: string; ms: number; tactic: string; tacticMs?: number; fusedFrom?: string[] }>;
  /** The execution context's CUDA graph: 'captured', 'warm-up', 'ready', 'off' or 'failed: <why>'. */
  graph: string;
  /** Operations in that graph (0 before capture). */
  graphNodes: number;
  /** A dynamic engine's first run at new shapes: what preparing them took (docs/engine.md, "Shape ranges"). */
  prepareMs?: number;
}

/** One segment's share of a run. */
export interface SegmentRunStats {
  id: number;
  kind: 'engine' | 'fallback';
  /** Wall time of the segment, from its first input being gathered to its last output stored. */
  ms: number;
  inputs: TransferStats[];
  outputs: TransferStats[];
  /** Engine segments of a run with `timing`. */
  timing?: SegmentTiming;
}

/** A number of copies and the bytes they moved. */
export interface CopyTotals {
  count: number;
  bytes: number;
}

/** Statistics of one `run()`. */
export interface RunStats {
  /** Wall time of the whole run, feeds checked to outputs returned. */
  ms: number;
  /** The optimization profile the feeds' shapes chose (0 for a static model). */
  profile: number;
  segments: SegmentRunStats[];
  /** Tensors passed from one segment to another (model inputs and outputs not counted). */
  boundaryTensors: number;
  boundaryBytes: number;
  /** Every copy made while running (see CopyKind), boundaries and model inputs/outputs included. */
  copies: CopyTotals;
  hostToDevice: CopyTotals;
  deviceToHost: CopyTotals;
  /** Most bytes of intermediate tensors held at once by the run (freed after their last use). */
  peakBytes: number;
}

/** Cumulative statistics of a model. */
export interface ModelStats {
  /** Completed runs. */
  runs: number;
  /** Runs that ended in an error, those refused before any work (bad feeds, a disposed model) included. */
  failedRuns: number;
  /** The most recently completed run's statistics. */
  lastRun?: RunStats;
  /** Execution contexts created so far, per engine segment id (one per run in flight at most). */
  contexts: Record<number, number>;
}

/**
 * Where a compiled model came from, kept so that `save()` can say it (and embed the source):
 * what compile() was given (referenced, not copied), the options that decided the result,
 * the converters beyond hybridrt's own it needed, and the device the engines were built on.
 */
export interface Provenance {
  /**
   * A path, the bytes, a ModelProto, a function giving the bytes (a loaded file's embedded
   * source, assembled when needed), or undefined (a loaded model without its source).
   */
  source: unknown;
  /** A path source's size and modification time when compiled: save() refuses a changed file. */
  sourceStat?: { size: number; mtimeMs: number };
  /** The source's SHA-256 and size where known without it (a loaded model's, from its file). */
  sourceSha256?: string;
  sourceBytes?: number;
  options: Record<string, unknown>;
  converters: Array<{ opType: string; domain: string; sinceVersion: number }>;
  device: string;
}
