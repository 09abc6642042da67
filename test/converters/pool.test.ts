/**
 * MaxPool, AveragePool and the global pools (converters/pool.ts): resolved params worked out by hand
 * from the ONNX spec, validate's reasons, and numerics against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('pools', () => {
  it('MaxPool: ceil mode, dilations and pads resolved; Indices and oversized pads rejected', () => {
    const [l] = emitted({
      op: 'MaxPool',
      attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], ceil_mode: 1 },
      inputs: [f32([1, 2, 6, 6])],
      outputs: [f32([1, 2, 3, 3])],
    });
    // (6 + 1 - 3) / 2 = 2 -> ceil 2 + 1 = 3; the third window starts at 4 - 1 = 3 < 6
    expect(l).toMatchObject({
      kind: 'pooling',
      params: {
        mode: 'max',
        kernel: [3, 3],
        strides: [2, 2],
        padsBegin: [1, 1],
        padsEnd: [0, 0],
        dilations: [1, 1],
        ceilMode: true,
        countIncludePad: false,
      },
    });
    expect(
      verdict({ op: 'MaxPool', attrs: { kernel_shape: [2, 2] }, inputs: [f32([1, 1, 4, 4])], outputs: [f32([1, 1, 3, 3]), ['int64', [1, 1, 3, 3]]] }),
    ).toEqual({
      ok: false,
      reason: 'MaxPool: the Indices output is not supported (engines compute the pooled values only); leave it unused',
    });
    expect(
      verdict({ op: 'MaxPool', attrs: { kernel_shape: [2, 2], pads: [2, 2, 2, 2] }, inputs: [f32([1, 1, 4, 4])], outputs: [f32([1, 1, 7, 7])] }).ok,
    ).toBe(false);
  });

  it('AveragePool: SAME_* sizes the output itself, so ceil_mode is dropped', () => {
    const [l] = emitted({
      op: 'AveragePool',
      attrs: { kernel_shape: [2, 2], auto_pad: 'SAME_LOWER', ceil_mode: 1, count_include_pad: 1 },
      inputs: [f32([1, 1, 5, 5])],
      outputs: [f32([1, 1, 5, 5])],
    });
    // out 5, total pad (5-1)*1 + 2 - 5 = 1, at the start for SAME_LOWER
    expect(l).toMatchObject({ params: { mode: 'average', padsBegin: [1, 1], padsEnd: [0, 0], ceilMode: false, countIncludePad: true } });
  });

  it('global pools reduce the spatial dims and keep them', () => {
    expect(emitted({ op: 'GlobalAveragePool', inputs: [f32([2, 3, 4, 5])], outputs: [f32([2, 3, 1, 1])] })).toEqual([
      expect.objectContaining({ kind: 'reduce', params: { op: 'mean', axes: [2, 3], keepDims: true } }),
    ]);
    expect(emitted({ op: 'GlobalMaxPool', inputs: [f32([2, 3, 4])], outputs: [f32([2, 3, 1])] })).toEqual([
      expect.objectContaining({ kind: 'reduce', params: { op: 'max', axes: [2], keepDims: true } }),
    ]);
  });

  for (const [op, attrs] of [
    ['MaxPool', { kernel_shape: [3, 2], strides: [2, 2], dilations: [1, 2], pads: [1, 0, 1, 1], ceil_mode: 1 }],
    ['AveragePool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 }],
    ['AveragePool', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }],
    ['AveragePool', { kernel_shape: [2, 3], auto_pad: 'SAME_UPPER', strides: [2, 2], count_include_pad: 1 }],
  ] as const) {
    it(`${op} ${JSON.stringify(attrs)} computes what onnxruntime computes`, async () => {
      await checkAgainstOrt({
        spec: {
          opset: 19,
          inputs: [{ name: 'x', shape: [1, 2, 7, 8] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs: { ...attrs } as never }],
        },
        feeds: { x: random('float32', [1, 2, 7, 8], 7) },
      });
    });
  }
});
