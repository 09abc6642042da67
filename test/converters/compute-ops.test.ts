/**
 * Normalizations, softmax, reductions, matrix products and Resize: resolved params and
 * lowerings worked out by hand from the ONNX spec, validate's reasons, and numerics against
 * onnxruntime for forms the conformance tests miss (legacy softmax, run-time BatchNorm
 * parameters, LayerNorm statistics outputs, Resize modes).
 */
import ort from 'onnxruntime-node';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, convertGraph, emitted, oneNode, random, tensor, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('BatchNormalization', () => {
  it('folds constant parameters into a = scale/sqrt(var+eps), b = B - mean*a', () => {
    const g = oneNode({
      op: 'BatchNormalization',
      opset: 15,
      attrs: { epsilon: { float: 1 } },
      inputs: [
        f32([1, 2, 3, 3]),
        tensor('float32', [2], [2, 1]),
        tensor('float32', [2], [0.5, -1]),
        tensor('float32', [2], [1, 0]),
        tensor('float32', [2], [3, 0.25]),
      ],
      outputs: [f32([1, 2, 3, 3])],
    });
    const net = convertGraph(g);
    const consts = Object.fromEntries(
      net.layers.filter((l) => l.kind === 'constant').map((l) => [l.name, l.kind === 'constant' ? Array.from(l.weights as Float32Array) : []]),
    );
    // a = [2/sqrt(4), 1/sqrt(1.25)], b = [0.5 - 1*1, -1 - 0]
    expect(consts['n/a']).toEqual([1, Math.fround(1 / Math.sqrt(1.25))]);
    expect(consts['n/b']).toEqual([-0.5, -1]);
    expect(net.tensors[net.layers.find((l) => l.name === 'n/a')!.outputs[0]!]!.shape).toEqual([2, 1, 1]);
    expect(net.layers.filter((l) => l.kind !== 'constant').map((l) => l.kind === 'elementwise' && l.params.op)).toEqual(['mul', 'add']);
  });

  it('refuses training mode', () => {
    const p = tensor('float32', [2], [1, 1]);
    expect(
      verdict({ op: 'BatchNormalization', opset: 15, attrs: { training_mode: 1 }, inputs: [f32([1, 2, 3]), p, p, p, p], outputs: [f32([1, 2, 3])] }),
    ).toEqual({
      ok: false,
      reason: 'BatchNormalization: training_mode=1 computes batch statistics; export the model in inference (eval) mode',
    });
  });

  it('with run-time parameters computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 15,
        inputs: ['x', 's', 'b', 'm', 'v'].map((name) => ({ name, shape: name === 'x' ? [2, 3, 4] : [3] })),
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y'], attrs: { epsilon: { float: 0.01 } } }],
      },
      feeds: {
        x: random('float32', [2, 3, 4], 1),
        s: random('float32', [3], 2),
        b: random('float32', [3], 3),
        m: random('float32', [3], 4),
        v: random('float32', [3], 5, 0.1, 2),
      },
    });
  });
});

describe('LayerNormalization and InstanceNormalization', () => {
  it('LayerNorm: scale broadcast to x.shape[axis:], one normalization layer', () => {
    const layers = emitted({
      op: 'LayerNormalization',
      opset: 17,
      attrs: { axis: 1 },
      inputs: [f32([2, 3, 5]), f32([5]), f32([3, 5])],
      outputs: [f32([2, 3, 5])],
    });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [1, 5] }],
      ['slice', { starts: [0, 0], steps: [0, 1] }],
      ['normalization', { mode: 'layer', axis: 1, epsilon: 1e-5, groups: 1 }],
    ]);
  });

  it('LayerNorm with Mean and InvStdDev outputs computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 17,
        inputs: [{ name: 'x', shape: [2, 3, 4] }],
        outputs: [{ name: 'y' }, { name: 'mean' }, { name: 'inv' }],
        initializers: { w: random('float32', [3, 4], 1), b: random('float32', [4], 2) },
        nodes: [{ op: 'LayerNormalization', inputs: ['x', 'w', 'b'], outputs: ['y', 'mean', 'inv'], attrs: { axis: -2, epsilon: { float: 0.1 } } }],
      },
      feeds: { x: random('float32', [2, 3, 4], 3) },
    });
  });

  it('InstanceNorm is a normalization layer in instance mode', () => {
    expect(
      emitted({ op: 'InstanceNormalization', opset: 6, inputs: [f32([1, 2, 3]), f32([2]), f32([2])], outputs: [f32([1, 2, 3])] })[0]!.params,
    ).toEqual({
      mode: 'instance',
      axis: 1,
      epsilon: 1e-5,
      groups: 1,
    });
  });
});

describe('Softmax and LogSoftmax', () => {
  it('opset 13: one layer along the resolved axis', () => {
    expect(emitted({ op: 'Softmax', opset: 13, attrs: { axis: -2 }, inputs: [f32([2, 3, 4])], outputs: [f32([2, 3, 4])] })[0]!.params).toEqual({
      axis: 1,
      log: false,
    });
  });

  it('before 13: coerced to 2-D by shuffles around the softmax, unless the trailing dims are 1', () => {
    const layers = emitted({ op: 'Softmax', opset: 11, inputs: [f32([2, 3, 4])], outputs: [f32([2, 3, 4])] });
    // default axis 1: [2, 3*4], with the leading dims relative (-1) so that a dynamic batch holds
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [-1, 12], zeroIsPlaceholder: true }],
      ['softmax', { axis: 1, log: false }],
      ['shuffle', { reshape: [-1, 3, 4], zeroIsPlaceholder: true }],
    ]);
    expect(
      emitted({ op: 'LogSoftmax', opset: 11, attrs: { axis: 1 }, inputs: [f32([2, 3, 1])], outputs: [f32([2, 3, 1])] }).map((l) => l.params),
    ).toEqual([{ axis: 1, log: true }]);
  });

  for (const [op, axis] of [
    ['Softmax', 1],
    ['LogSoftmax', 0],
  ] as const) {
    it(`${op}-11 axis ${axis} computes what onnxruntime computes`, async () => {
      await checkAgainstOrt({
        spec: {
          opset: 11,
          inputs: [{ name: 'x', shape: [2, 3, 4] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs: { axis } }],
        },
        feeds: { x: random('float32', [2, 3, 4], 8, -5, 5) },
      });
    });
  }
});

describe('reductions', () => {
  it('axes from the attribute or the constant input, sorted and resolved', () => {
    expect(
      emitted({ op: 'ReduceMean', opset: 13, attrs: { axes: [-1, 0], keepdims: 0 }, inputs: [f32([2, 3, 4])], outputs: [f32([3])] })[0]!.params,
    ).toEqual({
      op: 'mean',
      axes: [0, 2],
      keepDims: false,
    });
    expect(emitted({ op: 'ReduceSum', opset: 13, inputs: [f32([2, 3]), i64([-1])], outputs: [f32([2, 1])] })[0]!.params).toEqual({
      op: 'sum',
      axes: [1],
      keepDims: true,
    });
    // no axes: all of them, unless noop_with_empty_axes
    expect(emitted({ op: 'ReduceMax', opset: 18, inputs: [f32([2, 3])], outputs: [f32([1, 1])] })[0]!.params).toEqual({
      op: 'max',
      axes: [0, 1],
      keepDims: true,
    });
    expect(
      emitted({ op: 'ReduceSum', opset: 13, attrs: { noop_with_empty_axes: 1 }, inputs: [f32([2, 3])], outputs: [f32([2, 3])] }).map((l) => l.name),
    ).toEqual(['out0/copy']);
    expect(verdict({ op: 'ReduceMean', opset: 18, inputs: [f32([2, 3]), ['int64', [1]]], outputs: [f32([2, 1])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("axes (input 'in1') is computed at run time"),
    });
  });
});

describe('Gemm and MatMul', () => {
  it('Gemm: transposes and alpha kept, beta 0 without C', () => {
    expect(
      emitted({ op: 'Gemm', opset: 13, attrs: { transB: 1, alpha: { float: 0.5 } }, inputs: [f32([3, 4]), f32([5, 4])], outputs: [f32([3, 5])] })[0]!
        .params,
    ).toEqual({
      transA: false,
      transB: true,
      alpha: 0.5,
      beta: 0,
    });
    expect(verdict({ op: 'Gemm', opset: 13, inputs: [f32([2, 3, 4]), f32([4, 5])], outputs: [f32([3, 5])] })).toEqual({
      ok: false,
      reason: 'Gemm: A [2,3,4] and B [4,5] must be matrices',
    });
  });

  it('MatMul: a plain product, numpy ranks', () => {
    // [4] @ [2,4,1]: the rank-1 a is a row, dropped from the output: [2,1]
    expect(emitted({ op: 'MatMul', opset: 13, inputs: [f32([4]), f32([2, 4, 1])], outputs: [f32([2, 1])] })).toEqual([
      expect.objectContaining({ kind: 'matmul', params: { transA: false, transB: false, alpha: 1, beta: 0 }, inputs: [0, 1] }),
    ]);
    expect(verdict({ op: 'MatMul', opset: 13, inputs: [f32([2, 3]), f32([4, 5])], outputs: [f32([2, 5])] })).toEqual({
      ok: false,
      reason: 'MatMul: inner dimensions differ: A [2,3], B [4,5]',
    });
  });

  it('Gemm with a broadcast C and MatMul with a batch broadcast compute what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [{ name: 'a', shape: [4, 3] }],
        outputs: [{ name: 'y' }],
        initializers: { b: random('float32', [5, 4], 1), c: random('float32', [5], 2) },
        nodes: [{ op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs: { transA: 1, transB: 1, alpha: 0.25, beta: 0.35 } }],
      },
      feeds: { a: random('float32', [4, 3], 3) },
    });
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [
          { name: 'a', shape: [2, 1, 3, 4] },
          { name: 'b', shape: [3, 4, 2] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
      },
      feeds: { a: random('float32', [2, 1, 3, 4], 4), b: random('float32', [3, 4, 2], 5) },
    });
  });
});

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
