/**
 * The int8 tests' small CNNs and their inputs (test/quantize, test/compiler/int8.test.ts): seeded
 * weights scaled by the fan-in, and smooth images with noise, so that calibration batches and
 * held-out inputs come from one distribution.
 */
import ort from 'onnxruntime-node';
import { mulberry32, uniform } from '../../src/util/random.js';

/**
 * A weight maker on one seeded stream: each call, an initializer of `dims` uniform in [lo, hi)
 * divided by the fan-in (mostly positive by default, so that a layer's outputs add up rather
 * than cancel, as a trained filter bank's do).
 */
export function fanInWeights(seed: number): (dims: number[], lo?: number, hi?: number) => { dtype: 'float32'; dims: number[]; data: Float32Array } {
  const r = mulberry32(seed);
  return (dims, lo = -1, hi = 2) => {
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
    return { dtype: 'float32', dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => uniform(r, lo, hi) / fanIn) };
  };
}

/** An image batch of `shape`: sin(freq * i + seed) + noise * uniform(-1, 1) over its elements. */
export function smoothImage(shape: number[], seed: number, freq: number, noise: number): ort.Tensor {
  const g = mulberry32(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(freq * i + seed) + noise * uniform(g, -1, 1);
  return new ort.Tensor('float32', data, shape);
}
