/**
 * Expand (converters/expand.ts) at a constant target: the reshape and step-0 slice it emits, and
 * numerics against onnxruntime. Targets the model computes from Shape are in computed-window.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('Expand', () => {
  it('Expand broadcasts through a reshape and a step-0 slice', () => {
    const layers = emitted({ op: 'Expand', opset: 13, inputs: [f32([3, 1]), i64([2, 1, 6])], outputs: [f32([2, 3, 6])] });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [1, 3, 1] }],
      ['slice', { starts: [0, 0, 0], steps: [0, 1, 0] }],
    ]);
  });

  it('Expand computes what onnxruntime computes', async () => {
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
  });
});
