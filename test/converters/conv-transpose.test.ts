/**
 * ConvTranspose (converters/conv-transpose.ts): pads from output_shape and auto_pad worked out by
 * hand from the ONNX spec, and what the layer computes against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

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
