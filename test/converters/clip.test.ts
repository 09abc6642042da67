/**
 * Clip (converters/clip.ts): the bounds in each opset form, constant and computed at run time.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, tensor } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Clip', () => {
  it('opset 6: missing bounds are the float32 range, not infinities', () => {
    expect(emitted({ op: 'Clip', opset: 6, attrs: { min: { float: 0 } }, inputs: [f32([3])], outputs: [f32([3])] })[0]!.params).toEqual({
      op: 'clip',
      min: 0,
      max: 3.4028234663852886e38,
    });
  });

  it('opset 11+: constant bounds become params, run-time bounds max/min layers', () => {
    const c = emitted({ op: 'Clip', opset: 13, inputs: [f32([3]), tensor('float32', [], [-1]), null], outputs: [f32([3])] });
    expect(c.map((l) => l.params)).toEqual([{ op: 'clip', min: -1, max: 3.4028234663852886e38 }]);
    const r = emitted({ op: 'Clip', opset: 13, inputs: [f32([3]), f32([]), tensor('float32', [], [6])], outputs: [f32([3])] });
    expect(r.map((l) => [l.kind, l.params])).toEqual([
      ['elementwise', { op: 'max' }],
      ['unary', { op: 'clip', min: -3.4028234663852886e38, max: 6 }],
    ]);
    const ints = emitted({ op: 'Clip', opset: 13, inputs: [['int32', [3]], null, tensor('int32', [], [5])], outputs: [['int32', [3]]] });
    expect(ints[0]!.params).toEqual({ op: 'clip', min: -Infinity, max: 5 });
  });

  it('with a run-time bound computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [
          { name: 'x', shape: [10] },
          { name: 'lo', shape: [] },
        ],
        outputs: [{ name: 'y' }],
        initializers: { hi: tensor('float32', [], [0.5]) },
        nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }],
      },
      feeds: { x: random('float32', [10], 5), lo: tensor('float32', [], [-0.25]) },
    });
  });
});
