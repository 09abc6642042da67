/**
 * Resize on the cpu backend against onnxruntime: nearest (every nearest mode and
 * coordinate transformation), linear and cubic (every coordinate
 * transformation, cubicCoeffA, excludeOutside), up- and down-sampling, scales given or
 * derived from sizes. Tolerance: helpers/compare.ts (nearest is exact).
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat, tensor } from './helpers/random.js';
import type { TensorData } from '../../src/onnx/tensor.js';

const COORDS = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'half_pixel_symmetric'];
const NEAREST = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

interface R {
  x: TensorData;
  mode: string;
  coord: string;
  nearest?: string;
  scales?: number[];
  sizes?: number[];
  cubicA?: number;
  exclude?: boolean;
}

async function resize(r: R) {
  const scales = r.scales ?? r.sizes!.map((s, i) => s / r.x.dims[i]!);
  const attrs: Record<string, string | number | { float: number }> = {
    mode: r.mode,
    coordinate_transformation_mode: r.coord,
    nearest_mode: r.nearest ?? 'round_prefer_floor',
    cubic_coeff_a: { float: r.cubicA ?? -0.75 },
    exclude_outside: r.exclude ? 1 : 0,
  };
  const extra: Record<string, TensorData> = r.scales
    ? { scales: tensor('float32', [scales.length], scales) }
    : { sizes: tensor('int64', [r.sizes!.length], r.sizes!) };
  await checkLayer({
    op: 'Resize',
    opset: 19,
    attrs,
    inputs: [r.x],
    onnxInputs: r.scales ? ['x0', '', 'scales'] : ['x0', '', '', 'sizes'],
    onnxExtra: extra,
    kind: 'resize',
    params: {
      mode: r.mode,
      coordinateTransformation: r.coord,
      nearestMode: r.nearest ?? 'round_prefer_floor',
      scales,
      cubicCoeffA: r.cubicA ?? -0.75,
      excludeOutside: !!r.exclude,
      extrapolationValue: 0,
    },
    tol: r.mode === 'nearest' ? 0 : undefined,
  });
}

const x4 = randomFloat([1, 2, 5, 7], 1);

describe('resize, nearest', () => {
  for (const coord of COORDS) {
    it(`every nearest mode with ${coord}, up and down`, async () => {
      for (const nearest of NEAREST) {
        await resize({ x: x4, mode: 'nearest', coord, nearest, scales: [1, 1, 2, 1.5] });
        // NOTE: not 0.6: (x + 0.5) / 0.6f lands within an ulp of k + 0.5, where onnxruntime's
        // rounding of the coordinate differs from a plain fp32 division.
        await resize({ x: x4, mode: 'nearest', coord, nearest, scales: [1, 1, 0.65, 0.5] });
      }
    });
  }
  it('sizes instead of scales', () =>
    resize({ x: randomFloat([2, 3, 4], 2), mode: 'nearest', coord: 'asymmetric', nearest: 'floor', sizes: [2, 5, 9] }));
});

describe('resize, linear and cubic', () => {
  for (const coord of COORDS.filter((c) => c !== 'tf_half_pixel_for_nn')) {
    it(`linear with ${coord}: up, down, sizes`, async () => {
      await resize({ x: x4, mode: 'linear', coord, scales: [1, 1, 2, 1.5] });
      await resize({ x: x4, mode: 'linear', coord, scales: [1, 1, 0.6, 0.5] });
      await resize({ x: x4, mode: 'linear', coord, sizes: [1, 2, 9, 4] });
    });
    it(`cubic with ${coord}: two coefficients, excludeOutside on and off`, async () => {
      for (const cubicA of [-0.75, -0.5]) {
        for (const exclude of [false, true]) {
          await resize({ x: x4, mode: 'cubic', coord, scales: [1, 1, 1.8, 2.5], cubicA, exclude });
          await resize({ x: x4, mode: 'cubic', coord, sizes: [1, 2, 3, 4], cubicA, exclude });
        }
      }
    });
  }
  it('linear on rank 2 and rank 3 (trilinear)', async () => {
    await resize({ x: randomFloat([4, 6], 3), mode: 'linear', coord: 'half_pixel', scales: [2, 0.5] });
    await resize({ x: randomFloat([1, 1, 3, 4, 5], 4), mode: 'linear', coord: 'align_corners', scales: [1, 1, 2, 1.5, 0.8] });
  });
});
