/**
 * BatchNormalization, LayerNormalization and InstanceNormalization (converters/normalization.ts):
 * the folded constants worked out by hand, the layers emitted, the refusal of training mode, and
 * numerics against onnxruntime for run-time parameters and LayerNorm's statistics outputs.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, convertGraph, emitted, oneNode, random, tensor, verdict } from './helpers/harness.js';
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
