/**
 * Identity and Dropout (converters/identity.ts): a copy, the constant mask of inference Dropout, and
 * the refusal of training mode.
 */
import { describe, expect, it } from 'vitest';
import { convertGraph, emitted, oneNode, random, tensor, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Identity and Dropout', () => {
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
