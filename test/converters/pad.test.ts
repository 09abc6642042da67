/**
 * Pad (converters/pad.ts): the attribute and input forms, the modes, and reflect and wrap with a
 * crop against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('Pad', () => {
  it('Pad: attribute form, input form with axes, wrap only from opset 19', () => {
    expect(
      emitted({
        op: 'Pad',
        opset: 2,
        attrs: { pads: [0, 1, 2, 0, 3, 4], value: { float: 1.5 } },
        inputs: [f32([1, 2, 3])],
        outputs: [f32([1, 6, 9])],
      })[0]!.params,
    ).toEqual({
      mode: 'constant',
      padsBegin: [0, 1, 2],
      padsEnd: [0, 3, 4],
      value: 1.5,
    });
    const [l] = emitted({
      op: 'Pad',
      opset: 18,
      attrs: { mode: 'edge' },
      inputs: [f32([1, 3, 4, 5]), i64([1, -1, 2, 3]), null, i64([-1, 1])],
      outputs: [f32([1, 5, 4, 8])],
    });
    // axes [-1, 1] -> [3, 1]: dim 3 begin 1 end 2, dim 1 begin -1 end 3
    expect(l!.params).toEqual({ mode: 'edge', padsBegin: [0, -1, 0, 1], padsEnd: [0, 3, 0, 2], value: 0 });
    expect(verdict({ op: 'Pad', opset: 18, attrs: { mode: 'wrap' }, inputs: [f32([4]), i64([1, 1])], outputs: [f32([6])] })).toEqual({
      ok: false,
      reason: "Pad: mode 'wrap' is not supported; use 'constant' or 'reflect' or 'edge'",
    });
  });

  for (const [label, spec, feeds] of [
    ['reflect Pad with a crop', { op: 'Pad', attrs: { mode: 'reflect' }, extra: { pads: i64([0, 2, -1, 0, 1, 3]) } }, [2, 4, 5]],
    // the crop at the end comes first, so wrapping at the start repeats the kept part
    ['wrap Pad with a crop on the other side', { op: 'Pad', attrs: { mode: 'wrap' }, extra: { pads: i64([0, 1, 0, -2]) } }, [2, 4]],
  ] as const) {
    it(`${label} computes what onnxruntime computes`, async () => {
      const extra = Object.keys(spec.extra);
      await checkAgainstOrt({
        spec: {
          opset: 19,
          inputs: [{ name: 'x', shape: [...feeds] }],
          outputs: [{ name: 'y' }],
          initializers: { ...spec.extra },
          nodes: [{ op: spec.op, inputs: ['x', ...extra], outputs: ['y'], attrs: 'attrs' in spec ? { ...spec.attrs } : undefined }],
        },
        feeds: { x: random('float32', [...feeds], 9) },
      });
    });
  }
});
