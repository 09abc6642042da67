/**
 * Test helpers for the lowering passes: run one pass through `lower` (so its dangling-value
 * check runs too), run models on onnxruntime-node, seeded random inputs, and a comparison of
 * outputs with a stated tolerance.
 */
import ort from 'onnxruntime-node';
import type { Graph } from '../../src/ir/graph.js';
import { LOWERING_PASSES, type LoweringReport, type LowerOptions, lower } from '../../src/lowering/index.js';
import type { PassReport } from '../../src/lowering/types.js';
import { TYPED_ARRAY, numel } from '../../src/onnx/dtype.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { fillUniform, mulberry32, randomInt } from '../../src/util/random.js';
import { type Tolerance, compareTensors } from '../conformance/helpers/compare.js';

/** Runs only the named passes (in pipeline order) and returns their reports. */
export async function runPasses(graph: Graph, names: string[], options: LowerOptions = {}): Promise<PassReport[]> {
  const skip = LOWERING_PASSES.map((p) => p.name).filter((n) => !names.includes(n));
  const report: LoweringReport = await lower(graph, { ...options, skip });
  return report.passes.filter((p) => !p.skipped);
}

export async function runPass(graph: Graph, name: string, options: LowerOptions = {}): Promise<PassReport> {
  return (await runPasses(graph, [name], options))[0]!;
}

export const opTypes = (g: Graph) => g.nodes.map((n) => n.opType);

/** Uniform values in [-1, 1) (floats) or small integers in [0, 5) (ints), from `seed`. */
export function randomTensor(dtype: 'float32' | 'int64' | 'int32' | 'bool', dims: number[], seed = 1): TensorData {
  const next = mulberry32(seed);
  const n = numel(dims);
  if (dtype === 'float32') return { dtype, dims, data: fillUniform(new Float32Array(n), next, -1, 1) };
  if (dtype === 'int64') return { dtype, dims, data: BigInt64Array.from({ length: n }, () => BigInt(randomInt(next, 0, 5))) };
  const data = new TYPED_ARRAY[dtype](n) as Int32Array;
  for (let i = 0; i < n; i++) data[i] = dtype === 'bool' ? Number(next() < 0.5) : randomInt(next, 0, 5);
  return { dtype, dims, data };
}

const SESSION: ort.InferenceSession.SessionOptions = {
  // No fusions: compare what the ops compute, not what onnxruntime's own rewrites make of them.
  graphOptimizationLevel: 'disabled',
  logSeverityLevel: 3,
  intraOpNumThreads: 1,
};

/** Runs a model (IR graph or bytes) on onnxruntime-node and returns every output. */
export async function runOrt(
  model: Graph | Uint8Array,
  feeds: Record<string, TensorData>,
  options: { quiet?: boolean } = {},
): Promise<Record<string, TensorData>> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model.toModel());
  const session = await ort.InferenceSession.create(bytes, options.quiet ? { ...SESSION, logSeverityLevel: 4 } : SESSION);
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const t = feeds[name];
      if (!t) throw new Error(`no feed for input '${name}'`);
      ortFeeds[name] = new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as never, t.dims);
    }
    const result = await session.run(ortFeeds);
    const out: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = { dtype: t.type as TensorData['dtype'], dims: [...t.dims], data: t.data as TensorData['data'] };
    }
    return out;
  } finally {
    await session.release();
  }
}

export type { Tolerance };

/** Bit-for-bit equality (NaN equals NaN). */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/**
 * Why `actual` differs from `expected`, or undefined: float32/float64 within
 * |a - e| <= atol + rtol * |e| (NaN equals NaN), every other dtype exactly (float16 bits too).
 */
export function difference(expected: TensorData, actual: TensorData, tol: Tolerance): string | undefined {
  const float = expected.dtype === 'float32' || expected.dtype === 'float64';
  return compareTensors(actual, expected, float ? tol : null);
}

/** Every output of `after` compared with `before`; a list of differences (empty when equal). */
export function differences(before: Record<string, TensorData>, after: Record<string, TensorData>, tol: Tolerance): string[] {
  const out: string[] = [];
  for (const [name, e] of Object.entries(before)) {
    const a = after[name];
    const d = a ? difference(e, a, tol) : 'missing';
    if (d) out.push(`${name}: ${d}`);
  }
  return out;
}

/** Runs `original` (bytes taken before lowering) and the lowered graph on the same feeds. */
export async function compareOnOrt(original: Uint8Array, lowered: Graph, feeds: Record<string, TensorData>, tol: Tolerance): Promise<string[]> {
  const before = await runOrt(original, feeds);
  const after = await runOrt(lowered, feeds);
  return differences(before, after, tol);
}

export function snapshot(graph: Graph): Uint8Array {
  return encodeModel(graph.toModel());
}
