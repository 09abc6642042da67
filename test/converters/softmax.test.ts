/**
 * Softmax and LogSoftmax (converters/softmax.ts): one layer from opset 13, the 2-D coercion before
 * it, and the legacy forms against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Softmax and LogSoftmax', () => {
  it('opset 13: one layer along the resolved axis', () => {
    expect(emitted({ op: 'Softmax', opset: 13, attrs: { axis: -2 }, inputs: [f32([2, 3, 4])], outputs: [f32([2, 3, 4])] })[0]!.params).toEqual({
      axis: 1,
      log: false,
    });
  });

  it('before 13: coerced to 2-D by shuffles around the softmax, unless the trailing dims are 1', () => {
    const layers = emitted({ op: 'Softmax', opset: 11, inputs: [f32([2, 3, 4])], outputs: [f32([2, 3, 4])] });
    // default axis 1: [2, 3*4], with the leading dims relative (-1) so that a dynamic batch holds
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [-1, 12], zeroIsPlaceholder: true }],
      ['softmax', { axis: 1, log: false }],
      ['shuffle', { reshape: [-1, 3, 4], zeroIsPlaceholder: true }],
    ]);
    expect(
      emitted({ op: 'LogSoftmax', opset: 11, attrs: { axis: 1 }, inputs: [f32([2, 3, 1])], outputs: [f32([2, 3, 1])] }).map((l) => l.params),
    ).toEqual([{ axis: 1, log: true }]);
  });

  for (const [op, axis] of [
    ['Softmax', 1],
    ['LogSoftmax', 0],
  ] as const) {
    it(`${op}-11 axis ${axis} computes what onnxruntime computes`, async () => {
      await checkAgainstOrt({
        spec: {
          opset: 11,
          inputs: [{ name: 'x', shape: [2, 3, 4] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs: { axis } }],
        },
        feeds: { x: random('float32', [2, 3, 4], 8, -5, 5) },
      });
    });
  }
});
