/**
 * Pooling (max/average; 1 to 3 spatial dims; strides, dilations, asymmetric pads, ceil
 * mode, count_include_pad), reduce (every op, several axis sets, keepDims, int64/int32),
 * softmax/log-softmax and layer/instance/group normalization on the cpu backend against
 * onnxruntime. Tolerance: helpers/compare.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { mulberry32 } from '../../src/util/random.js';
import { NetDraft } from './helpers/net.js';
import { BACKEND, checkLayer } from './helpers/compare.js';
import { pool } from './helpers/pool-layer.js';
import { randomFloat, randomInt, tensor } from './helpers/random.js';

describe('pooling', () => {
  for (const mode of ['max', 'average'] as const) {
    it(`${mode}: 3x3 stride 2 pad 1`, () => pool(mode, [2, 3, 9, 10], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }));
    it(`${mode}: ceil mode with asymmetric pads`, async () => {
      await pool(mode, [1, 2, 10, 7], { kernel: [3, 2], strides: [2, 2], pads: [0, 1, 1, 0], ceil: true });
      await pool(mode, [1, 2, 6, 6], { kernel: [2, 2], strides: [3, 3], ceil: true }, 2);
    });
    it(`${mode}: dilations`, () => pool(mode, [1, 2, 11, 9], { kernel: [2, 3], dilations: [2, 2], strides: [1, 2], pads: [1, 1, 0, 1] }));
    it(`${mode}: 1D and 3D`, async () => {
      await pool(mode, [2, 3, 15], { kernel: [4], strides: [3], pads: [1, 2] });
      await pool(mode, [1, 2, 5, 6, 7], { kernel: [2, 3, 2], strides: [2, 2, 1], pads: [0, 1, 1, 1, 0, 0] });
    });
    it(`${mode}: a global window`, () => pool(mode, [2, 4, 7, 5], { kernel: [7, 5] }));
  }
  // 2-D max pooling with the output as wide as the input (or its stride-2 phases) runs the
  // depthwise convolution's flat masked form (native/cpu/depthwise.cc): planes under, at and
  // over one 16-lane block, GoogLeNet's 3x3/1 pad 1 and ceil-mode 3x3/2, odd sizes, 5x5.
  it('max: the flat masked form (3x3/1 pad 1, ceil-mode 3x3/2, 5x5 pad 2, stride 2 along one axis)', async () => {
    await pool('max', [1, 40, 4, 4], { kernel: [3, 3], pads: [1, 1, 1, 1] }, 3);
    await pool('max', [2, 24, 8, 8], { kernel: [3, 3], pads: [1, 1, 1, 1] }, 4);
    await pool('max', [1, 6, 13, 17], { kernel: [3, 3], pads: [1, 1, 1, 1] }, 5);
    await pool('max', [1, 16, 14, 14], { kernel: [3, 3], strides: [2, 2], ceil: true }, 6);
    await pool('max', [1, 8, 7, 9], { kernel: [3, 3], strides: [2, 2], ceil: true }, 7);
    await pool('max', [1, 4, 64, 64], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 8);
    await pool('max', [1, 5, 9, 11], { kernel: [5, 5], pads: [2, 2, 2, 2] }, 9);
    await pool('max', [1, 5, 9, 11], { kernel: [3, 3], strides: [2, 1], pads: [1, 1, 1, 1] }, 10);
  });
  // Average pooling of those geometries runs the same flat form with unit weights, then each
  // output's divisor: Inception's 3x3/1 pad 1 (with and without the pads counted), DenseNet's
  // 2x2/2, a ceil-mode window overhanging the end, batch 2 over one 16-lane block.
  it('average: the flat masked form (3x3/1 pad 1 counting pads or not, 2x2/2, ceil-mode 3x3/2, 5x5 pad 2)', async () => {
    await pool('average', [1, 40, 4, 4], { kernel: [3, 3], pads: [1, 1, 1, 1], includePad: true }, 13);
    await pool('average', [2, 24, 8, 8], { kernel: [3, 3], pads: [1, 1, 1, 1] }, 14);
    await pool('average', [1, 6, 13, 17], { kernel: [3, 3], pads: [1, 1, 1, 1], includePad: true }, 15);
    await pool('average', [1, 16, 14, 14], { kernel: [2, 2], strides: [2, 2] }, 16);
    await pool('average', [1, 8, 7, 9], { kernel: [3, 3], strides: [2, 2], ceil: true, includePad: true }, 17);
    await pool('average', [1, 5, 9, 11], { kernel: [5, 5], pads: [2, 2, 2, 2] }, 18);
  });
  // Outputs narrower than the input's phases are computed as wide as them and their rows copied
  // out: 'valid' windows (SqueezeNet's and Inception's 3x3/2, a 3x3/1 average behind a Pad layer)
  // and ceil mode one column short of the phases.
  it('max and average: the flat form over planes wider than the output (valid 3x3/2 and 3x3/1, ceil mode one short)', async () => {
    for (const mode of ['max', 'average'] as const) {
      await pool(mode, [1, 8, 15, 15], { kernel: [3, 3], strides: [2, 2], ceil: true, includePad: true }, 19);
      await pool(mode, [1, 8, 15, 15], { kernel: [3, 3], strides: [2, 2], ceil: true }, 20);
      await pool(mode, [1, 6, 11, 12], { kernel: [3, 3], strides: [2, 2] }, 21);
      await pool(mode, [2, 4, 9, 10], { kernel: [3, 3] }, 22);
      await pool(mode, [1, 5, 17, 17], { kernel: [3, 3], pads: [0, 0, 1, 0] }, 23);
    }
  });
  it('max: -Infinity stays a value (as onnxruntime), and a NaN in a window is the result (a JavaScript reference: onnxruntime skips NaN)', async () => {
    const kernel = [3, 3],
      strides = [2, 2],
      pads = [1, 1, 1, 1];
    const params = { mode: 'max', kernel, strides, padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1], ceilMode: false, countIncludePad: false };
    const x = randomFloat([1, 2, 9, 8], 5);
    const data = x.data as Float32Array;
    for (let i = 0; i < data.length; i += 5) data[i] = -Infinity;
    await checkLayer({ op: 'MaxPool', attrs: { kernel_shape: kernel, strides, pads }, inputs: [x], kind: 'pooling', params });
    // NaN: the backend's max pooling (on cpu, the separable 2-D path) against a direct
    // reference over the same windows, over widths, kernels, strides, pads and ceil mode.
    const r = mulberry32(9);
    for (let c = 0; c < 60; c++) {
      const [h, w] = [1 + Math.floor(r() * 9), [1, 2, 3, 7, 8][c % 5]!];
      const k = [1, 2, 3, 5][Math.floor(r() * 4)]!;
      const s = [1, 2, 3][c % 3]!;
      const pads = Array.from({ length: 4 }, () => Math.floor(r() * k));
      const ceil = r() < 0.5;
      const span = (i: number, pad: number) => (ceil ? Math.ceil : Math.floor)((i + pad - k) / s) + 1;
      let [oh, ow] = [span(h, pads[0]! + pads[2]!), span(w, pads[1]! + pads[3]!)];
      // ceil mode: a last window starting inside the end padding is dropped (ONNX).
      if (ceil && (oh - 1) * s >= h + pads[0]!) oh--;
      if (ceil && (ow - 1) * s >= w + pads[1]!) ow--;
      if (oh < 1 || ow < 1) continue;
      const xs = Float32Array.from({ length: h * w }, () => (r() < 0.1 ? NaN : r() < 0.1 ? -Infinity : r() * 4 - 2));
      const d = new NetDraft('maxpool_nan');
      const input = d.input('x', 'float32', [1, 1, h, w]);
      const p = {
        mode: 'max',
        kernel: [k, k],
        strides: [s, s],
        padsBegin: pads.slice(0, 2),
        padsEnd: pads.slice(2),
        dilations: [1, 1],
        ceilMode: ceil,
        countIncludePad: false,
      };
      const [y] = d.layer('pooling', 'p', [input], p, [{ dtype: 'float32', shape: [1, 1, oh, ow] }]);
      d.output(y!);
      const engine = await buildEngine(d.finish(), { backend: BACKEND });
      const [got] = (await engine.createContext().run([xs])) as Float32Array[];
      engine.dispose();
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let want = -Infinity;
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              const [ih, iw] = [i * s - pads[0]! + a, j * s - pads[1]! + b];
              if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
              const v = xs[ih * w + iw]!;
              want = Number.isNaN(v) || Number.isNaN(want) ? NaN : Math.max(want, v);
            }
          expect(got![i * ow + j], `case ${c}: ${JSON.stringify(p)} at ${i},${j}`).toBe(want);
        }
    }
  });

  it('max on int8 and uint8', async () => {
    for (const dtype of ['int8', 'uint8'] as const) {
      const raw = randomInt([1, 2, 7, 6], 4, dtype === 'int8' ? -128 : 0, dtype === 'int8' ? 127 : 255).data as Int32Array;
      const x = { dtype, dims: [1, 2, 7, 6], data: dtype === 'int8' ? Int8Array.from(raw) : Uint8Array.from(raw) };
      await checkLayer({
        op: 'MaxPool',
        attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1] },
        inputs: [x],
        kind: 'pooling',
        params: {
          mode: 'max',
          kernel: [3, 2],
          strides: [2, 2],
          padsBegin: [1, 0],
          padsEnd: [1, 1],
          dilations: [1, 1],
          ceilMode: false,
          countIncludePad: false,
        },
      });
    }
  });
  it('average with count_include_pad, ceil mode overhanging the end pad', async () => {
    await pool('average', [1, 2, 7, 7], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], includePad: true });
    await pool('average', [1, 1, 6, 6], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], includePad: true, ceil: true }, 3);
  });
});

describe('reduce', () => {
  const x = randomFloat([3, 4, 5, 2], 7, 0.1, 2); // positive: prod, log_sum_exp stay tame
  const ops: Array<[string, string]> = [
    ['ReduceSum', 'sum'],
    ['ReduceMean', 'mean'],
    ['ReduceMax', 'max'],
    ['ReduceMin', 'min'],
    ['ReduceProd', 'prod'],
    ['ReduceSumSquare', 'sum_square'],
    ['ReduceL1', 'l1'],
    ['ReduceL2', 'l2'],
    ['ReduceLogSumExp', 'log_sum_exp'],
  ];
  const axesSets = [[1], [3], [0, 2], [1, 2, 3], [0, 1, 2, 3]];
  for (const [onnx, op] of ops) {
    it(`${op} over several axis sets, keepDims on and off`, async () => {
      for (const axes of axesSets) {
        for (const keep of [true, false]) {
          await checkLayer({
            op: onnx,
            attrs: { keepdims: keep ? 1 : 0 },
            inputs: [x, tensor('int64', [axes.length], axes)],
            constants: [1],
            layerInputs: [0],
            kind: 'reduce',
            params: { op, axes, keepDims: keep },
          });
        }
      }
    });
  }
  it('int64 sum and int32 max/min', async () => {
    const axes = tensor('int64', [1], [1]);
    const base = { inputs: [randomInt([3, 5, 2], 1, -40, 40, 'int64'), axes], constants: [1], layerInputs: [0], kind: 'reduce' as const };
    await checkLayer({ ...base, op: 'ReduceSum', params: { op: 'sum', axes: [1], keepDims: true } });
    const i32 = { ...base, inputs: [randomInt([3, 5, 2], 2, -40, 40, 'int32'), axes] };
    await checkLayer({ ...i32, op: 'ReduceMax', attrs: { keepdims: 0 }, params: { op: 'max', axes: [1], keepDims: false } });
    await checkLayer({ ...i32, op: 'ReduceMin', params: { op: 'min', axes: [1], keepDims: true } });
  });
});

describe('softmax', () => {
  for (const log of [false, true]) {
    it(`${log ? 'log-' : ''}softmax along inner, middle and outer axes`, async () => {
      const x = randomFloat([3, 4, 6], 9, -5, 5);
      for (const axis of [2, 1, 0]) {
        await checkLayer({ op: log ? 'LogSoftmax' : 'Softmax', attrs: { axis }, inputs: [x], kind: 'softmax', params: { axis, log } });
      }
    });
  }
});

describe('normalization', () => {
  it('layer, over the last dim and over the last three, with and without bias', async () => {
    const x = randomFloat([2, 3, 4, 5], 1, -2, 3);
    await checkLayer({
      op: 'LayerNormalization',
      attrs: { axis: -1, epsilon: 1e-5 },
      inputs: [x, randomFloat([5], 2), randomFloat([5], 3)],
      constants: [1, 2],
      kind: 'normalization',
      params: { mode: 'layer', axis: 3, epsilon: 1e-5, groups: 1 },
    });
    await checkLayer({
      op: 'LayerNormalization',
      attrs: { axis: 1, epsilon: 1e-3 },
      inputs: [x, randomFloat([3, 4, 5], 4)],
      constants: [1],
      kind: 'normalization',
      params: { mode: 'layer', axis: 1, epsilon: 1e-3, groups: 1 },
    });
  });
  // A transformer's rows: 768 (cuda: 16-byte vectors, 192 per row, 6 per lane), 1024 (256 of 4
  // floats: 8 per lane, the widest vector form) and 2048 (past it: one element a lane load),
  // with and without bias; values offset from 0.
  it('transformer-wide rows: 768, 1024, 2048', async () => {
    for (const [row, seed] of [
      [768, 30],
      [1024, 40],
      [2048, 50],
    ] as const) {
      const x = randomFloat([2, 5, row], seed, 8, 12);
      await checkLayer({
        op: 'LayerNormalization',
        attrs: { axis: -1, epsilon: 1e-5 },
        inputs: [x, randomFloat([row], seed + 1), randomFloat([row], seed + 2)],
        constants: [1, 2],
        kind: 'normalization',
        params: { mode: 'layer', axis: 2, epsilon: 1e-5, groups: 1 },
      });
      await checkLayer({
        op: 'LayerNormalization',
        attrs: { axis: -1, epsilon: 1e-6 },
        inputs: [x, randomFloat([row], seed + 3)],
        constants: [1],
        kind: 'normalization',
        params: { mode: 'layer', axis: 2, epsilon: 1e-6, groups: 1 },
      });
    }
  });
  // Rows of AVX-512 blocks and a tail (131 = 8 x 16 + 3, 33, 3 channels x 17), layer and instance
  // values offset far from 0 (mean 50, spread 4: the mean's subtraction in double matters; not
  // for group, where onnxruntime's own float statistics then differ by 3e-4): the vector form's
  // masks and sums (cpu/normalization.cc; each row's result is the same on any thread count).
  it('wide rows with tails, offset values: layer, instance, group', async () => {
    const x = randomFloat([3, 6, 131], 11, 48, 52);
    await checkLayer({
      op: 'LayerNormalization',
      attrs: { axis: -1, epsilon: 1e-5 },
      inputs: [x, randomFloat([131], 12), randomFloat([131], 13)],
      constants: [1, 2],
      kind: 'normalization',
      params: { mode: 'layer', axis: 2, epsilon: 1e-5, groups: 1 },
    });
    await checkLayer({
      op: 'InstanceNormalization',
      attrs: { epsilon: 1e-5 },
      inputs: [randomFloat([2, 5, 3, 11], 14, 48, 52), randomFloat([5], 15), randomFloat([5], 16)],
      constants: [1, 2],
      kind: 'normalization',
      params: { mode: 'instance', axis: 1, epsilon: 1e-5, groups: 5 },
    });
    await checkLayer({
      op: 'GroupNormalization',
      opset: 21,
      attrs: { num_groups: 3, epsilon: 1e-5 },
      inputs: [randomFloat([2, 9, 17], 17, -2, 2), randomFloat([9], 18), randomFloat([9], 19)],
      constants: [1, 2],
      kind: 'normalization',
      params: { mode: 'group', axis: 1, epsilon: 1e-5, groups: 3 },
    });
  });
  it('instance', () =>
    checkLayer({
      op: 'InstanceNormalization',
      attrs: { epsilon: 1e-4 },
      inputs: [randomFloat([2, 3, 5, 4], 5, -1, 2), randomFloat([3], 6), randomFloat([3], 7)],
      constants: [1, 2],
      kind: 'normalization',
      params: { mode: 'instance', axis: 1, epsilon: 1e-4, groups: 3 },
    }));
  it('group (opset 21: per-channel scale and bias)', () =>
    checkLayer({
      op: 'GroupNormalization',
      opset: 21,
      attrs: { num_groups: 2, epsilon: 1e-5 },
      inputs: [randomFloat([2, 6, 3, 4], 8, -1, 2), randomFloat([6], 9), randomFloat([6], 10)],
      constants: [1, 2],
      kind: 'normalization',
      params: { mode: 'group', axis: 1, epsilon: 1e-5, groups: 2 },
    }));
});
