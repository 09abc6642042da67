/**
 * GridSample as a `gridsample` layer against onnxruntime on the same inputs, through the
 * reference interpreter (float64, eval-grid-sample.ts) and the cpu engine (fp32 in onnxruntime's
 * order of operations): every mode x padding x align_corners, at opset 16 (bilinear, bicubic)
 * and 20 (linear, cubic), on random grids whose points reach well outside [-1, 1] (reflection
 * folds them back more than once), over a non-square map and batch 2. Nearest rounds halves to
 * even, as onnxruntime (std::nearbyint): a grid of exact halves is held to that by hand, and the
 * engines to onnxruntime. Tolerance: 1e-5 relative + 1e-5 absolute (map values in [-2, 2]; up to
 * 16 fp32 products of cubic weights). Points at infinity and NaN, which onnxruntime leaves
 * undefined, run on the cpu engine against the layer's documented meaning. Refusals: volumetric
 * (5-D) grids, float16, another form's mode names. The ONNX suite's 2-D cases run through engines
 * too (test/conformance).
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { buildEngine } from '../../src/engine/engine.js';
import { nativeAvailable } from '../../src/engine/native.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { checkAgainstOrt, convertGraph, random, runOrt, tensor, verdict } from './helpers/harness.js';

const MODES: Record<number, string[]> = { 16: ['bilinear', 'nearest', 'bicubic'], 20: ['linear', 'nearest', 'cubic'] };
const PADDINGS = ['zeros', 'border', 'reflection'];

function gridSample(attrs: Record<string, number | string>, opset: number, x: TensorData, grid: TensorData) {
  return {
    spec: {
      opset,
      inputs: [
        { name: 'x', dtype: 'float32' as const, shape: x.dims },
        { name: 'grid', dtype: 'float32' as const, shape: grid.dims },
      ],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attrs }],
    },
    feeds: { x, grid },
    rtol: 1e-5,
    atol: 1e-5,
  };
}

describe('GridSample', () => {
  const x = random('float32', [2, 3, 5, 7], 1);
  // Points up to 3.5 normalized units out: 2.5 map widths past the border, folded back twice.
  const grid = random('float32', [2, 4, 6, 2], 2, -3.5, 3.5);
  const near = random('float32', [2, 4, 6, 2], 3, -1.2, 1.2);
  for (const opset of [16, 20]) {
    for (const mode of MODES[opset]!) {
      for (const padding of PADDINGS) {
        it.each([0, 1])(`opset ${opset}, ${mode}, ${padding}, align_corners %i`, async (align) => {
          const attrs = { mode, padding_mode: padding, align_corners: align };
          await checkAgainstOrt(gridSample(attrs, opset, x, grid));
          await checkAgainstOrt(gridSample(attrs, opset, x, near));
        });
      }
    }
  }

  it("the default attributes (bilinear, zeros, align_corners 0), and opset 22's form", async () => {
    await checkAgainstOrt(gridSample({}, 16, x, near));
    await checkAgainstOrt(gridSample({ mode: 'cubic', padding_mode: 'reflection' }, 22, x, grid));
  });

  it('a one-pixel map (reflection about one pixel) and a grid larger than the map', async () => {
    const one = random('float32', [1, 2, 1, 1], 4);
    const wide = random('float32', [1, 9, 11, 2], 5, -2.5, 2.5);
    for (const mode of MODES[16]!) {
      for (const padding of PADDINGS) {
        await checkAgainstOrt(gridSample({ mode, padding_mode: padding, align_corners: 0 }, 16, one, wide));
      }
    }
  });

  it('nearest rounds halves to even, as onnxruntime does', async () => {
    // One row 10, 11, 12, 13 (W 4): without align_corners, x = ((n + 1) * 4 - 1) / 2, so
    // n = -0.5, 0, 0.5 land on pixels 0.5, 1.5, 2.5 exactly; with W 5 and align_corners,
    // x = (n + 1) * 2, so n = -0.75, -0.25, 0.25, 0.75 land on 0.5, 1.5, 2.5, 3.5.
    const row4 = tensor('float32', [1, 1, 1, 4], [10, 11, 12, 13]);
    const halves4 = tensor('float32', [1, 1, 3, 2], [-0.5, 0, 0, 0, 0.5, 0]);
    const row5 = tensor('float32', [1, 1, 1, 5], [10, 11, 12, 13, 14]);
    const halves5 = tensor('float32', [1, 1, 4, 2], [-0.75, 0, -0.25, 0, 0.25, 0, 0.75, 0]);
    const cases: Array<[TensorData, TensorData, number, number[]]> = [
      [row4, halves4, 0, [10, 12, 12]], // half away from zero would give 11, 12, 13
      [row5, halves5, 1, [10, 12, 12, 14]], // and 11, 12, 13, 14
    ];
    for (const [map, points, align, even] of cases) {
      const c = gridSample({ mode: 'nearest', align_corners: align }, 16, map, points);
      const ort = await runOrt(buildGraph(c.spec), c.feeds);
      expect(Array.from(ort.y!.data as Float32Array)).toEqual(even);
      await checkAgainstOrt(c);
    }
  });

  it.runIf(nativeAvailable())('points at infinity are pinned far outside, NaN points sample NaN (cpu engine)', async () => {
    const map = tensor('float32', [1, 1, 2, 3], [1, 2, 3, 4, 5, 6]);
    const points = [Infinity, Infinity, -Infinity, 0, 0, -Infinity, NaN, 0, 0, NaN];
    for (const [mode, padding, expected] of [
      ['bilinear', 'zeros', [0, 0, 0, NaN, NaN]],
      ['bicubic', 'zeros', [0, 0, 0, NaN, NaN]],
      ['nearest', 'zeros', [0, 0, 0, NaN, NaN]],
      // border: the nearest edge pixel (the bottom-right one; between the left edge's two; the top row's middle).
      ['bilinear', 'border', [6, 2.5, 2, NaN, NaN]],
      ['nearest', 'reflection', [undefined, undefined, undefined, NaN, NaN]],
    ] as Array<[string, string, Array<number | undefined>]>) {
      const c = gridSample({ mode, padding_mode: padding }, 16, map, tensor('float32', [1, 1, 5, 2], points));
      const graph = buildGraph(c.spec);
      graph.types.set('y', { dtype: 'float32', shape: [1, 1, 1, 5] });
      const engine = await buildEngine(convertGraph(graph), { backend: 'cpu', threads: 1 });
      try {
        const [y] = await engine.createContext().run({ x: map.data as Float32Array, grid: Float32Array.from(points) });
        const got = Array.from(y as Float32Array);
        expected.forEach((e, i) => {
          if (e === undefined) expect([1, 2, 3, 4, 5, 6], `${mode} ${padding} point ${i}`).toContain(got[i]);
          else if (Number.isNaN(e)) expect(got[i], `${mode} ${padding} point ${i}`).toBeNaN();
          else expect(got[i], `${mode} ${padding} point ${i}`).toBe(e);
        });
      } finally {
        engine.dispose();
      }
    }
  });

  it("refuses volumetric grids, float16 and another form's mode names, saying why", () => {
    const io = (x: number[], g: number[], y: number[]) => ({
      op: 'GridSample',
      inputs: [['float32', x] as ['float32', number[]], ['float32', g] as ['float32', number[]]],
      outputs: [['float32', y] as ['float32', number[]]],
    });
    expect(verdict({ ...io([1, 2, 3, 4, 5], [1, 2, 2, 2, 3], [1, 2, 2, 2, 2]), opset: 20 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not volumetric (5-D) grids'),
    });
    expect(
      verdict({
        op: 'GridSample',
        opset: 16,
        inputs: [
          ['float16', [1, 1, 2, 2]],
          ['float16', [1, 2, 2, 2]],
        ],
        outputs: [['float16', [1, 1, 2, 2]]],
      }),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('has dtype float16; supported: float32') });
    expect(verdict({ ...io([1, 1, 2, 2], [1, 2, 2, 2], [1, 1, 2, 2]), opset: 16, attrs: { mode: 'linear' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("mode 'linear' is not supported"),
    });
    expect(verdict({ ...io([1, 1, 2, 2], [1, 2, 2, 2], [1, 1, 2, 2]), opset: 20, attrs: { mode: 'bicubic' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("mode 'bicubic' is not supported"),
    });
  });
});
