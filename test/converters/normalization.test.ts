/**
 * BatchNormalization, LayerNormalization, InstanceNormalization and GroupNormalization
 * (converters/normalization.ts): the folded constants worked out by hand, the layers emitted, the
 * refusal of training mode, and numerics against onnxruntime for run-time parameters and
 * LayerNorm's statistics outputs; GroupNormalization at opset 21 (scale and bias per channel) and
 * 18 (per group) against onnxruntime, an epsilon other than the default (a wrong epsilon or group
 * count is shown to fail the comparison), and its refusals.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import { checkAgainstOrt, convertGraph, emitted, oneNode, random, runOrt, tensor, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('BatchNormalization', () => {
  it('folds constant parameters into a = scale/sqrt(var+eps), b = B - mean*a', () => {
    const g = oneNode({
      op: 'BatchNormalization',
      opset: 15,
      attrs: { epsilon: { float: 1 } },
      inputs: [
        f32([1, 2, 3, 3]),
        tensor('float32', [2], [2, 1]),
        tensor('float32', [2], [0.5, -1]),
        tensor('float32', [2], [1, 0]),
        tensor('float32', [2], [3, 0.25]),
      ],
      outputs: [f32([1, 2, 3, 3])],
    });
    const net = convertGraph(g);
    const consts = Object.fromEntries(
      net.layers.filter((l) => l.kind === 'constant').map((l) => [l.name, l.kind === 'constant' ? Array.from(l.weights as Float32Array) : []]),
    );
    // a = [2/sqrt(4), 1/sqrt(1.25)], b = [0.5 - 1*1, -1 - 0]
    expect(consts['n/a']).toEqual([1, Math.fround(1 / Math.sqrt(1.25))]);
    expect(consts['n/b']).toEqual([-0.5, -1]);
    expect(net.tensors[net.layers.find((l) => l.name === 'n/a')!.outputs[0]!]!.shape).toEqual([2, 1, 1]);
    expect(net.layers.filter((l) => l.kind !== 'constant').map((l) => l.kind === 'elementwise' && l.params.op)).toEqual(['mul', 'add']);
  });

  it('refuses training mode', () => {
    const p = tensor('float32', [2], [1, 1]);
    expect(
      verdict({ op: 'BatchNormalization', opset: 15, attrs: { training_mode: 1 }, inputs: [f32([1, 2, 3]), p, p, p, p], outputs: [f32([1, 2, 3])] }),
    ).toEqual({
      ok: false,
      reason: 'BatchNormalization: training_mode=1 computes batch statistics; export the model in inference (eval) mode',
    });
  });

  it('with run-time parameters computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 15,
        inputs: ['x', 's', 'b', 'm', 'v'].map((name) => ({ name, shape: name === 'x' ? [2, 3, 4] : [3] })),
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y'], attrs: { epsilon: { float: 0.01 } } }],
      },
      feeds: {
        x: random('float32', [2, 3, 4], 1),
        s: random('float32', [3], 2),
        b: random('float32', [3], 3),
        m: random('float32', [3], 4),
        v: random('float32', [3], 5, 0.1, 2),
      },
    });
  });
});

describe('LayerNormalization and InstanceNormalization', () => {
  it('LayerNorm: scale broadcast to x.shape[axis:], one normalization layer', () => {
    const layers = emitted({
      op: 'LayerNormalization',
      opset: 17,
      attrs: { axis: 1 },
      inputs: [f32([2, 3, 5]), f32([5]), f32([3, 5])],
      outputs: [f32([2, 3, 5])],
    });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [1, 5] }],
      ['slice', { starts: [0, 0], steps: [0, 1] }],
      ['normalization', { mode: 'layer', axis: 1, epsilon: 1e-5, groups: 1 }],
    ]);
  });

  it('LayerNorm with Mean and InvStdDev outputs computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 17,
        inputs: [{ name: 'x', shape: [2, 3, 4] }],
        outputs: [{ name: 'y' }, { name: 'mean' }, { name: 'inv' }],
        initializers: { w: random('float32', [3, 4], 1), b: random('float32', [4], 2) },
        nodes: [{ op: 'LayerNormalization', inputs: ['x', 'w', 'b'], outputs: ['y', 'mean', 'inv'], attrs: { axis: -2, epsilon: { float: 0.1 } } }],
      },
      feeds: { x: random('float32', [2, 3, 4], 3) },
    });
  });

  it('InstanceNorm is a normalization layer in instance mode', () => {
    expect(
      emitted({ op: 'InstanceNormalization', opset: 6, inputs: [f32([1, 2, 3]), f32([2]), f32([2])], outputs: [f32([1, 2, 3])] })[0]!.params,
    ).toEqual({
      mode: 'instance',
      axis: 1,
      epsilon: 1e-5,
      groups: 1,
    });
  });
});

describe('GroupNormalization', () => {
  /** A one-node GroupNormalization model; scale and bias are run-time inputs of `paramLen` values. */
  const groupNorm = (opset: number, shape: number[], paramLen: number, attrs: Record<string, number | { float: number }>) => ({
    opset,
    inputs: [
      { name: 'x', shape },
      { name: 's', shape: [paramLen] },
      { name: 'b', shape: [paramLen] },
    ],
    outputs: [{ name: 'y' }],
    nodes: [{ op: 'GroupNormalization', inputs: ['x', 's', 'b'], outputs: ['y'], attrs }],
  });
  const feeds = (shape: number[], paramLen: number, lo = -2, hi = 2) => ({
    x: random('float32', shape, 21, lo, hi),
    s: random('float32', [paramLen], 22),
    b: random('float32', [paramLen], 23),
  });

  it('opset 21: 2 groups of a 4-d input, scale and bias per channel, computes what onnxruntime computes', async () => {
    await checkAgainstOrt({ spec: groupNorm(21, [2, 6, 3, 4], 6, { num_groups: 2 }), feeds: feeds([2, 6, 3, 4], 6) });
  });

  it('opset 18: scale and bias per group, repeated over the channels of each group, computes what onnxruntime computes', async () => {
    await checkAgainstOrt({ spec: groupNorm(18, [2, 6, 3, 4], 2, { num_groups: 2 }), feeds: feeds([2, 6, 3, 4], 2) });
    // 3 groups of 2 channels, a 3-d input, constant scale and bias
    await checkAgainstOrt({
      spec: {
        opset: 18,
        inputs: [{ name: 'x', shape: [1, 6, 5] }],
        outputs: [{ name: 'y' }],
        initializers: { s: random('float32', [3], 24), b: random('float32', [3], 25) },
        nodes: [{ op: 'GroupNormalization', inputs: ['x', 's', 'b'], outputs: ['y'], attrs: { num_groups: 3 } }],
      },
      feeds: { x: random('float32', [1, 6, 5], 26) },
    });
  });

  it('an epsilon other than the default reaches the layer; a wrong one or a wrong group count fails the comparison', async () => {
    // Inputs of small variance (about 0.02), so that epsilon 0.5 moves the output far beyond the tolerance.
    const spec = groupNorm(21, [2, 4, 3, 3], 4, { num_groups: 2, epsilon: { float: 0.5 } });
    const x = feeds([2, 4, 3, 3], 4, -0.25, 0.25);
    const net = await checkAgainstOrt({ spec, feeds: x });
    expect(net.layers.find((l) => l.kind === 'normalization')!.params).toEqual({ mode: 'group', axis: 1, epsilon: 0.5, groups: 2 });
    const wrongEpsilon = await runOrt(buildGraph(groupNorm(21, [2, 4, 3, 3], 4, { num_groups: 2 })), x);
    await expect(checkAgainstOrt({ spec, feeds: x, expected: wrongEpsilon })).rejects.toThrow(/output 'y'/);
    const wrongGroups = await runOrt(buildGraph(groupNorm(21, [2, 4, 3, 3], 4, { num_groups: 4, epsilon: { float: 0.5 } })), x);
    await expect(checkAgainstOrt({ spec, feeds: x, expected: wrongGroups })).rejects.toThrow(/output 'y'/);
  });

  it('refuses, naming the reason: a group count that does not divide C, scale and bias sized for the other opset, rank 2, no num_groups', () => {
    const node = (opset: number, x: number[], param: number, attrs?: Record<string, number>) => ({
      op: 'GroupNormalization',
      opset,
      attrs,
      inputs: [f32(x), f32([param]), f32([param])],
      outputs: [f32(x)],
    });
    expect(verdict(node(21, [1, 6, 4], 6, { num_groups: 4 }))).toEqual({
      ok: false,
      reason: 'GroupNormalization: num_groups 4 does not divide C = 6',
    });
    expect(verdict(node(21, [1, 6, 4], 2, { num_groups: 2 }))).toEqual({
      ok: false,
      reason: "GroupNormalization: input 'in1' is float32[2], expected float32[6]",
    });
    expect(verdict(node(18, [1, 6, 4], 6, { num_groups: 2 }))).toEqual({
      ok: false,
      reason: "GroupNormalization: input 'in1' is float32[6], expected float32[2]",
    });
    expect(verdict(node(21, [2, 6], 6, { num_groups: 2 }))).toEqual({ ok: false, reason: 'GroupNormalization: X [2,6] needs (N, C, spatial...)' });
    expect(verdict(node(21, [1, 6, 4], 6))).toEqual({ ok: false, reason: 'GroupNormalization: the num_groups attribute is missing' });
  });
});
