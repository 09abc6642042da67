/**
 * The Reduce* ops (converters/reduce.ts): axes from the attribute or the constant input, resolved
 * and sorted, noop_with_empty_axes, and the refusal of axes computed at run time. ReduceMin and
 * ReduceMax on bool (opset 20: all and any) against onnxruntime through the reference interpreter
 * and the cpu engine, and over an empty dim against ONNX's identities (all: true, any: false).
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, emitted, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('reductions', () => {
  it('axes from the attribute or the constant input, sorted and resolved', () => {
    expect(
      emitted({ op: 'ReduceMean', opset: 13, attrs: { axes: [-1, 0], keepdims: 0 }, inputs: [f32([2, 3, 4])], outputs: [f32([3])] })[0]!.params,
    ).toEqual({
      op: 'mean',
      axes: [0, 2],
      keepDims: false,
    });
    expect(emitted({ op: 'ReduceSum', opset: 13, inputs: [f32([2, 3]), i64([-1])], outputs: [f32([2, 1])] })[0]!.params).toEqual({
      op: 'sum',
      axes: [1],
      keepDims: true,
    });
    // no axes: all of them, unless noop_with_empty_axes
    expect(emitted({ op: 'ReduceMax', opset: 18, inputs: [f32([2, 3])], outputs: [f32([1, 1])] })[0]!.params).toEqual({
      op: 'max',
      axes: [0, 1],
      keepDims: true,
    });
    expect(
      emitted({ op: 'ReduceSum', opset: 13, attrs: { noop_with_empty_axes: 1 }, inputs: [f32([2, 3])], outputs: [f32([2, 3])] }).map((l) => l.name),
    ).toEqual(['out0/copy']);
    expect(verdict({ op: 'ReduceMean', opset: 18, inputs: [f32([2, 3]), ['int64', [1]]], outputs: [f32([2, 1])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("axes (input 'in1') is computed at run time"),
    });
  });
});

const bools = (dims: number[], values: number[]): TensorData => ({ dtype: 'bool', dims, data: Uint8Array.from(values) });

function boolReduce(op: 'ReduceMin' | 'ReduceMax', x: TensorData, axes: number[], expected?: TensorData) {
  return {
    spec: {
      opset: 20,
      inputs: [{ name: 'x', dtype: 'bool' as const, shape: x.dims }],
      initializers: { axes: { dtype: 'int64' as const, dims: [axes.length], data: BigInt64Array.from(axes.map(BigInt)) } },
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['x', 'axes'], outputs: ['y'], attrs: { keepdims: 0 } }],
    },
    feeds: { x },
    rtol: 0,
    atol: 0,
    ...(expected ? { expected: { y: expected } } : {}),
  };
}

describe('ReduceMin and ReduceMax on bool', () => {
  // Rows: all true, all false, mixed.
  const x = bools([3, 4], [1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1]);

  it.each(['ReduceMin', 'ReduceMax'] as const)('%s over rows and columns, as onnxruntime', async (op) => {
    await checkAgainstOrt(boolReduce(op, x, [1]));
    await checkAgainstOrt(boolReduce(op, x, [0]));
  });

  it('over an empty dim: min (all) is true, max (any) is false', async () => {
    const empty = bools([2, 0], []);
    await checkAgainstOrt(boolReduce('ReduceMin', empty, [1], bools([2], [1, 1])));
    await checkAgainstOrt(boolReduce('ReduceMax', empty, [1], bools([2], [0, 0])));
  });
});
