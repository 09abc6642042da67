/**
 * LRN as primitives (x^2, a channel-window average pooling, alpha/bias/pow, div).
 * onnxruntime implements rank 4 with odd window sizes only: those forms are checked against
 * it; even sizes (one more padding after than before), other ranks and a window wider than
 * the channels against the ONNX formula computed here in float64:
 *   y[n,c,...] = x / (bias + alpha/size * sum_{c'=c-floor((size-1)/2)}^{c+ceil((size-1)/2)} x[n,c',...]^2)^beta
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { evalNetwork } from './helpers/eval-network.js';
import { checkAgainstOrt, convertGraph, expectClose, oneNode, random, verdict } from './helpers/harness.js';

interface Attrs {
  size: number;
  alpha?: number;
  beta?: number;
  bias?: number;
}

function reference(x: TensorData, { size, alpha = 1e-4, beta = 0.75, bias = 1 }: Attrs): TensorData {
  const [n, c] = x.dims as [number, number];
  const inner = x.dims.slice(2).reduce((a, b) => a * b, 1);
  const data = x.data as Float32Array;
  const out = new Float32Array(data.length);
  const lo = Math.floor((size - 1) / 2);
  const hi = Math.ceil((size - 1) / 2);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let k = Math.max(0, ch - lo); k <= Math.min(c - 1, ch + hi); k++) sum += data[(b * c + k) * inner + i]! ** 2;
        const at = (b * c + ch) * inner + i;
        out[at] = data[at]! / (bias + (alpha / size) * sum) ** beta;
      }
  return { dtype: 'float32', dims: [...x.dims], data: out };
}

const toAttrs = (a: Attrs) => ({
  size: a.size,
  ...(a.alpha !== undefined ? { alpha: { float: a.alpha } } : {}),
  ...(a.beta !== undefined ? { beta: { float: a.beta } } : {}),
  ...(a.bias !== undefined ? { bias: { float: a.bias } } : {}),
});

describe('LRN', () => {
  it.each([
    { name: 'size 3', shape: [2, 7, 3, 4], attrs: { size: 3, alpha: 0.02, beta: 0.75, bias: 2 } },
    { name: 'size 5, defaults', shape: [1, 9, 4, 4], attrs: { size: 5 } },
    { name: 'window wider than C', shape: [1, 3, 2, 5], attrs: { size: 7, alpha: 0.3, beta: 1.5 } },
  ])('$name (rank 4) computes what onnxruntime computes', async ({ shape, attrs }) => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [{ name: 'x', shape }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'LRN', inputs: ['x'], outputs: ['y'], attrs: toAttrs(attrs) }],
      },
      feeds: { x: random('float32', shape, shape.length) },
    });
  });

  it.each([
    { name: 'even size (asymmetric window)', shape: [1, 6, 5, 5], attrs: { size: 4, alpha: 0.5, beta: 1.5, bias: 1 } },
    { name: 'size 2', shape: [2, 3, 4], attrs: { size: 2, alpha: 1, beta: 0.5 } },
    { name: 'rank 2 (no spatial dims)', shape: [3, 5], attrs: { size: 5, alpha: 0.1 } },
    { name: 'rank 5, window wider than C', shape: [1, 3, 2, 2, 3], attrs: { size: 8, alpha: 0.3 } },
    { name: 'size 1', shape: [1, 4, 3], attrs: { size: 1, beta: 0.5, alpha: 2 } },
  ])('$name computes the ONNX formula', ({ shape, attrs }) => {
    const g = oneNode({ op: 'LRN', opset: 13, attrs: toAttrs(attrs), inputs: [['float32', shape]], outputs: [['float32', shape]] });
    const x = random('float32', shape, shape.length + attrs.size);
    const actual = evalNetwork(convertGraph(g), { [g.inputs[0]!]: x });
    expectClose(actual[g.outputs[0]!]!, reference(x, attrs), 'y', 1e-5, 1e-6);
  });

  it('refuses a missing size and integer inputs', () => {
    expect(verdict({ op: 'LRN', opset: 13, inputs: [['float32', [1, 3, 2, 2]]], outputs: [['float32', [1, 3, 2, 2]]] })).toEqual({
      ok: false,
      reason: 'LRN: the size attribute is missing',
    });
    const ints = verdict({ op: 'LRN', opset: 13, attrs: { size: 3 }, inputs: [['int32', [1, 3, 2, 2]]], outputs: [['int32', [1, 3, 2, 2]]] });
    expect(ints.ok).toBe(false);
  });
});
