/**
 * RoiAlign as a `roialign` layer against onnxruntime on the same inputs, through the reference
 * interpreter (float64) and the cpu engine (fp32 in onnxruntime's order of operations): both
 * modes (max is onnxruntime's largest weighted corner), fixed and adaptive (0) sampling ratios,
 * half_pixel and output_half_pixel (opset 16) and opset 10, boxes inside, across and outside the
 * map, boxes smaller than a pixel, several batch images; boxes of 1e30, infinity and NaN end
 * (the sample grid is bounded) and a batch index outside the batch is an error. Tolerance: 1e-5 relative + 2e-6
 * absolute (features in [-2, 2]: a few fp32 roundings of averages of up to 36 samples). The
 * ONNX suite's cases run through engines too (test/conformance).
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { buildEngine } from '../../src/engine/engine.js';
import { nativeAvailable } from '../../src/engine/native.js';
import { checkAgainstOrt, convertGraph, random, runOrt, tensor } from './helpers/harness.js';
import { buildGraph } from '../../src/ir/model-builder.js';

// x1, y1, x2, y2 in input pixels (spatial_scale 0.5 maps them onto the 8x10 map of a 16x20 image).
const BOXES = [
  [0, 0, 15, 19], // the whole image
  [2.3, 4.1, 9.7, 8.2],
  [-4, -3, 6, 5], // across the top-left border
  [12, 14, 30, 40], // across the bottom-right border, mostly outside
  [5.1, 5.2, 5.3, 5.4], // smaller than a pixel
  [7, 3, 1, 2], // reversed corners
  [-30, -30, -20, -25], // wholly outside
];

function roiAlign(attrs: Record<string, number | string>, opset: number, x: TensorData, batch: number[]) {
  const rois = tensor('float32', [BOXES.length, 4], BOXES.flat());
  const idx = tensor('int64', [batch.length], batch);
  return {
    spec: {
      opset,
      inputs: [
        { name: 'x', dtype: 'float32' as const, shape: x.dims },
        { name: 'rois', dtype: 'float32' as const, shape: rois.dims },
        { name: 'batch', dtype: 'int64' as const, shape: idx.dims },
      ],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'RoiAlign', inputs: ['x', 'rois', 'batch'], outputs: ['y'], attrs }],
    },
    feeds: { x, rois, batch: idx },
    rtol: 1e-5,
    atol: 2e-6,
  };
}

describe('RoiAlign', () => {
  const x = random('float32', [2, 3, 8, 10], 1);
  const batch = [0, 1, 0, 1, 1, 0, 0];
  for (const mode of ['avg', 'max']) {
    for (const coords of ['half_pixel', 'output_half_pixel']) {
      it.each([0, 1, 2, 3])(`${mode}, ${coords}, sampling_ratio %i`, async (samplingRatio) => {
        const attrs = {
          mode,
          coordinate_transformation_mode: coords,
          output_height: 3,
          output_width: 4,
          sampling_ratio: samplingRatio,
          spatial_scale: 0.5,
        };
        await checkAgainstOrt(roiAlign(attrs, 16, x, batch));
      });
    }
    it(`${mode}, opset 10 (boxes at least 1x1, no half-pixel shift), a 1x1 and a 7x5 output`, async () => {
      await checkAgainstOrt(roiAlign({ mode, output_height: 1, output_width: 1, spatial_scale: 0.5 }, 10, x, batch));
      await checkAgainstOrt(roiAlign({ mode, output_height: 7, output_width: 5, sampling_ratio: 2, spatial_scale: 0.5 }, 10, x, batch));
    });
  }

  it('the default attributes (avg, 1x1, adaptive sampling, scale 1, half_pixel)', async () => {
    await checkAgainstOrt(roiAlign({}, 16, x, batch));
  });

  it.runIf(nativeAvailable())('a batch index outside the batch is a run-time error on the cpu engine', async () => {
    const c = roiAlign({}, 16, x, batch);
    const graph = buildGraph(c.spec);
    graph.types.set('y', { dtype: 'float32', shape: [BOXES.length, 3, 1, 1] });
    const engine = await buildEngine(convertGraph(graph), { backend: 'cpu', threads: 1 });
    try {
      const run = engine
        .createContext()
        .run({ x: x.data as Float32Array, rois: c.feeds.rois.data as Float32Array, batch: BigInt64Array.of(0n, 1n, 2n, 0n, 0n, 0n, 0n) });
      await expect(run).rejects.toThrow(/batch index 2 at position 2 is out of range for a batch of 2/);
    } finally {
      engine.dispose();
    }
  });

  it.runIf(nativeAvailable())('boxes of 1e30, infinity and NaN end (at most 1024 samples a side; none for NaN) on the cpu engine', async () => {
    const c = roiAlign({ output_height: 2, output_width: 2 }, 16, x, batch);
    const graph = buildGraph(c.spec);
    graph.types.set('y', { dtype: 'float32', shape: [BOXES.length, 3, 2, 2] });
    const engine = await buildEngine(convertGraph(graph), { backend: 'cpu', threads: 1 });
    try {
      const huge = [0, 0, 1e30, 1e30, 0, 0, Infinity, 5, NaN, 0, 4, 4, 0, NaN, 4, 4, -Infinity, 0, 4, 4, 0, 0, 4, -1e30, 1, 1, 3, 3];
      const [y] = await engine
        .createContext()
        .run({ x: x.data as Float32Array, rois: Float32Array.from(huge), batch: c.feeds.batch.data as BigInt64Array });
      const out = y as Float32Array;
      expect(out.length).toBe(BOXES.length * 3 * 4);
      // Every sample of the first six boxes lies outside the map, at NaN, or there is none: 0.
      expect([...out.slice(0, 6 * 12)].every((v) => v === 0)).toBe(true);
      // The last box is an ordinary one: its bins are the reference's.
      const ordinary = roiAlign({ output_height: 2, output_width: 2 }, 16, x, batch);
      const ref = await runOrt(buildGraph(ordinary.spec), {
        ...ordinary.feeds,
        rois: tensor(
          'float32',
          [7, 4],
          huge.map((v, i) => (i >= 24 ? v : 0)),
        ),
      });
      const want = (ref.y!.data as Float32Array).slice(6 * 12);
      for (let i = 0; i < 12; i++) expect(Math.abs(out[6 * 12 + i]! - want[i]!)).toBeLessThan(1e-6);
    } finally {
      engine.dispose();
    }
  });
});
