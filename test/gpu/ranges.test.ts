/**
 * Shape ranges on the cuda backend (issue 19, point 1). The cpu suites of dynamic engines
 * (test/engine/ranges.test.ts) and of compile() with ranges (test/compiler/shape-ranges.test.ts:
 * both examples, the masked attention block, every light_* model with a dynamic batch, several
 * profiles, errors; test/compiler/computed-windows.test.ts: windows, fills and ranges computed
 * from shapes; test/compiler/detect-ranges.test.ts: TopK, RoiAlign and GridSample) run again here on cuda, held to 1e-4 of each output's scale against
 * onnxruntime. Then what only the GPU has: fp16 engines over a range, and the CUDA graph each
 * shape captures and keeps while the context meets other shapes.
 *
 * fp16 tolerance: every activation is stored in fp16 (2^-11 relative per rounding) while
 * products accumulate in fp32; resnet_mini's ~20 layers leave ~1e-3 of the logits' scale
 * (1.1e-3 measured on the H200), so 1e-2 of the scale is several times what was seen and far
 * below what a wrong shape or a stale graph gives (errors of the order of the scale itself).
 */
import type ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { ortRun, relativeError, resnet, sine } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';

process.env.HYBRIDRT_TEST_BACKEND = 'cuda';

if (CUDA) {
  await import('../engine/ranges.test.js');
  await import('../compiler/shape-ranges.test.js');
  await import('../compiler/computed-windows.test.js');
  await import('../compiler/detect-ranges.test.js');
  // Sizes engines report after a run (NonZero, NonMaxSuppression), their readers ranged over [0, bound].
  await import('../compiler/nonzero.test.js');
  await import('../compiler/nms.test.js');
}

const FP16_TOL = 1e-2;
const RANGE = { min: [1, 3, 64, 64], opt: [4, 3, 64, 64], max: [8, 3, 64, 64] };

describe.skipIf(!CUDA)('shape ranges on cuda: fp16 and CUDA graphs per shape', () => {
  it('an fp16 engine over a batch range agrees with onnxruntime at every batch', async () => {
    const m = await compile(resnet, { backend: 'cuda', precisions: ['fp16'], inputs: { input: RANGE } });
    try {
      expect(m.report.data.summary.fallbackSegments).toBe(0);
      for (const batch of [1, 4, 8, 3, 7, 1]) {
        const feeds = { input: sine([batch, 3, 64, 64], batch) };
        const got = await m.run(feeds);
        const want = await ortRun(resnet, feeds);
        for (const [name, t] of Object.entries(want)) {
          expect(got[name]!.dims, `${name} at batch ${batch}`).toEqual(t.dims);
          expect(relativeError(got[name]!, t), `${name} at batch ${batch}`).toBeLessThan(FP16_TOL);
        }
      }
    } finally {
      await m.dispose();
    }
  });

  it('captures a CUDA graph per shape and keeps it while other shapes run', async () => {
    const m = await compile(resnet, { backend: 'cuda', inputs: { input: RANGE } });
    const graphOf = async (batch: number) => {
      const feeds = { input: sine([batch, 3, 64, 64], batch) };
      const r = await m.runWithStats(feeds, { timing: 'coarse' });
      const want = await ortRun(resnet, feeds);
      for (const [name, t] of Object.entries(want))
        expect(relativeError(r.outputs[name] as ort.Tensor, t), `${name} at batch ${batch}`).toBeLessThan(1e-4);
      return r.stats.segments.find((s) => s.timing)!.timing!.graph;
    };
    try {
      // The first run at a shape warms up, the second captures, later ones replay.
      expect(await graphOf(2)).toBe('ready');
      expect(await graphOf(2)).toBe('captured');
      expect(await graphOf(5)).toBe('ready');
      expect(await graphOf(5)).toBe('captured');
      // Batch 2's graph survived batch 5's runs: replayed at once, with the right outputs.
      expect(await graphOf(2)).toBe('captured');
      expect(await graphOf(5)).toBe('captured');
    } finally {
      await m.dispose();
    }
  });
});

describe.skipIf(CUDA)('shape ranges on cuda', () => {
  it.skip(NO_CUDA, () => {});
});
