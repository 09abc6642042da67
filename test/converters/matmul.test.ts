/**
 * Gemm and MatMul (converters/matmul.ts): resolved params, validate's reasons, and numerics against
 * onnxruntime for a broadcast C and a batch broadcast.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Gemm and MatMul', () => {
  it('Gemm: transposes and alpha kept, beta 0 without C', () => {
    expect(
      emitted({ op: 'Gemm', opset: 13, attrs: { transB: 1, alpha: { float: 0.5 } }, inputs: [f32([3, 4]), f32([5, 4])], outputs: [f32([3, 5])] })[0]!
        .params,
    ).toEqual({
      transA: false,
      transB: true,
      alpha: 0.5,
      beta: 0,
    });
    expect(verdict({ op: 'Gemm', opset: 13, inputs: [f32([2, 3, 4]), f32([4, 5])], outputs: [f32([3, 5])] })).toEqual({
      ok: false,
      reason: 'Gemm: A [2,3,4] and B [4,5] must be matrices',
    });
  });

  it('MatMul: a plain product, numpy ranks', () => {
    // [4] @ [2,4,1]: the rank-1 a is a row, dropped from the output: [2,1]
    expect(emitted({ op: 'MatMul', opset: 13, inputs: [f32([4]), f32([2, 4, 1])], outputs: [f32([2, 1])] })).toEqual([
      expect.objectContaining({ kind: 'matmul', params: { transA: false, transB: false, alpha: 1, beta: 0 }, inputs: [0, 1] }),
    ]);
    expect(verdict({ op: 'MatMul', opset: 13, inputs: [f32([2, 3]), f32([4, 5])], outputs: [f32([2, 5])] })).toEqual({
      ok: false,
      reason: 'MatMul: inner dimensions differ: A [2,3], B [4,5]',
    });
  });

  it('Gemm with a broadcast C and MatMul with a batch broadcast compute what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [{ name: 'a', shape: [4, 3] }],
        outputs: [{ name: 'y' }],
        initializers: { b: random('float32', [5, 4], 1), c: random('float32', [5], 2) },
        nodes: [{ op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs: { transA: 1, transB: 1, alpha: 0.25, beta: 0.35 } }],
      },
      feeds: { a: random('float32', [4, 3], 3) },
    });
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [
          { name: 'a', shape: [2, 1, 3, 4] },
          { name: 'b', shape: [3, 4, 2] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
      },
      feeds: { a: random('float32', [2, 1, 3, 4], 4), b: random('float32', [3, 4, 2], 5) },
    });
  });
});
