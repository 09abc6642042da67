/**
 * Conv, ConvTranspose and the pools: the emitted layer and its resolved params, worked out by
 * hand from the ONNX spec; validate's reasons; and what the layers compute against
 * onnxruntime for attribute combinations the conformance tests do not cover.
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

describe('ConvTranspose', () => {
  const x = f32([1, 1, 3, 3]);
  const w = f32([1, 2, 3, 3]);

  it('derives pads from output_shape (odd cell at the beginning unless SAME_UPPER)', () => {
    // full size: 3*(3-1) + 3 = 9 and 2*(3-1) + 3 = 7; asking 8 and 6 leaves 1 to pad in each
    const [l] = emitted({ op: 'ConvTranspose', attrs: { strides: [3, 2], output_shape: [8, 6] }, inputs: [x, w], outputs: [f32([1, 2, 8, 6])] });
    expect(l).toMatchObject({ kind: 'deconvolution', params: { padsBegin: [1, 1], padsEnd: [0, 0], outputPadding: [0, 0], groups: 1 } });
  });

  it('turns an output_shape beyond the full size into trailing cells (output_padding)', () => {
    const [l] = emitted({ op: 'ConvTranspose', attrs: { strides: [3, 2], output_shape: [10, 8] }, inputs: [x, w], outputs: [f32([1, 2, 10, 8])] });
    expect(l).toMatchObject({ params: { padsBegin: [0, 0], padsEnd: [0, 0], outputPadding: [1, 1] } });
  });

  it('SAME_UPPER asks for in*stride outputs', () => {
    // 3*2 = 6 wanted, 2*(3-1) + 3 = 7 covered: one pad, at the end
    const [l] = emitted({ op: 'ConvTranspose', attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' }, inputs: [x, w], outputs: [f32([1, 2, 6, 6])] });
    expect(l).toMatchObject({ params: { padsBegin: [0, 0], padsEnd: [1, 1] } });
  });

  for (const [label, attrs, outShape] of [
    ['output_shape', { strides: [3, 2], output_shape: [10, 8], group: 2 }, [1, 4, 10, 8]],
    ['pads, dilations, output_padding', { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1], output_padding: [1, 2], group: 2 }, undefined],
    ['SAME_LOWER', { strides: [2, 2], auto_pad: 'SAME_LOWER', group: 2 }, undefined],
  ] as const) {
    it(`computes what onnxruntime computes: ${label}`, async () => {
      void outShape;
      await checkAgainstOrt({
        spec: {
          inputs: [{ name: 'x', shape: [1, 4, 3, 4] }],
          outputs: [{ name: 'y' }],
          initializers: { w: random('float32', [4, 2, 3, 3], 4), b: random('float32', [4], 5) },
          nodes: [{ op: 'ConvTranspose', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { ...attrs } as never }],
        },
        feeds: { x: random('float32', [1, 4, 3, 4], 6) },
      });
    });
  }
});

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
