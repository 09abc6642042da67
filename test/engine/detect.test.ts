/**
 * The topk and roialign layers against onnxruntime on the same inputs, on the backend
 * compare.ts names (test/gpu/engine-layers.test.ts runs these cases on cuda), with the engine's
 * own thread count (lines and boxes split across threads). TopK: values and indices exact,
 * with ties on purpose (small integer ranges; float16/bfloat16 rounding, onnxruntime running
 * on float32 copies of the rounded values); lines of 3000 (past one 1024-element tile of the
 * cuda kernel's ranking), lines past 4096 (which the cuda kernel sorts) and many short lines.
 * RoiAlign: compare.ts's fp32 tolerance (1e-5 on cpu, 1e-4 on cuda), float16 features and boxes
 * within one rounding (1e-3).
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat, randomInt, tensor } from './helpers/random.js';
import type { TensorData } from '../../src/onnx/tensor.js';

function topk(x: TensorData, axis: number, k: number, largest: boolean, half?: 'float16' | 'bfloat16') {
  return checkLayer({
    op: 'TopK',
    attrs: { axis, largest: largest ? 1 : 0 },
    onnxInputs: ['x0', 'k'],
    onnxExtra: { k: { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(k)) } },
    inputs: [x],
    kind: 'topk',
    params: { axis, k, largest },
    outputs: 2,
    tol: 0,
    ...(half ? { half } : {}),
  });
}

const BOXES = tensor('float32', [5, 4], [0, 0, 30, 22, 3.3, 2.1, 17.9, 9.4, -6, -4, 8, 7, 20, 15, 50, 40, 9.1, 9.2, 9.3, 9.4]);

function roiAlign(x: TensorData, attrs: Record<string, number | string>, half?: 'float16') {
  const batch: TensorData = { dtype: 'int64', dims: [5], data: BigInt64Array.of(0n, 1n, 1n, 0n, 1n) };
  const mode = (attrs.mode ?? 'avg') as 'avg' | 'max';
  return checkLayer({
    op: 'RoiAlign',
    opset: 16,
    attrs,
    inputs: [x, BOXES, batch],
    kind: 'roialign',
    params: {
      mode,
      outputHeight: attrs.output_height ?? 1,
      outputWidth: attrs.output_width ?? 1,
      samplingRatio: attrs.sampling_ratio ?? 0,
      spatialScale: attrs.spatial_scale ?? 1,
      halfPixel: (attrs.coordinate_transformation_mode ?? 'half_pixel') === 'half_pixel',
    },
    ...(half ? { half, tol: 1e-3 } : {}),
  });
}

describe('topk', () => {
  it('float32 along every axis, largest and smallest, k from 1 to the whole axis', async () => {
    const x = randomFloat([3, 4, 5], 1);
    for (const largest of [true, false])
      for (const [axis, k] of [
        [0, 3],
        [1, 2],
        [2, 1],
        [2, 5],
      ] as const)
        await topk(x, axis, k, largest);
  });

  it('ties in int32 and int64: the lower index first', async () => {
    for (const dtype of ['int32', 'int64'] as const) {
      const x = randomInt([4, 6, 7], dtype === 'int32' ? 2 : 3, -2, 2, dtype);
      for (const largest of [true, false]) for (const axis of [0, 1, 2]) await topk(x, axis, 3, largest);
    }
  });

  it('long lines (3000, k 300) with ties along the inner and outer axis; many short lines', async () => {
    await topk(randomInt([2, 3000], 4, -40, 40), 1, 300, true);
    await topk(randomInt([3000, 3], 5, -40, 40, 'int64'), 0, 300, false);
    await topk(randomFloat([1, 3000], 6), 1, 3000, true);
    await topk(randomFloat([500, 9], 7), 1, 4, true);
  });

  it('lines past 4096 (the cuda kernel sorts them): ties, both orders, inner and outer axis', async () => {
    await topk(randomInt([2, 5000], 10, -30, 30), 1, 64, true);
    await topk(randomInt([6000, 2], 11, -30, 30, 'int64'), 0, 100, false);
    await topk(randomFloat([1, 9000], 12), 1, 9000, false);
  });

  it('float16 and bfloat16 in [1, 1.02) (rounding makes ties)', async () => {
    for (const half of ['float16', 'bfloat16'] as const)
      for (const largest of [true, false]) await topk(randomFloat([5, 64], 8, 1, 1.02), 1, 10, largest, half);
  });
});

describe('roialign', () => {
  const x = randomFloat([2, 3, 12, 16], 9, -2, 2);
  it('avg and max, adaptive and fixed sampling, half_pixel and output_half_pixel', async () => {
    for (const mode of ['avg', 'max'])
      for (const sampling_ratio of [0, 2])
        for (const coordinate_transformation_mode of ['half_pixel', 'output_half_pixel'])
          await roiAlign(x, { mode, sampling_ratio, coordinate_transformation_mode, output_height: 3, output_width: 2, spatial_scale: 0.5 });
  });

  it('float16 features and boxes (onnxruntime on float32 copies of the same values)', async () => {
    for (const mode of ['avg', 'max']) await roiAlign(x, { mode, output_height: 2, output_width: 4, spatial_scale: 0.5 }, 'float16');
  });
});
