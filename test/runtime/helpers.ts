/**
 * Helpers for the executor and compile() tests: the example models, onnxruntime alone as the
 * reference, inputs that do not come from the code under test, and the error measure the
 * differential tests use.
 */
import path from 'node:path';
import ort from 'onnxruntime-node';
import { expect } from 'vitest';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const resnet = path.join(repoRoot, 'examples', 'resnet_mini.onnx');
export const transformer = path.join(repoRoot, 'examples', 'transformer_block.onnx');

/** The shared seeded generator, under the name test/gpu imports it by. */
export { mulberry32 as rng } from '../../src/util/random.js';

/** A deterministic float32 tensor: a sine ramp in [-1, 1]. */
export function sine(dims: number[], phase = 0): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(0.37 * i + phase);
  return new ort.Tensor('float32', data, dims);
}

/** onnxruntime alone on a model (path or bytes): every output. One thread, default optimizations. */
export async function ortRun(model: string | Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, logSeverityLevel: 3 };
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/**
 * The error measure of the differential tests: max |a - b| / max |b| over the tensor (the
 * infinity norm of the difference relative to the reference's). Why not per element: an fp32
 * sum carries a rounding error proportional to the magnitude of its terms, not of its result,
 * so an element that nearly cancels to 0 has a large relative error in any correct
 * implementation; relative to the tensor's scale, the same error is what it is, ~1e-7.
 * A reference of all zeros falls back to the absolute error.
 */
export function relativeError(actual: ort.Tensor, expected: ort.Tensor): number {
  if (actual.type !== expected.type) throw new Error(`dtype ${actual.type}, expected ${expected.type}`);
  if (actual.dims.join() !== expected.dims.join()) throw new Error(`shape [${actual.dims}], expected [${expected.dims}]`);
  const a = actual.data as Float32Array;
  const b = expected.data as Float32Array;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) return Number.isNaN(a[i]) && Number.isNaN(b[i]) ? 0 : Infinity;
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Every output of `actual` within `tol` of `expected` (relativeError); names the worst. */
export function worstError(actual: Record<string, ort.Tensor>, expected: Record<string, ort.Tensor>): { name: string; error: number } {
  let worst = { name: '', error: 0 };
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const name of Object.keys(expected)) {
    const error = relativeError(actual[name]!, expected[name]!);
    if (!(error <= worst.error)) worst = { name, error };
  }
  return worst;
}
