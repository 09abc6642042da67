/**
 * Conv (converters/conv.ts): the resolved params worked out by hand from the ONNX spec, validate's
 * reasons, and what the layer computes against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Conv', () => {
  it('resolves SAME_UPPER / SAME_LOWER into begin/end pads', () => {
    // in 6, k 3, s 2: out ceil(6/2) = 3, total pad (3-1)*2 + 3 - 6 = 1: the odd cell at the end (UPPER) or the start (LOWER)
    const base = { op: 'Conv', inputs: [f32([1, 1, 6, 6]), f32([1, 1, 3, 3])], outputs: [f32([1, 1, 3, 3])] };
    const [upper] = emitted({ ...base, attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } });
    expect(upper).toMatchObject({ kind: 'convolution', params: { padsBegin: [0, 0], padsEnd: [1, 1], strides: [2, 2] } });
    const [lower] = emitted({ ...base, attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] } });
    expect(lower).toMatchObject({ params: { padsBegin: [1, 1], padsEnd: [0, 0] } });
  });

  it('keeps groups, dilations, asymmetric pads and the bias input', () => {
    // H: (7 + 1 + 1 - (2*(3-1)+1)) / 1 + 1 = 5; W: (5 - 3) / 2 + 1 = 2
    const layers = emitted({
      op: 'Conv',
      attrs: { group: 2, dilations: [2, 1], pads: [1, 0, 1, 0], strides: [1, 2] },
      inputs: [f32([1, 4, 7, 5]), f32([6, 2, 3, 3]), f32([6])],
      outputs: [f32([1, 6, 5, 2])],
    });
    expect(layers).toEqual([
      expect.objectContaining({
        kind: 'convolution',
        name: 'n',
        params: { kernel: [3, 3], strides: [1, 2], dilations: [2, 1], padsBegin: [1, 0], padsEnd: [1, 0], groups: 2 },
        inputs: [0, 1, 2],
      }),
    ]);
  });

  it('rejects what engines cannot run, saying why', () => {
    expect(verdict({ op: 'Conv', inputs: [f32([1, 1, 2, 2, 2, 2]), f32([1, 1, 1, 1, 1, 1])], outputs: [f32([1, 1, 2, 2, 2, 2])] })).toEqual({
      ok: false,
      reason: 'Conv: X has rank 6; engines convolve 1 to 3 spatial dims (rank 3 to 5)',
    });
    const dynamic = verdict({ op: 'Conv', inputs: [['float32', ['N', 3, 8, 8]], f32([4, 3, 3, 3])], outputs: [['float32', ['N', 4, 6, 6]]] });
    expect(dynamic).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Conv: the shape of input 'in0' is not static \(\[N,3,8,8\]\); engines need static shapes: .*--shape/),
    });
    const half = verdict({ op: 'Conv', inputs: [f32([1, 3, 8, 8]), ['float16', [4, 3, 3, 3]]], outputs: [f32([1, 4, 6, 6])] });
    expect(half).toEqual({ ok: false, reason: 'Conv: W has dtype float16, X float32' });
    const ints = verdict({
      op: 'Conv',
      inputs: [
        ['int32', [1, 3, 8, 8]],
        ['int32', [4, 3, 3, 3]],
      ],
      outputs: [['int32', [1, 4, 6, 6]]],
    });
    expect(ints).toEqual({ ok: false, reason: "Conv: input 'in0' has dtype int32; supported: float32, float16, bfloat16" });
  });

  it('computes what onnxruntime computes: groups, dilation, asymmetric pads, stride', async () => {
    await checkAgainstOrt({
      spec: {
        inputs: [{ name: 'x', shape: [2, 4, 9, 7] }],
        outputs: [{ name: 'y' }],
        initializers: { w: random('float32', [6, 2, 3, 2], 1), b: random('float32', [6], 2) },
        nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { group: 2, dilations: [2, 1], pads: [2, 0, 1, 1], strides: [2, 3] } }],
      },
      feeds: { x: random('float32', [2, 4, 9, 7], 3) },
    });
  });
});
