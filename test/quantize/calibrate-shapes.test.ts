/**
 * Calibration's 'engines' runner over batches of different shapes (a model with a symbolic
 * batch dim, batches of 1, 3 and 1 rows again): it compiles once per set of shapes (two
 * models, the third batch reusing the first), and the statistics are onnxruntime's over the
 * same batches within fp32 noise (max |x| relative 1e-5), so no batch is dropped or run at
 * another batch's shapes.
 */
import { expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { modelGraph } from '../../src/quantize/calibrate.js';
import { collectStats } from '../../src/quantize/collect.js';
import { calibrationBatches } from '../../src/quantize/data.js';
import { openRunner } from '../../src/quantize/runner.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf, itIf } from '../helpers/skip.js';
import { fanInWeights, smoothImage } from './helpers.js';

const w = fanInWeights(5);
//   x [N, 8] ─► MatMul(W1) ─► Relu ─► h ─► MatMul(W2) ─► y     (x and h are calibrated)
const model = buildGraph({
  inputs: [{ name: 'x', shape: ['N', 8] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 3] }],
  initializers: { W1: w([8, 6]), W2: w([6, 3]) },
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['m'] },
    { op: 'Relu', inputs: ['m'], outputs: ['h'] },
    { op: 'MatMul', inputs: ['h', 'W2'], outputs: ['y'] },
  ],
}).toModel();
// The 3-row batch holds the largest values: a runner that ran it at 1 row would miss them.
const data = [1, 3, 1].map((n, k) => ({ x: smoothImage([n, 8], k, 0.7, 0.3 + k) }));

describeIf(HAS_NATIVE, 'calibration over batches of different shapes', NATIVE_MISSING, () => {
  itIf(HAS_NATIVE, 'compiles once per set of shapes and collects what onnxruntime does', NATIVE_MISSING, async () => {
    const graph = modelGraph(model);
    const options = { backend: 'cpu' as const, threads: 1, compile };
    const runner = await openRunner(graph, ['h'], 'engines', options);
    try {
      for (const [k, feeds] of data.entries()) expect((await runner.run(feeds, k)).h!.dims).toEqual([feeds.x.dims[0], 6]);
      expect(runner.compiled).toHaveLength(2);
    } finally {
      await runner.dispose();
    }
    const stats = (r: 'engines' | 'onnxruntime') =>
      collectStats(graph, ['x', 'h'], calibrationBatches(data, graph.inputs), {
        histograms: false,
        progress: false,
        runner: r,
        compile: r === 'engines' ? options : {},
      });
    const [got, want] = [await stats('engines'), await stats('onnxruntime')];
    for (const t of ['x', 'h']) {
      expect(want.get(t)!.absMax, t).toBeGreaterThan(0);
      expect(Math.abs(got.get(t)!.absMax - want.get(t)!.absMax), t).toBeLessThanOrEqual(1e-5 * want.get(t)!.absMax);
    }
  });
});
