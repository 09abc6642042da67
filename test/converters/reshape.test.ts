/**
 * Reshape, Flatten, Squeeze and Unsqueeze (converters/reshape.ts): targets resolved by hand from the
 * ONNX rules, a target computed at run time, and the copy an unchanged shape needs.
 */
import { describe, expect, it } from 'vitest';
import { emitted, tensor, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('reshape family', () => {
  it('Reshape keeps a relative target (0 and -1) for the shuffle to resolve, so that it holds for every shape of a range', () => {
    // [2,3,4] with [0,-1,2]: 0 copies 2, -1 = 24 / (2*2) = 6; the output's shape is the rule's.
    expect(emitted({ op: 'Reshape', opset: 13, inputs: [f32([2, 3, 4]), i64([0, -1, 2])], outputs: [f32([2, 6, 2])] })).toEqual([
      expect.objectContaining({ kind: 'shuffle', params: { reshape: [0, -1, 2], zeroIsPlaceholder: true } }),
    ]);
    // An empty input (a data-dependent count at 0) too, where the other dims tell the -1 (0 / 4):
    // one layer then serves the count's whole range (an Unsqueeze of boxes [n,4] to [1,n,4]).
    expect(emitted({ op: 'Reshape', opset: 13, inputs: [f32([0, 4]), i64([1, -1, 4])], outputs: [f32([1, 0, 4])] })[0]!.params).toEqual({
      reshape: [1, -1, 4],
      zeroIsPlaceholder: true,
    });
    // An explicit target stays explicit.
    expect(emitted({ op: 'Reshape', opset: 13, inputs: [f32([2, 3, 4]), i64([4, 6])], outputs: [f32([4, 6])] })[0]!.params).toEqual({
      reshape: [4, 6],
    });
    // allowzero=1 keeps a literal 0 (opset 14)
    expect(
      emitted({ op: 'Reshape', opset: 14, attrs: { allowzero: 1 }, inputs: [f32([0, 3, 4]), i64([3, 4, 0])], outputs: [f32([3, 4, 0])] })[0]!.params,
    ).toEqual({ reshape: [3, 4, 0] });
  });

  it('Reshape to a target computed at run time: a shuffle that reads it as its second input (a shape tensor)', () => {
    const layers = emitted({ op: 'Reshape', opset: 13, inputs: [f32([2, 3]), ['int64', [1]]], outputs: [f32([6])] });
    expect(layers.map((l) => [l.kind, l.inputs.length, l.params])).toEqual([['shuffle', 2, { zeroIsPlaceholder: true }]]);
    // allowzero=1: a 0 in the target is an empty dim, not a copy.
    const allowzero = emitted({ op: 'Reshape', opset: 14, attrs: { allowzero: 1 }, inputs: [f32([2, 3]), ['int64', [2]]], outputs: [f32([3, 2])] });
    expect(allowzero.map((l) => l.params)).toEqual([{}]);
    expect(verdict({ op: 'Reshape', opset: 13, inputs: [f32([2, 3]), ['int64', [1, 1]]], outputs: [f32([6])] })).toEqual({
      ok: false,
      reason: "Reshape: input 'in1' has rank 2; a shape is 1-D",
    });
  });

  it('an unchanged shape emits nothing (the one layer is the copy a network output equal to its input needs)', () => {
    expect(emitted({ op: 'Reshape', opset: 13, inputs: [f32([2, 3]), i64([2, 3])], outputs: [f32([2, 3])] }).map((l) => [l.name, l.params])).toEqual([
      ['out0/copy', { op: 'identity' }],
    ]);
  });

  it('Flatten, Squeeze and Unsqueeze in their attribute and input forms', () => {
    expect(emitted({ op: 'Flatten', opset: 13, attrs: { axis: -2 }, inputs: [f32([2, 3, 4, 5])], outputs: [f32([6, 20])] })[0]!.params).toEqual({
      reshape: [6, 20],
    });
    expect(emitted({ op: 'Squeeze', opset: 11, attrs: { axes: [-1] }, inputs: [f32([2, 1, 3, 1])], outputs: [f32([2, 1, 3])] })[0]!.params).toEqual({
      reshape: [2, 1, 3],
    });
    expect(emitted({ op: 'Squeeze', opset: 13, inputs: [f32([2, 1, 3, 1])], outputs: [f32([2, 3])] })[0]!.params).toEqual({ reshape: [2, 3] });
    // axes resolved against the output rank: [3,4,5] with [4,1] (unsorted) -> [3,1,4,5,1]
    expect(emitted({ op: 'Unsqueeze', opset: 13, inputs: [f32([3, 4, 5]), i64([4, 1])], outputs: [f32([3, 1, 4, 5, 1])] })[0]!.params).toEqual({
      reshape: [3, 1, 4, 5, 1],
    });
    // The target is inference's output shape; a converter only refuses one that loses elements.
    expect(verdict({ op: 'Squeeze', opset: 13, inputs: [f32([2, 3]), i64([0])], outputs: [f32([3])] })).toEqual({
      ok: false,
      reason: 'Squeeze: cannot reshape [2,3] to [3]',
    });
  });
});
