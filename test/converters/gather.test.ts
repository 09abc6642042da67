/**
 * Gather (converters/gather.ts): the resolved axis, the range check of constant indices, and
 * negative indices against onnxruntime. GatherElements, from the same converter file, is in
 * gather-elements.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, tensor, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('Gather', () => {
  it('Gather resolves the axis and range-checks constant indices', () => {
    expect(
      emitted({ op: 'Gather', opset: 13, attrs: { axis: -1 }, inputs: [f32([3, 4]), ['int64', [2]]], outputs: [f32([3, 2])] })[0]!.params,
    ).toEqual({ axis: 1, mode: 'default' });
    expect(verdict({ op: 'Gather', opset: 13, inputs: [f32([3, 4]), i64([3])], outputs: [f32([1, 4])] })).toEqual({
      ok: false,
      reason: 'Gather: index 3 at position 0 is out of range for dim 0 of size 3',
    });
  });

  it('Gather with negative indices computes what onnxruntime computes', async () => {
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
