/**
 * Convolution and deconvolution on the cpu backend against onnxruntime (Conv,
 * ConvTranspose): 1 to 3 spatial dims, groups, depthwise, dilations, strides, asymmetric
 * pads, bias, fused activations, weights as constants or as fed inputs, and sizes that
 * cross the SGEMM's register tiles and cache blocks. Tolerance: see helpers/compare.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

interface Geo {
  kernel: number[];
  strides?: number[];
  pads?: number[]; // ONNX order: begins then ends
  dilations?: number[];
  groups?: number;
}

function onnxAttrs(g: Geo) {
  const sp = g.kernel.length;
  return {
    kernel_shape: g.kernel,
    strides: g.strides ?? Array(sp).fill(1),
    pads: g.pads ?? Array(2 * sp).fill(0),
    dilations: g.dilations ?? Array(sp).fill(1),
    group: g.groups ?? 1,
  };
}

function layerParams(g: Geo) {
  const a = onnxAttrs(g);
  const sp = g.kernel.length;
  return {
    kernel: g.kernel,
    strides: a.strides,
    padsBegin: a.pads.slice(0, sp),
    padsEnd: a.pads.slice(sp),
    dilations: a.dilations,
    groups: a.group,
  };
}

async function conv(x: number[], m: number, g: Geo, opts: { bias?: boolean; fedWeights?: boolean; seed?: number } = {}) {
  const seed = opts.seed ?? 1;
  const cg = x[1]! / (g.groups ?? 1);
  const inputs = [randomFloat(x, seed), randomFloat([m, cg, ...g.kernel], seed + 1)];
  if (opts.bias) inputs.push(randomFloat([m], seed + 2));
  await checkLayer({
    op: 'Conv',
    attrs: onnxAttrs(g),
    inputs,
    constants: opts.fedWeights ? [] : inputs.map((_, i) => i).slice(1),
    kind: 'convolution',
    params: layerParams(g),
  });
}

describe('convolution', () => {
  it('3x3, pad 1, with bias', () => conv([1, 4, 9, 7], 8, { kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true }));
  it('1x1 (plain GEMM) with bias, batch 2', () => conv([2, 16, 5, 6], 24, { kernel: [1, 1] }, { bias: true }));
  it('1x1 with an end pad is not a plain GEMM', () => conv([1, 3, 4, 4], 5, { kernel: [1, 1], pads: [0, 0, 1, 2] }));
  it('stride 2, dilation 2, asymmetric pads', () =>
    conv([1, 3, 13, 11], 7, { kernel: [3, 2], strides: [2, 3], dilations: [2, 2], pads: [0, 1, 2, 1] }, { bias: true }));
  it('groups 2', () => conv([2, 6, 8, 8], 4, { kernel: [3, 3], groups: 2, pads: [1, 1, 1, 1] }, { bias: true }));
  it('depthwise (groups = channels) and channel multiplier 2', async () => {
    await conv([1, 8, 10, 10], 8, { kernel: [3, 3], groups: 8, pads: [1, 1, 1, 1], strides: [2, 2] }, { bias: true });
    await conv([1, 4, 7, 9], 8, { kernel: [5, 3], groups: 4, pads: [2, 1, 2, 1], dilations: [1, 2] });
  });
  it('1D and 3D', async () => {
    await conv([2, 3, 17], 5, { kernel: [4], strides: [2], pads: [1, 2] }, { bias: true });
    await conv([1, 2, 5, 6, 7], 3, { kernel: [2, 3, 2], strides: [1, 2, 1], pads: [1, 0, 1, 0, 1, 1], dilations: [2, 1, 1] }, { bias: true });
  });
  it('one input channel, many outputs, a long strided kernel (an STFT as a convolution, as openWakeWord writes it)', () =>
    conv([1, 1, 4000], 65, { kernel: [128], strides: [40] }, { bias: true, seed: 21 }));
  it('strides 2 with "same" widths (patches packed from the input split into its phases): batch 2, groups, a 1x1 downsample, a 7x7 stem', async () => {
    await conv([2, 12, 17, 18], 10, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], groups: 2 }, { bias: true, seed: 31 });
    await conv([2, 40, 16, 16], 48, { kernel: [1, 1], strides: [2, 2] }, { seed: 33 });
    await conv([1, 3, 33, 30], 16, { kernel: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3] }, { bias: true, seed: 35 });
  });
  it('outputs a column or two narrower than the input (valid 3x3, valid 3x3/2): the product computed as wide as the input, rows copied out', async () => {
    await conv([2, 40, 17, 19], 36, { kernel: [3, 3], groups: 2 }, { bias: true, seed: 37 });
    await conv([1, 24, 21, 21], 40, { kernel: [3, 3], strides: [2, 2] }, { bias: true, seed: 39 });
    await conv([1, 16, 12, 35], 8, { kernel: [3, 3], strides: [2, 2], pads: [1, 0, 0, 0] }, { seed: 41 });
    const inputs = [randomFloat([1, 12, 15, 15], 43), randomFloat([20, 12, 3, 3], 44), randomFloat([20], 45)];
    const g = { kernel: [3, 3], strides: [2, 2] };
    await checkLayer({
      op: 'Conv',
      attrs: onnxAttrs(g),
      inputs,
      constants: [1, 2],
      kind: 'convolution',
      then: [{ op: 'Relu' }],
      params: { ...layerParams(g), activation: { op: 'relu' } },
    });
  });
  it('a residual input on that path is added after the bias: the bits of adding it to the output', async () => {
    const x = randomFloat([1, 12, 11, 13], 46).data as Float32Array;
    const w = randomFloat([16, 12, 3, 3], 47).data as Float32Array;
    const bias = randomFloat([16], 48).data as Float32Array;
    const z = randomFloat([1, 16, 9, 11], 49).data as Float32Array;
    const run = async (withZ: boolean) => {
      const d = new NetDraft('narrow_residual');
      const inputs = [
        d.input('x', 'float32', [1, 12, 11, 13]),
        d.constant('w', 'float32', [16, 12, 3, 3], w),
        d.constant('b', 'float32', [16], bias),
      ];
      if (withZ) inputs.push(d.input('z', 'float32', [1, 16, 9, 11]));
      const params = { ...layerParams({ kernel: [3, 3] }), ...(withZ ? { residual: true } : {}) };
      const [y] = d.layer('convolution', 'conv', inputs, params, [{ dtype: 'float32', shape: [1, 16, 9, 11] }]);
      d.output(y!);
      const e = await buildEngine(d.finish(), { backend: 'cpu' });
      try {
        return (await e.createContext().run(withZ ? [x, z] : [x]))[0] as Float32Array;
      } finally {
        e.dispose();
      }
    };
    const plain = await run(false);
    const fused = await run(true);
    expect(Array.from(fused)).toEqual(Array.from(plain, (v, i) => Math.fround(v + z[i]!)));
  });
  it('weights and bias fed at run time instead of constants', () =>
    conv([1, 4, 6, 6], 6, { kernel: [3, 3], groups: 2 }, { bias: true, fedWeights: true }));
  it('crosses SGEMM blocks: K > 256, M > 144, N not a multiple of 16', () =>
    conv([1, 64, 15, 13], 160, { kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 5 }));
  it('unrolls the input in several column blocks when the patches are large', () => conv([1, 64, 66, 66], 8, { kernel: [3, 3] }, { seed: 9 }));
  it('fused relu, leaky_relu and clip activations', async () => {
    const inputs = [randomFloat([1, 3, 6, 6], 3), randomFloat([4, 3, 3, 3], 4), randomFloat([4], 5)];
    const base = { op: 'Conv', attrs: onnxAttrs({ kernel: [3, 3] }), inputs, constants: [1, 2], kind: 'convolution' as const };
    const p = layerParams({ kernel: [3, 3] });
    await checkLayer({ ...base, then: [{ op: 'Relu' }], params: { ...p, activation: { op: 'relu' } } });
    await checkLayer({ ...base, then: [{ op: 'LeakyRelu', attrs: { alpha: 0.2 } }], params: { ...p, activation: { op: 'leaky_relu', alpha: 0.2 } } });
    await checkLayer({
      ...base,
      then: [{ op: 'Clip' }],
      onnxInputs: ['x0', 'x1', 'x2'],
      params: { ...p, activation: { op: 'clip', min: -Infinity, max: Infinity } },
    });
  });
  it('1x1 over few input channels (the shallow product: input read in place, tiles finished as stored)', async () => {
    const g = { kernel: [1, 1] };
    const base = { op: 'Conv', attrs: onnxAttrs(g), constants: [1, 2], kind: 'convolution' as const };
    const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: new Float32Array([v]) });
    // Clip's two bounds met; 20 outputs (a partial panel of rows), 99 positions (a partial strip), batch 2.
    await checkLayer({
      ...base,
      inputs: [randomFloat([2, 16, 9, 11], 70), randomFloat([20, 16, 1, 1], 71), randomFloat([20], 72)],
      then: [{ op: 'Clip', extraInputs: ['lo', 'hi'] }],
      onnxExtra: { lo: scalar(-0.25), hi: scalar(0.5) },
      params: { ...layerParams(g), activation: { op: 'clip', min: -0.25, max: 0.5 } },
    });
    // A residual added after the bias, then Relu.
    await checkLayer({
      ...base,
      inputs: [randomFloat([1, 24, 8, 12], 73), randomFloat([40, 24, 1, 1], 74), randomFloat([40], 75), randomFloat([1, 40, 8, 12], 76)],
      onnxInputs: ['x0', 'x1', 'x2'],
      then: [{ op: 'Add', extraInputs: ['x3'] }, { op: 'Relu' }],
      params: { ...layerParams(g), residual: true, activation: { op: 'relu' } },
    });
    // Input rows 4 KiB apart (a 16 x 64 plane), 100 of them: each strip copied together first.
    await checkLayer({
      ...base,
      inputs: [randomFloat([1, 100, 16, 64], 80), randomFloat([20, 100, 1, 1], 81), randomFloat([20], 82)],
      params: layerParams(g),
    });
    // Groups (16 channels each), Relu; then HardSwish, which keeps the blocked product.
    const g2 = { kernel: [1, 1], groups: 2 };
    for (const [onnx, op] of [
      ['Relu', 'relu'],
      ['HardSwish', 'hard_swish'],
    ]) {
      await checkLayer({
        ...base,
        attrs: onnxAttrs(g2),
        inputs: [randomFloat([1, 32, 7, 9], 77, -3, 3), randomFloat([24, 16, 1, 1], 78), randomFloat([24], 79)],
        then: [{ op: onnx! }],
        params: { ...layerParams(g2), activation: { op: op! } },
      });
    }
  });
  // 161 to 256 input channels take the shallow product too where there are at most 128 outputs
  // (cpu/sgemm.h kShallowFewK, kShallowFewM: squeezenet1_1's squeeze layers): K at the bound
  // (one packed slice of A), a partial strip and panel, a residual, rows that collide in L1 (the
  // strip copied first, 256 rows), batch 2, 1 and 2 threads; K 300 past the bound keeps the
  // blocked product.
  it('1x1 over 161 to 256 channels into at most 128 (the shallow product): K at the bound, tails, 1 and 2 threads', async () => {
    const g = { kernel: [1, 1] };
    const base = { op: 'Conv', attrs: onnxAttrs(g), constants: [1, 2], kind: 'convolution' as const };
    for (const threads of [1, 2]) {
      await checkLayer({
        ...base,
        inputs: [randomFloat([2, 256, 15, 15], 90), randomFloat([44, 256, 1, 1], 91, -0.1, 0.1), randomFloat([44], 92)],
        then: [{ op: 'Relu' }],
        params: { ...layerParams(g), activation: { op: 'relu' } },
        threads,
      });
      await checkLayer({
        ...base,
        inputs: [
          randomFloat([1, 200, 7, 7], 93),
          randomFloat([128, 200, 1, 1], 94, -0.1, 0.1),
          randomFloat([128], 95),
          randomFloat([1, 128, 7, 7], 96),
        ],
        onnxInputs: ['x0', 'x1', 'x2'],
        then: [{ op: 'Add', extraInputs: ['x3'] }, { op: 'Relu' }],
        params: { ...layerParams(g), residual: true, activation: { op: 'relu' } },
        threads,
      });
      await checkLayer({
        ...base,
        inputs: [randomFloat([1, 256, 16, 64], 97), randomFloat([24, 256, 1, 1], 98, -0.1, 0.1), randomFloat([24], 99)],
        params: layerParams(g),
        threads,
      });
      await checkLayer({
        ...base,
        inputs: [randomFloat([1, 300, 9, 9], 100), randomFloat([32, 300, 1, 1], 101, -0.1, 0.1), randomFloat([32], 102)],
        params: layerParams(g),
        threads,
      });
    }
  });
  // Shallow products over at most 4 strips of 32 positions (8 x 8 or 4 x 4: late MobileNet
  // layers) cut each strip's rows into blocks among the threads (cpu/sgemm_shallow.cc):
  // mobilenet_v2's 96 -> 576 over 8 x 8 with Clip, batch 2; a partial strip and a partial panel
  // of rows in the last block, a residual; rows that collide in L1 (a 8 x 16 plane: each
  // unit copies its strip first); 1 and 2 threads.
  it('1x1 over few positions (the shallow product, rows in blocks among threads): tails, residual, 1 and 2 threads', async () => {
    const g = { kernel: [1, 1] };
    const base = { op: 'Conv', attrs: onnxAttrs(g), constants: [1, 2], kind: 'convolution' as const };
    const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: new Float32Array([v]) });
    for (const threads of [1, 2]) {
      await checkLayer({
        ...base,
        inputs: [randomFloat([2, 96, 8, 8], 120), randomFloat([576, 96, 1, 1], 121, -0.2, 0.2), randomFloat([576], 122)],
        then: [{ op: 'Clip', extraInputs: ['lo', 'hi'] }],
        onnxExtra: { lo: scalar(0), hi: scalar(6) },
        params: { ...layerParams(g), activation: { op: 'clip', min: 0, max: 6 } },
        threads,
      });
      await checkLayer({
        ...base,
        inputs: [
          randomFloat([1, 160, 5, 7], 123),
          randomFloat([100, 160, 1, 1], 124, -0.1, 0.1),
          randomFloat([100], 125),
          randomFloat([1, 100, 5, 7], 126),
        ],
        onnxInputs: ['x0', 'x1', 'x2'],
        then: [{ op: 'Add', extraInputs: ['x3'] }, { op: 'Relu' }],
        params: { ...layerParams(g), residual: true, activation: { op: 'relu' } },
        threads,
      });
      await checkLayer({
        ...base,
        inputs: [randomFloat([1, 96, 8, 16], 127), randomFloat([64, 96, 1, 1], 128, -0.2, 0.2), randomFloat([64], 129)],
        params: layerParams(g),
        threads,
      });
    }
  });
  it('3-channel stems (the shallow product from packed patches): 3x3/2 with Clip, batch 2; 7x7/2 with HardSwish (the blocked product)', async () => {
    const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: new Float32Array([v]) });
    const g = { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] };
    await checkLayer({
      op: 'Conv',
      attrs: onnxAttrs(g),
      inputs: [randomFloat([2, 3, 20, 22], 83), randomFloat([20, 3, 3, 3], 84), randomFloat([20], 85)],
      constants: [1, 2],
      kind: 'convolution',
      then: [{ op: 'Clip', extraInputs: ['lo', 'hi'] }],
      onnxExtra: { lo: scalar(0), hi: scalar(1) },
      params: { ...layerParams(g), activation: { op: 'clip', min: 0, max: 1 } },
    });
    const g7 = { kernel: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3] };
    await checkLayer({
      op: 'Conv',
      attrs: onnxAttrs(g7),
      inputs: [randomFloat([1, 3, 30, 26], 86), randomFloat([12, 3, 7, 7], 87, -0.3, 0.3), randomFloat([12], 88)],
      constants: [1, 2],
      kind: 'convolution',
      then: [{ op: 'HardSwish' }],
      params: { ...layerParams(g7), activation: { op: 'hard_swish' } },
    });
  });
  it('fewer positions than a tile has columns (the transposed product): bias and activation per finished tile', async () => {
    const cases = [
      { x: [2, 48, 4, 4], m: 80, g: { kernel: [1, 1] } },
      { x: [1, 40, 4, 5], m: 96, g: { kernel: [3, 3], pads: [1, 1, 1, 1] } },
    ];
    for (const [i, c] of cases.entries()) {
      const inputs = [randomFloat(c.x, 40 + i), randomFloat([c.m, c.x[1]!, ...c.g.kernel], 50 + i), randomFloat([c.m], 60 + i)];
      await checkLayer({
        op: 'Conv',
        attrs: onnxAttrs(c.g),
        inputs,
        constants: [1, 2],
        kind: 'convolution',
        then: [{ op: 'Relu' }],
        params: { ...layerParams(c.g), activation: { op: 'relu' } },
      });
    }
  });
  // A 1x1/s without pads (ResNet's downsamples) copies every s-th input row and column, then runs
  // as a 1x1 product over the copy (cpu/conv.cc subsampled_): odd input sizes, batch 2, a residual.
  it('1x1/2 without pads (the subsampled input): odd sizes, batch 2, a residual, 1 and 2 threads', async () => {
    const g = { kernel: [1, 1], strides: [2, 2] };
    for (const threads of [1, 2]) {
      await checkLayer({
        op: 'Conv',
        attrs: onnxAttrs(g),
        inputs: [
          randomFloat([2, 200, 13, 11], 80),
          randomFloat([70, 200, 1, 1], 81, -0.2, 0.2),
          randomFloat([70], 82),
          randomFloat([2, 70, 7, 6], 83),
        ],
        constants: [1, 2],
        onnxInputs: ['x0', 'x1', 'x2'],
        kind: 'convolution',
        then: [{ op: 'Add', extraInputs: ['x3'] }, { op: 'Relu' }],
        params: { ...layerParams(g), activation: { op: 'relu' }, residual: true },
        threads,
      });
    }
  });
  // Trailing pads only (ONNX pads [0, 0, end_h, end_w]): the output has rows past the input's
  // subsampled ones, which the subsampled copy does not hold (it read past the input and wrote
  // past its workspace: NaNs, wrong sums, a heap overrun); such layers keep the phases.
  it('1x1/s with trailing pads only: rows past the input stay zero-padded, 1 and 2 threads', async () => {
    for (const [x, m, strides, pads] of [
      [[1, 200, 4, 4], 32, [2, 2], [0, 0, 1, 0]],
      [[1, 200, 12, 12], 40, [2, 2], [0, 0, 3, 1]],
      [[2, 200, 6, 9], 20, [2, 1], [0, 0, 1, 0]],
      [[1, 200, 2, 8], 20, [2, 2], [0, 0, 10, 0]],
    ] as const) {
      const g = { kernel: [1, 1], strides: [...strides], pads: [...pads] };
      for (const threads of [1, 2]) {
        await checkLayer({
          op: 'Conv',
          attrs: onnxAttrs(g),
          inputs: [randomFloat([...x], 90), randomFloat([m, 200, 1, 1], 91, -0.2, 0.2), randomFloat([m], 92)],
          constants: [1, 2],
          kind: 'convolution',
          params: layerParams(g),
          threads,
        });
      }
    }
  });
  // 1x1 over 32 to 63 positions with 256 or more channels in and out take the transposed product
  // too (cpu/conv.cc: squeezenet's classifier, 49 positions x 1000 channels): rows past a tile of
  // 8 positions, a partial panel of channels, K past a block of 256, batch 2, a residual, 1 and 2
  // threads.
  it('1x1 over 32 to 63 positions, 256+ channels (the transposed product): tails, a residual, 1 and 2 threads', async () => {
    const g = { kernel: [1, 1] };
    for (const threads of [1, 2]) {
      await checkLayer({
        op: 'Conv',
        attrs: onnxAttrs(g),
        inputs: [randomFloat([2, 300, 7, 7], 70), randomFloat([260, 300, 1, 1], 71, -0.2, 0.2), randomFloat([260], 72)],
        constants: [1, 2],
        kind: 'convolution',
        then: [{ op: 'Relu' }],
        params: { ...layerParams(g), activation: { op: 'relu' } },
        threads,
      });
      await checkLayer({
        op: 'Conv',
        attrs: onnxAttrs(g),
        inputs: [
          randomFloat([1, 257, 5, 9], 73),
          randomFloat([256, 257, 1, 1], 74, -0.2, 0.2),
          randomFloat([256], 75),
          randomFloat([1, 256, 5, 9], 76),
        ],
        constants: [1, 2],
        onnxInputs: ['x0', 'x1', 'x2'],
        kind: 'convolution',
        then: [{ op: 'Add', extraInputs: ['x3'] }, { op: 'Relu' }],
        params: { ...layerParams(g), activation: { op: 'relu' }, residual: true },
        threads,
      });
    }
  });
});

async function deconv(x: number[], m: number, g: Geo & { outputPadding?: number[] }, opts: { bias?: boolean; seed?: number } = {}) {
  const seed = opts.seed ?? 11;
  const groups = g.groups ?? 1;
  const inputs = [randomFloat(x, seed), randomFloat([x[1]!, m / groups, ...g.kernel], seed + 1)];
  if (opts.bias) inputs.push(randomFloat([m], seed + 2));
  const sp = g.kernel.length;
  const op = g.outputPadding ?? Array(sp).fill(0);
  await checkLayer({
    op: 'ConvTranspose',
    attrs: { ...onnxAttrs(g), output_padding: op },
    inputs,
    constants: inputs.map((_, i) => i).slice(1),
    kind: 'deconvolution',
    params: { ...layerParams(g), outputPadding: op },
  });
}

describe('deconvolution', () => {
  it('stride 2, pads 1, output padding 1, bias', () =>
    deconv([1, 4, 5, 6], 6, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], outputPadding: [1, 1] }, { bias: true }));
  it('groups 2, dilation 2, asymmetric pads', () =>
    deconv([2, 4, 4, 5], 6, { kernel: [3, 2], groups: 2, dilations: [2, 1], strides: [1, 2], pads: [0, 1, 2, 0] }, { bias: true }));
  it('1D and 3D', async () => {
    await deconv([1, 3, 7], 2, { kernel: [4], strides: [3], pads: [1, 0] }, { bias: true });
    await deconv([1, 2, 3, 4, 3], 4, { kernel: [2, 2, 3], strides: [2, 1, 2], pads: [0, 1, 0, 1, 0, 1] });
  });
  it('many channels (K and M across SGEMM blocks)', () =>
    deconv([1, 40, 6, 6], 48, { kernel: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] }, { bias: true, seed: 3 }));
  it('fused sigmoid', () =>
    checkLayer({
      op: 'ConvTranspose',
      attrs: { kernel_shape: [2, 2], strides: [2, 2] },
      inputs: [randomFloat([1, 2, 3, 3], 7), randomFloat([2, 3, 2, 2], 8)],
      constants: [1],
      then: [{ op: 'Sigmoid' }],
      kind: 'deconvolution',
      params: {
        kernel: [2, 2],
        strides: [2, 2],
        padsBegin: [0, 0],
        padsEnd: [0, 0],
        dilations: [1, 1],
        outputPadding: [0, 0],
        groups: 1,
        activation: { op: 'sigmoid' },
      },
    }));
});
