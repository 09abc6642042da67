/**
 * Linear and cubic Resize by planes on the cpu backend (cpu/resize_planes.cc: bands of output
 * rows, each row's taps gathered 16 columns a vector) against onnxruntime, at helpers/compare.ts's float tolerance: DeepLabV3's 28 x 28 ->
 * 224 x 224 (four bands a plane, full vectors), widths with a partial last vector, downsampling
 * (rows no tap reads), cubic with and without excludeOutside (columns with different tap
 * counts in one vector), batch and channels (each plane's input offset), rank 2, on 1 and 2
 * threads, and the general path's bits; then the same file again in a child process with
 * HYBRIDRT_CPU_KERNEL=portable (the general path of resize.cc, which machines without AVX-512
 * take).
 */
import { expect, it } from 'vitest';
import { runVitestChild } from './helpers/child-vitest.js';
import { checkLayer, runEngine } from './helpers/compare.js';
import { randomFloat, tensor } from './helpers/random.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import type { TensorData } from '../../src/onnx/tensor.js';

interface R {
  x: TensorData;
  mode: 'linear' | 'cubic';
  coord: string;
  sizes: number[];
  exclude?: boolean;
  threads?: number;
}

async function resize(r: R) {
  const scales = r.sizes.map((s, i) => s / r.x.dims[i]!);
  await checkLayer({
    op: 'Resize',
    opset: 19,
    attrs: { mode: r.mode, coordinate_transformation_mode: r.coord, cubic_coeff_a: { float: -0.75 }, exclude_outside: r.exclude ? 1 : 0 },
    inputs: [r.x],
    onnxInputs: ['x0', '', '', 'sizes'],
    onnxExtra: { sizes: tensor('int64', [r.sizes.length], r.sizes) },
    kind: 'resize',
    params: {
      mode: r.mode,
      coordinateTransformation: r.coord,
      nearestMode: 'round_prefer_floor',
      scales,
      cubicCoeffA: -0.75,
      excludeOutside: !!r.exclude,
      extrapolationValue: 0,
    },
    ...(r.threads ? { threads: r.threads } : {}),
  });
}

const forced = process.env.HYBRIDRT_CPU_KERNEL !== undefined;

describeIf(HAS_NATIVE, 'resize by planes', NATIVE_MISSING, () => {
  for (const threads of [1, 2]) {
    it(`${threads} thread(s): DeepLabV3's 28 x 28 -> 224 x 224, partial vectors`, async () => {
      await resize({ x: randomFloat([1, 21, 28, 28], 1), mode: 'linear', coord: 'half_pixel', sizes: [1, 21, 224, 224], threads });
      await resize({ x: randomFloat([2, 3, 17, 23], 2), mode: 'linear', coord: 'align_corners', sizes: [2, 3, 61, 45], threads });
      await resize({ x: randomFloat([1, 2, 9, 5], 3), mode: 'linear', coord: 'pytorch_half_pixel', sizes: [1, 2, 300, 7], threads });
    });
    it(`${threads} thread(s): downsampling, rows no tap reads`, async () => {
      await resize({ x: randomFloat([1, 4, 100, 90], 4), mode: 'linear', coord: 'half_pixel', sizes: [1, 4, 23, 37], threads });
      await resize({ x: randomFloat([1, 2, 64, 33], 5), mode: 'linear', coord: 'asymmetric', sizes: [1, 2, 16, 129], threads });
    });
    it(`${threads} thread(s): cubic, with and without excludeOutside`, async () => {
      for (const exclude of [false, true]) {
        await resize({ x: randomFloat([1, 3, 30, 40], 6), mode: 'cubic', coord: 'half_pixel', sizes: [1, 3, 51, 92], exclude, threads });
        await resize({ x: randomFloat([2, 2, 20, 19], 7), mode: 'cubic', coord: 'align_corners', sizes: [2, 2, 9, 8], exclude, threads });
      }
    });
    it(`${threads} thread(s): every element summed in the general path's order (imgly_isnet_small: dynamically quantized after)`, async () => {
      // A reordered sum is a few ulps off, and the dynamic quantization of imgly_isnet_small's
      // next convolution turned such an ulp at a rounding edge into a whole step (its --compare
      // failed). So the planes path must give resize.cc's general path's bits, which any machine
      // without AVX-512 takes: for a 2x half_pixel upsample (weights 1, 0.75 and 0.25, exact),
      // y = sum over row taps h, then column taps k, of (wh * wk) * x, in float32, in that order.
      for (const [c, h] of [
        [3, 64],
        [2, 21],
      ] as const) {
        const x = randomFloat([1, c, h, h], 13);
        const oh = 2 * h;
        const taps = (o: number): Array<[number, number]> => {
          const f = Math.max(0, Math.min(o / 2 - 0.25, h - 1));
          const i0 = Math.floor(f);
          const w1 = f - i0;
          return w1 === 0 || i0 === h - 1
            ? [[i0, 1]]
            : [
                [i0, 1 - w1],
                [i0 + 1, w1],
              ];
        };
        const xs = x.data as Float32Array;
        const want = new Float32Array(c * oh * oh);
        for (let p = 0; p < c; p++)
          for (let r = 0; r < oh; r++)
            for (let q = 0; q < oh; q++) {
              let acc = 0;
              for (const [ih, wh] of taps(r))
                for (const [iw, ww] of taps(q)) acc = Math.fround(acc + Math.fround(Math.fround(wh * ww) * xs[(p * h + ih) * h + iw]!));
              want[(p * oh + r) * oh + q] = acc;
            }
        const scales = [1, 1, 2, 2];
        const params = {
          mode: 'linear',
          coordinateTransformation: 'half_pixel',
          nearestMode: 'round_prefer_floor',
          scales,
          cubicCoeffA: -0.75,
          excludeOutside: false,
          extrapolationValue: 0,
        };
        const [got] = await runEngine(
          { op: 'Resize', kind: 'resize', params, inputs: [x], threads },
          [x],
          [{ dtype: 'float32', shape: [1, c, oh, oh] }],
        );
        const bad = want.findIndex((v, i) => !Object.is(v, (got as Float32Array)[i]));
        expect(bad, `element ${bad}: ${(got as Float32Array)[bad]} against ${want[bad]}`).toBe(-1);
      }
    });
    it(`${threads} thread(s): rank 2 and rank 3`, async () => {
      await resize({ x: randomFloat([40, 50], 8), mode: 'linear', coord: 'half_pixel', sizes: [97, 33], threads });
      await resize({ x: randomFloat([5, 12, 70], 9), mode: 'linear', coord: 'half_pixel', sizes: [5, 30, 18], threads });
    });
  }
});

describeIf(HAS_NATIVE && !forced, 'resize by planes, the general path (HYBRIDRT_CPU_KERNEL=portable)', NATIVE_MISSING, () => {
  it('the suite above passes with HYBRIDRT_CPU_KERNEL=portable', () => {
    expect(runVitestChild(['test/engine/resize-planes.test.ts'], { HYBRIDRT_CPU_KERNEL: 'portable' })).toMatch(/Tests\s+10 passed/);
  }, 300_000);
});
