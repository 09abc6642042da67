/**
 * Resize (converters/resize.ts): scales and sizes resolved by hand from the ONNX spec, the output
 * shape from inference, validate's reasons, and the modes against onnxruntime.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { checkAgainstOrt, emitted, random, tensor, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('Resize', () => {
  const x = f32([1, 1, 2, 2]);
  const scalesF = (v: number[]) => tensor('float32', [v.length], v);

  it('scales: one per dim, output floor(in * scale)', () => {
    const [l] = emitted({
      op: 'Resize',
      opset: 19,
      attrs: { mode: 'linear' },
      inputs: [x, null, scalesF([1, 1, 2, 1.5])],
      outputs: [f32([1, 1, 4, 3])],
    });
    expect(l!.params).toEqual({
      mode: 'linear',
      coordinateTransformation: 'half_pixel',
      nearestMode: 'round_prefer_floor',
      scales: [1, 1, 2, 1.5],
      cubicCoeffA: -0.75,
      excludeOutside: false,
      extrapolationValue: 0,
      // Given scales: a dynamic engine sizes the output from the input's size.
      followScales: true,
    });
  });

  it('sizes: scales are out/in; keep_aspect_ratio_policy uses one scale for the given axes', () => {
    const sized = emitted({ op: 'Resize', opset: 13, inputs: [x, null, null, i64([1, 1, 7, 8])], outputs: [f32([1, 1, 7, 8])] })[0]!.params;
    expect(sized).toMatchObject({ scales: [1, 1, 3.5, 4] });
    // Given sizes fix the output: it does not follow the input.
    expect(sized).not.toHaveProperty('followScales');
    // not_larger: min(7/2, 8/2) = 3.5 for both axes, out round(3.5 * 2) = 7
    const [l] = emitted({
      op: 'Resize',
      opset: 19,
      attrs: { axes: [2, 3], keep_aspect_ratio_policy: 'not_larger' },
      inputs: [x, null, null, i64([7, 8])],
      outputs: [f32([1, 1, 7, 7])],
    });
    expect(l!.params).toMatchObject({ scales: [1, 1, 3.5, 3.5] });
  });

  it('an empty sizes (or scales) input counts as absent, as exporters write them', () => {
    const empty = { dtype: 'int64' as const, dims: [0], data: new BigInt64Array(0) };
    expect(
      emitted({ op: 'Resize', opset: 11, inputs: [x, f32([0]), scalesF([1, 1, 2, 2]), empty], outputs: [f32([1, 1, 4, 4])] })[0]!.params,
    ).toMatchObject({ scales: [1, 1, 2, 2] });
    expect(
      emitted({ op: 'Resize', opset: 11, inputs: [x, f32([0]), scalesF([]), i64([1, 1, 3, 3])], outputs: [f32([1, 1, 3, 3])] })[0]!.params,
    ).toMatchObject({ scales: [1, 1, 1.5, 1.5] });
  });

  it('takes its output shape from inference: scale 1.16 on width 25 gives 29, as onnxruntime (it computed 28 and fell back)', async () => {
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [1, 1, 4, 25] }],
        outputs: [{ name: 'y' }],
        initializers: {
          roi: { dtype: 'float32', dims: [0], data: new Float32Array(0) },
          scales: { dtype: 'float32', dims: [4], data: Float32Array.of(1, 1, 1, 1.16) },
        },
        nodes: [{ op: 'Resize', inputs: ['x', 'roi', 'scales'], outputs: ['y'], attrs: { mode: 'linear' } }],
      }),
    );
    const m = await compile(model, { backend: 'cpu', minBlockSize: 0, threads: 1 });
    try {
      expect(m.report.data.summary.engineNodes).toBe(1);
      const feed = new ort.Tensor(
        'float32',
        Float32Array.from({ length: 100 }, (_, i) => Math.sin(i)),
        [1, 1, 4, 25],
      );
      const got = (await m.run({ x: feed })).y!;
      const session = await ort.InferenceSession.create(model);
      const want = (await session.run({ x: feed })).y!;
      await session.release();
      expect(got.dims).toEqual([1, 1, 4, 29]);
      expect(want.dims).toEqual([1, 1, 4, 29]);
      // 1e-5 relative: a linear resize of the same taps.
      (want.data as Float32Array).forEach((v, i) =>
        expect(Math.abs((got.data as Float32Array)[i]! - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))),
      );
    } finally {
      await m.dispose();
    }
  });

  it('Resize-10: asymmetric coordinates, nearest rounds down when upsampling', () => {
    expect(emitted({ op: 'Resize', opset: 10, inputs: [x, scalesF([1, 1, 2, 2])], outputs: [f32([1, 1, 4, 4])] })[0]!.params).toMatchObject({
      mode: 'nearest',
      coordinateTransformation: 'asymmetric',
      nearestMode: 'floor',
    });
  });

  it('rejects what the layer does not cover, saying what to use', () => {
    expect(
      verdict({
        op: 'Resize',
        opset: 19,
        attrs: { mode: 'cubic', antialias: 1 },
        inputs: [f32([1, 1, 4, 4]), null, scalesF([1, 1, 0.5, 0.5])],
        outputs: [f32([1, 1, 2, 2])],
      }),
    ).toEqual({
      ok: false,
      reason: "Resize: mode 'cubic' with antialias=1 downscales through an antialiasing filter, which is not supported; use antialias=0",
    });
    // antialias has no effect when nothing is downscaled
    expect(
      verdict({
        op: 'Resize',
        opset: 19,
        attrs: { mode: 'linear', antialias: 1 },
        inputs: [x, null, scalesF([1, 1, 2, 2])],
        outputs: [f32([1, 1, 4, 4])],
      }).ok,
    ).toBe(true);
    expect(
      verdict({
        op: 'Resize',
        opset: 13,
        attrs: { coordinate_transformation_mode: 'tf_crop_and_resize' },
        inputs: [x, f32([8]), null, i64([1, 1, 3, 3])],
        outputs: [f32([1, 1, 3, 3])],
      }),
    ).toEqual({
      ok: false,
      reason: "Resize: coordinate_transformation_mode 'tf_crop_and_resize' is not supported; use 'half_pixel' or 'align_corners'",
    });
    expect(verdict({ op: 'Resize', opset: 13, inputs: [x, null, ['float32', [4]]], outputs: [f32([1, 1, 4, 4])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("scales (input 'in2') is computed at run time"),
    });
  });

  for (const [label, opset, attrs, size] of [
    ['cubic, A=-0.5, exclude_outside, sizes', 13, { mode: 'cubic', cubic_coeff_a: -0.5, exclude_outside: 1 }, [1, 2, 7, 9]],
    ['linear pytorch_half_pixel downscale', 13, { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }, [1, 2, 3, 1]],
    [
      'nearest tf_half_pixel_for_nn round_prefer_ceil',
      13,
      { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn', nearest_mode: 'round_prefer_ceil' },
      [1, 2, 9, 7],
    ],
    ['linear half_pixel_symmetric', 19, { mode: 'linear', coordinate_transformation_mode: 'half_pixel_symmetric' }, [1, 2, 9, 3]],
    ['linear align_corners upscale', 13, { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, [1, 2, 8, 11]],
  ] as const) {
    it(`${label} computes what onnxruntime computes`, async () => {
      await checkAgainstOrt({
        spec: {
          opset,
          inputs: [{ name: 'x', shape: [1, 2, 5, 4] }],
          outputs: [{ name: 'y' }],
          initializers: { sizes: i64([...size]) },
          nodes: [{ op: 'Resize', inputs: ['x', '', '', 'sizes'], outputs: ['y'], attrs: { ...attrs } }],
        },
        feeds: { x: random('float32', [1, 2, 5, 4], 12) },
      });
    });
  }

  it('Resize-10 nearest upsampling computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 10,
        inputs: [{ name: 'x', shape: [1, 1, 3, 2] }],
        outputs: [{ name: 'y' }],
        initializers: { s: scalesF([1, 1, 2.5, 3]) },
        nodes: [{ op: 'Resize', inputs: ['x', 's'], outputs: ['y'] }],
      },
      feeds: { x: random('float32', [1, 1, 3, 2], 13) },
    });
  });
});
