/**
 * Shape and data-movement converters (Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
 * Concat, Split, Slice, Gather, Pad, Expand, Cast, Identity, Dropout, Constant): resolved
 * params worked out by hand from the ONNX rules, rejections for run-time parameters, and
 * numerics against onnxruntime for the forms the conformance tests miss.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, convertGraph, emitted, oneNode, random, tensor, verdict } from './helpers/harness.js';
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

describe('Slice', () => {
  it('clamps starts/ends and fills every dim', () => {
    // dim 1 (10): start -1 -> 9, end -1000 -> -1 (clamped for step < 0), step -3 -> 9, 6, 3, 0
    const [l] = emitted({
      op: 'Slice',
      opset: 13,
      inputs: [
        f32([20, 10, 5]),
        i64([-1, 2]),
        { dtype: 'int64', dims: [2], data: BigInt64Array.of(-1000n, 9223372036854775807n) },
        i64([1, 2]),
        i64([-3, 2]),
      ],
      outputs: [f32([20, 4, 2])],
    });
    expect(l).toMatchObject({ kind: 'slice', params: { starts: [0, 9, 2], steps: [1, -3, 2] } });
    expect(verdict({ op: 'Slice', opset: 13, inputs: [f32([4]), ['int64', [1]], i64([2])], outputs: [f32([2])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("starts (input 'in1') is computed at run time"),
    });
  });

  it('Slice-1 reads attributes', () => {
    expect(
      emitted({ op: 'Slice', opset: 6, attrs: { starts: [1], ends: [3], axes: [0] }, inputs: [f32([4, 2])], outputs: [f32([2, 2])] })[0]!.params,
    ).toEqual({
      starts: [1, 0],
      steps: [1, 1],
    });
  });
});

describe('Gather, Pad, Expand, Cast', () => {
  it('Gather resolves the axis and range-checks constant indices', () => {
    expect(
      emitted({ op: 'Gather', opset: 13, attrs: { axis: -1 }, inputs: [f32([3, 4]), ['int64', [2]]], outputs: [f32([3, 2])] })[0]!.params,
    ).toEqual({ axis: 1, mode: 'default' });
    expect(verdict({ op: 'Gather', opset: 13, inputs: [f32([3, 4]), i64([3])], outputs: [f32([1, 4])] })).toEqual({
      ok: false,
      reason: 'Gather: index 3 at position 0 is out of range for dim 0 of size 3',
    });
  });

  it('Pad: attribute form, input form with axes, wrap only from opset 19', () => {
    expect(
      emitted({
        op: 'Pad',
        opset: 2,
        attrs: { pads: [0, 1, 2, 0, 3, 4], value: { float: 1.5 } },
        inputs: [f32([1, 2, 3])],
        outputs: [f32([1, 6, 9])],
      })[0]!.params,
    ).toEqual({
      mode: 'constant',
      padsBegin: [0, 1, 2],
      padsEnd: [0, 3, 4],
      value: 1.5,
    });
    const [l] = emitted({
      op: 'Pad',
      opset: 18,
      attrs: { mode: 'edge' },
      inputs: [f32([1, 3, 4, 5]), i64([1, -1, 2, 3]), null, i64([-1, 1])],
      outputs: [f32([1, 5, 4, 8])],
    });
    // axes [-1, 1] -> [3, 1]: dim 3 begin 1 end 2, dim 1 begin -1 end 3
    expect(l!.params).toEqual({ mode: 'edge', padsBegin: [0, -1, 0, 1], padsEnd: [0, 3, 0, 2], value: 0 });
    expect(verdict({ op: 'Pad', opset: 18, attrs: { mode: 'wrap' }, inputs: [f32([4]), i64([1, 1])], outputs: [f32([6])] })).toEqual({
      ok: false,
      reason: "Pad: mode 'wrap' is not supported; use 'constant' or 'reflect' or 'edge'",
    });
  });

  it('Expand broadcasts through a reshape and a step-0 slice', () => {
    const layers = emitted({ op: 'Expand', opset: 13, inputs: [f32([3, 1]), i64([2, 1, 6])], outputs: [f32([2, 3, 6])] });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [1, 3, 1] }],
      ['slice', { starts: [0, 0, 0], steps: [0, 1, 0] }],
    ]);
  });

  for (const [label, spec, feeds] of [
    ['reflect Pad with a crop', { op: 'Pad', attrs: { mode: 'reflect' }, extra: { pads: i64([0, 2, -1, 0, 1, 3]) } }, [2, 4, 5]],
    // the crop at the end comes first, so wrapping at the start repeats the kept part
    ['wrap Pad with a crop on the other side', { op: 'Pad', attrs: { mode: 'wrap' }, extra: { pads: i64([0, 1, 0, -2]) } }, [2, 4]],
    ['negative-step Slice', { op: 'Slice', extra: { s: i64([-2, 4]), e: i64([0, -100]), a: i64([0, 2]), p: i64([-1, -2]) } }, [3, 4, 5]],
  ] as const) {
    it(`${label} computes what onnxruntime computes`, async () => {
      const extra = Object.keys(spec.extra);
      await checkAgainstOrt({
        spec: {
          opset: 19,
          inputs: [{ name: 'x', shape: [...feeds] }],
          outputs: [{ name: 'y' }],
          initializers: { ...spec.extra },
          nodes: [{ op: spec.op, inputs: ['x', ...extra], outputs: ['y'], attrs: 'attrs' in spec ? { ...spec.attrs } : undefined }],
        },
        feeds: { x: random('float32', [...feeds], 9) },
      });
    });
  }

  it('Expand and Gather with negative indices compute what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [{ name: 'x', shape: [3, 1] }],
        outputs: [{ name: 'y' }],
        initializers: { s: i64([2, 1, 4]) },
        nodes: [{ op: 'Expand', inputs: ['x', 's'], outputs: ['y'] }],
      },
      feeds: { x: random('float32', [3, 1], 1) },
    });
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [{ name: 'x', shape: [3, 4] }],
        outputs: [{ name: 'y' }],
        initializers: { i: tensor('int64', [2, 2], [-1, 0, 2, -3]) },
        nodes: [{ op: 'Gather', inputs: ['x', 'i'], outputs: ['y'], attrs: { axis: 1 } }],
      },
      feeds: { x: random('float32', [3, 4], 2) },
    });
  });
});

describe('Identity, Dropout, Constant', () => {
  it('Identity and inference Dropout pass the tensor through; the mask is a constant of ones', () => {
    expect(emitted({ op: 'Identity', opset: 13, inputs: [f32([2])], outputs: [f32([2])] }).map((l) => l.name)).toEqual(['out0/copy']);
    const g = oneNode({ op: 'Dropout', opset: 13, inputs: [f32([2, 2])], outputs: [f32([2, 2]), ['bool', [2, 2]]] });
    const net = convertGraph(g);
    const mask = net.layers.find((l) => l.kind === 'constant');
    expect(mask?.kind === 'constant' && Array.from(mask.weights as Uint8Array)).toEqual([1, 1, 1, 1]);
  });

  it('Dropout in training mode is refused, unless its ratio is a constant 0 (the identity)', () => {
    expect(verdict({ op: 'Dropout', opset: 13, inputs: [f32([2]), null, tensor('bool', [], [1])], outputs: [f32([2])] })).toEqual({
      ok: false,
      reason: 'Dropout: training_mode is true with a ratio that is not a constant 0 (random dropout); engines run inference only',
    });
    expect(
      verdict({ op: 'Dropout', opset: 13, inputs: [f32([2]), tensor('float32', [], [0.1]), tensor('bool', [], [1])], outputs: [f32([2])] }),
    ).toMatchObject({
      ok: false,
    });
    expect(
      verdict({ op: 'Dropout', opset: 13, inputs: [f32([2]), tensor('float32', [], [0]), tensor('bool', [], [1])], outputs: [f32([2])] }),
    ).toEqual({ ok: true });
    expect(verdict({ op: 'Dropout', opset: 6, inputs: [f32([2])], outputs: [f32([2])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('is_test=0'),
    });
  });
});
