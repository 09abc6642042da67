/**
 * Shape and data-movement converters (Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
 * Concat, Split, Slice, Gather, Pad, Expand, Cast, Identity, Dropout, Constant): resolved
 * params worked out by hand from the ONNX rules, rejections for run-time parameters, and
 * numerics against onnxruntime for the forms the conformance tests miss.
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

  it('Transpose defaults to reversing the dims', () => {
    expect(emitted({ op: 'Transpose', opset: 13, inputs: [f32([2, 3, 4])], outputs: [f32([4, 3, 2])] })[0]!.params).toEqual({ firstPerm: [2, 1, 0] });
  });
});

describe('concat and split', () => {
  it('Split: attribute sizes, equal parts, and opset 18 uneven num_outputs', () => {
    const sizes = (spec: Parameters<typeof emitted>[0]) => emitted(spec)[0]!.params;
    expect(sizes({ op: 'Split', opset: 11, attrs: { axis: -1, split: [1, 5] }, inputs: [f32([2, 6])], outputs: [f32([2, 1]), f32([2, 5])] })).toEqual(
      { axis: 1, sizes: [1, 5] },
    );
    expect(sizes({ op: 'Split', opset: 13, inputs: [f32([6])], outputs: [f32([2]), f32([2]), f32([2])] })).toEqual({ axis: 0, sizes: [2, 2, 2] });
    // 7 into 4: chunks of ceil(7/4) = 2, the last one smaller
    expect(
      sizes({ op: 'Split', opset: 18, attrs: { num_outputs: 4 }, inputs: [f32([7])], outputs: [f32([2]), f32([2]), f32([2]), f32([1])] }),
    ).toEqual({ axis: 0, sizes: [2, 2, 2, 1] });
    // Without sizes the parts are inference's output shapes (test/ir/infer.test.ts holds the
    // rule, and refuses a dim that does not split); sizes that do not add up are refused here.
    expect(verdict({ op: 'Split', opset: 11, attrs: { split: [3, 3] }, inputs: [f32([7])], outputs: [f32([3]), f32([3])] })).toEqual({
      ok: false,
      reason: 'Split: sizes [3,3] do not add up to dim 0 (7)',
    });
  });
});
