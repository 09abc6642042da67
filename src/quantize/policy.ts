/**
 * int8's precision policy: how much each quantizable layer (targets.ts quantizableNodes) costs
 * in accuracy, and which to keep in float so that the whole int8 model meets a target, on the
 * calibration data (compile()'s `int8Sensitivity` and `accuracyTarget`, docs/quantization.md).
 *
 * Every variant is the one Q/DQ recipe (qdq.ts qdqLayout) with a set of layers excluded,
 * run on onnxruntime's cpu provider with graph optimizations off (the Q/DQ nodes computed as
 * written, which the cpu backend's int8 layers equal within one quantization step), and
 * measured against the fp32 model's outputs (agreement.ts), computed once and held in memory.
 * - Sensitivity: per layer, the model with only that layer int8 (one pass over the data each).
 * - Target: the all-int8 model first; where it misses, the layers ordered most sensitive first
 *   (lowest cosine, or top-1 where only top-1 is targeted) and the fewest of the most sensitive
 *   kept in float found by bisection over that order, about log2(layers) passes rather than
 *   one per layer: keeping k layers is taken to do no worse than keeping fewer, and the count
 *   returned is always one measured to meet the target (or all of them: the fp32 model itself,
 *   which meets any target by construction).
 */
import ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { encodeModel } from '../onnx/model.js';
import type { ModelProto } from '../onnx/proto.js';
import { type Agreement, AgreementMeter, type TargetMetric, meetsTarget } from './agreement.js';
import { progressBar } from './collect.js';
import { type CalibrationData, calibrationBatches } from './data.js';
import { qdqLayout } from './qdq.js';
import { quantizableNodes } from './targets.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';

/** accuracyTarget: the least cosine and/or top-1 agreement the int8 model must keep. */
export type AccuracyTarget = Partial<Record<TargetMetric, number>>;

/** The policy's options, as compile() and quantize() take them (docs/quantization.md, "Precision policy"). */
export interface Int8PolicyOption {
  /** Measure each quantizable layer alone in int8 against the fp32 model. */
  int8Sensitivity?: boolean;
  /** Keep the most sensitive layers in float until the int8 model meets this on the calibration data. */
  accuracyTarget?: AccuracyTarget;
}

/** The policy as checked: what int8Policy is asked. */
export interface Int8Policy {
  sensitivity: boolean;
  target?: AccuracyTarget;
}

/** accuracyTarget's keys (an unknown one is an OPTION error naming the nearest). */
export const ACCURACY_TARGET_KEYS = optionKeys<AccuracyTarget>()(['cosine', 'top1']);

const bad = (message: string) => new HybridError('OPTION', message);

/**
 * int8Sensitivity and accuracyTarget, before any work, for compile() and quantize() alike:
 * their values (an unknown target key names the nearest), then `gate` (compile(): that int8 is
 * asked) with the option's name, then that the calibration data, called `dataName` in the
 * caller's options, is given and can be read more than once (a folder or an array: every
 * measured variant is a pass over it). Undefined where neither is asked.
 */
export function checkInt8Policy(
  o: Int8PolicyOption,
  data: CalibrationData | undefined,
  dataName: string,
  gate: (what: string) => void = () => {},
): Int8Policy | undefined {
  const { int8Sensitivity, accuracyTarget } = o;
  if (int8Sensitivity !== undefined && typeof int8Sensitivity !== 'boolean') throw bad('int8Sensitivity must be a boolean');
  if (accuracyTarget !== undefined) {
    if (accuracyTarget === null || typeof accuracyTarget !== 'object' || Array.isArray(accuracyTarget)) {
      throw bad('accuracyTarget must be an object, e.g. { cosine: 0.999 } or { top1: 0.99 }');
    }
    checkKnownKeys(accuracyTarget, ACCURACY_TARGET_KEYS, 'accuracyTarget keys');
    const given = Object.entries(accuracyTarget);
    if (!given.length) throw bad('accuracyTarget names no measure: give { cosine: 0.999 } or { top1: 0.99 }');
    for (const [k, v] of given) {
      if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw bad(`accuracyTarget.${k} must be a number in (0, 1], e.g. 0.999; got ${String(v)}`);
    }
  }
  if (!int8Sensitivity && accuracyTarget === undefined) return undefined;
  const what = accuracyTarget !== undefined ? 'accuracyTarget' : 'int8Sensitivity';
  gate(what);
  if (data === undefined) {
    throw bad(
      `${what} measures the int8 model against the fp32 one on the calibration data: give ${dataName} (a cache alone has no data to measure on)`,
    );
  }
  if (typeof data !== 'string' && !Array.isArray(data)) {
    throw bad(
      `${what} reads the calibration data once per measured model: give ${dataName} as a folder of .npy batches or an array of feeds, not a one-shot iterable`,
    );
  }
  return { sensitivity: int8Sensitivity === true, ...(accuracyTarget !== undefined ? { target: { ...accuracyTarget } } : {}) };
}

export interface LayerSensitivity extends Agreement {
  node: string;
  opType: string;
}

export interface PolicyOutcome {
  target: AccuracyTarget;
  /** Every quantizable layer int8. */
  allInt8: Agreement;
  /** With the kept layers in float: what was compiled. */
  final: Agreement;
  /** The layers kept in float, most sensitive first. */
  kept: string[];
  /** 'met': by keeping `kept`; 'met-as-is': the all-int8 model meets it; 'all-kept': only the fp32 model does. */
  outcome: 'met' | 'met-as-is' | 'all-kept';
  /** Full passes over the calibration data the target took (the per-layer ones apart). */
  evaluations: number;
}

export interface PolicyFindings {
  /** Each quantizable layer alone in int8, most sensitive first (where asked, or needed by the target). */
  sensitivity?: LayerSensitivity[];
  policy?: PolicyOutcome;
  /** The layers to leave float. */
  exclude: Set<string>;
}

export interface PolicyOptions {
  sensitivity: boolean;
  target?: AccuracyTarget;
  /** Progress bars on stderr. */
  progress?: boolean;
}

/** The fp32 model's agreement with itself. */
const EXACT: Agreement = { cosine: 1, maxAbsError: 0, top1: 1 };

interface Reference {
  name: string;
  lastDim: number;
  batches: Float32Array[];
}

async function session(proto: ModelProto, what: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(encodeModel(proto), { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  } catch (e) {
    throw new HybridError('CALIBRATION', `int8 policy: onnxruntime cannot load ${what}: ${(e as Error).message}`, { cause: e });
  }
}

/** Runs models over the calibration data against the fp32 model's outputs. */
class Evaluator {
  private constructor(
    private readonly graph: Graph,
    private readonly data: CalibrationData,
    private readonly refs: Reference[],
  ) {}

  static async create(graph: Graph, data: CalibrationData): Promise<Evaluator> {
    const names = graph.outputs.filter((o) => graph.types.get(o)?.dtype === 'float32');
    if (!names.length) {
      throw new HybridError('OPTION', 'int8Sensitivity and accuracyTarget measure the float32 outputs against the fp32 model; this model has none');
    }
    const refs: Reference[] = names.map((name) => ({ name, lastDim: 1, batches: [] }));
    const s = await session(graph.toModel(), 'the fp32 model');
    try {
      for await (const feeds of calibrationBatches(data, graph.inputs).batches) {
        const out = await s.run(feeds, names);
        for (const r of refs) {
          const t = out[r.name]!;
          r.lastDim = t.dims.length ? t.dims[t.dims.length - 1]! : 1;
          r.batches.push(t.data as Float32Array);
        }
      }
    } finally {
      await s.release();
    }
    return new Evaluator(graph, data, refs);
  }

  /** `proto`'s agreement with the fp32 model over every batch. */
  async agreement(proto: ModelProto, what: string): Promise<Agreement> {
    const s = await session(proto, what);
    const meter = new AgreementMeter();
    try {
      let k = 0;
      for await (const feeds of calibrationBatches(this.data, this.graph.inputs).batches) {
        const out = await s.run(
          feeds,
          this.refs.map((r) => r.name),
        );
        for (const r of this.refs) meter.add(r.name, out[r.name]!.data as Float32Array, r.batches[k]!, r.lastDim);
        k++;
      }
    } finally {
      await s.release();
    }
    return meter.worst();
  }
}

/** Most sensitive first: the lower the targeted measure (NaN lowest), then the lower the other. */
function order(layers: readonly LayerSensitivity[], target: AccuracyTarget | undefined): LayerSensitivity[] {
  const first: TargetMetric = target && target.cosine === undefined ? 'top1' : 'cosine';
  const second: TargetMetric = first === 'cosine' ? 'top1' : 'cosine';
  const key = (v: number) => (Number.isNaN(v) ? -Infinity : v);
  return [...layers].sort((a, b) => key(a[first]) - key(b[first]) || key(a[second]) - key(b[second]));
}

/**
 * The policy over `graph` (modelGraph's, not modified) quantized with `scales`; `data` must
 * be readable more than once (a folder or an array: compile() checks).
 */
export async function int8Policy(
  graph: Graph,
  scales: ReadonlyMap<string, number>,
  data: CalibrationData,
  o: PolicyOptions,
): Promise<PolicyFindings> {
  const layers = quantizableNodes(graph);
  const ev = await Evaluator.create(graph, data);
  const variant = (exclude: Set<string>, what: string) => ev.agreement(qdqLayout(graph, scales, exclude).proto, what);
  const allInt8 = o.target ? await variant(new Set(), 'the int8 model') : undefined;
  const metAsIs = o.target !== undefined && meetsTarget(allInt8!, o.target);
  if (metAsIs && !o.sensitivity) {
    return { exclude: new Set(), policy: { target: o.target!, allInt8: allInt8!, final: allInt8!, kept: [], outcome: 'met-as-is', evaluations: 1 } };
  }

  const bar = progressBar(o.progress ?? process.stderr.isTTY === true, layers.length, 'int8 sensitivity', 'layers');
  const measured: LayerSensitivity[] = [];
  try {
    for (const n of layers) {
      const others = new Set(layers.filter((m) => m !== n).map((m) => m.name));
      measured.push({ node: n.name, opType: n.opType, ...(await variant(others, `the model with only '${n.name}' in int8`)) });
      bar.tick();
    }
  } finally {
    bar.stop();
  }
  const sensitivity = order(measured, o.target);
  if (!o.target) return { sensitivity, exclude: new Set() };
  if (metAsIs) {
    return {
      sensitivity,
      exclude: new Set(),
      policy: { target: o.target, allInt8: allInt8!, final: allInt8!, kept: [], outcome: 'met-as-is', evaluations: 1 },
    };
  }

  // Keeping none misses; keeping all is the fp32 model. Bisect for the fewest that meet it.
  let lo = 0;
  let hi = sensitivity.length;
  let final = EXACT;
  let evaluations = 1;
  const kept = (k: number) => new Set(sensitivity.slice(0, k).map((s) => s.node));
  const search = progressBar(o.progress ?? process.stderr.isTTY === true, Math.ceil(Math.log2(Math.max(2, hi))), 'accuracy target', 'passes');
  try {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const a = await variant(kept(mid), `the int8 model with ${mid} layer(s) kept in float`);
      evaluations++;
      search.tick();
      if (meetsTarget(a, o.target)) [hi, final] = [mid, a];
      else lo = mid;
    }
  } finally {
    search.stop();
  }
  const exclude = kept(hi);
  return {
    sensitivity,
    exclude,
    policy: { target: o.target, allInt8: allInt8!, final, kept: [...exclude], outcome: hi === layers.length ? 'all-kept' : 'met', evaluations },
  };
}
