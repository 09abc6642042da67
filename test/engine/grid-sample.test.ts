/**
 * The gridsample layer against onnxruntime on the same inputs, on the backend compare.ts names
 * (test/gpu/engine-layers.test.ts runs these cases on cuda), with the engine's own thread count
 * (planes split across threads): every mode x padding x align_corners over a map of 2 images,
 * 3 channels and 9 x 13 pixels, a grid of 7 x 11 points reaching 2.5 normalized units outside
 * [-1, 1] (reflection folds them back more than once); compare.ts's fp32 tolerance (1e-5 on
 * cpu, 1e-4 on cuda), float16 map and grid within one rounding of the output (1e-3; onnxruntime
 * on float32 copies of the same values).
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';
import type { TensorData } from '../../src/onnx/tensor.js';

const MODES = [
  ['bilinear', 'linear'],
  ['nearest', 'nearest'],
  ['bicubic', 'cubic'],
] as const;

function gridSample(x: TensorData, grid: TensorData, m: number, padding: 'zeros' | 'border' | 'reflection', align: number, half?: 'float16') {
  return checkLayer({
    op: 'GridSample',
    opset: 16,
    attrs: { mode: MODES[m]![0], padding_mode: padding, align_corners: align },
    inputs: [x, grid],
    kind: 'gridsample',
    params: { mode: MODES[m]![1], padding, alignCorners: align !== 0 },
    ...(half ? { half } : {}),
  });
}

describe('gridsample', () => {
  const x = randomFloat([2, 3, 9, 13], 21, -2, 2);
  const grid = randomFloat([2, 7, 11, 2], 22, -3.5, 3.5);
  it('every mode, padding and align_corners', async () => {
    for (let m = 0; m < MODES.length; m++)
      for (const padding of ['zeros', 'border', 'reflection'] as const) for (const align of [0, 1]) await gridSample(x, grid, m, padding, align);
  });

  it('float16 map and grid (onnxruntime on float32 copies of the same values)', async () => {
    for (let m = 0; m < MODES.length; m++) await gridSample(x, grid, m, 'reflection', 0, 'float16');
  });
});
