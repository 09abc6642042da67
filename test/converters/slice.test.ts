/**
 * Slice (converters/slice.ts) at constant windows: clamping worked out by hand, the attribute form of
 * Slice-1, and a negative step against onnxruntime. Windows the model computes from Shape are in
 * computed-window.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

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

  it('negative-step Slice computes what onnxruntime computes', async () => {
    const extra = { s: i64([-2, 4]), e: i64([0, -100]), a: i64([0, 2]), p: i64([-1, -2]) };
    await checkAgainstOrt({
      spec: {
        opset: 19,
        inputs: [{ name: 'x', shape: [3, 4, 5] }],
        outputs: [{ name: 'y' }],
        initializers: { ...extra },
        nodes: [{ op: 'Slice', inputs: ['x', ...Object.keys(extra)], outputs: ['y'] }],
      },
      feeds: { x: random('float32', [3, 4, 5], 9) },
    });
  });
});
