/**
 * PRelu (converters/prelu.ts): the legacy per-channel slope before opset 7, and numerics
 * against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, tensor, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('PRelu', () => {
  it('PRelu before opset 7: a [C] slope is per channel', () => {
    const layers = emitted({
      op: 'PRelu',
      opset: 6,
      inputs: [f32([2, 3, 4, 5]), tensor('float32', [3], [0.1, 0.2, 0.3])],
      outputs: [f32([2, 3, 4, 5])],
    });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [3, 1, 1] }],
      ['elementwise', { op: 'prelu' }],
    ]);
    // from opset 7 the same slope would align with the last dim, which does not fit
    expect(verdict({ op: 'PRelu', opset: 9, inputs: [f32([2, 3, 4, 5]), f32([3])], outputs: [f32([2, 3, 4, 5])] }).ok).toBe(false);
  });

  it('PRelu computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 9,
        inputs: [{ name: 'x', shape: [2, 3, 4] }],
        outputs: [{ name: 'y' }],
        initializers: { s: random('float32', [3, 1], 3) },
        nodes: [{ op: 'PRelu', inputs: ['x', 's'], outputs: ['y'] }],
      },
      feeds: { x: random('float32', [2, 3, 4], 4) },
    });
  });
});
