/**
 * The Reduce* ops (converters/reduce.ts): axes from the attribute or the constant input, resolved
 * and sorted, noop_with_empty_axes, and the refusal of axes computed at run time.
 */
import { describe, expect, it } from 'vitest';
import { emitted, verdict } from './helpers/harness.js';
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
