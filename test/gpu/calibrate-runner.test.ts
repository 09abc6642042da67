/**
 * Calibration on the cuda engines (src/quantize/runner.ts, 'engines' with backend 'cuda': the
 * fp32 model compiled with its calibrated tensors as outputs) against onnxruntime's cpu run of
 * the same model (runner 'onnxruntime'), on test/quantize's residual CNN (helpers.ts
 * residualBnCnn): each tensor's max|x| and histogram bin width within 1e-5 relative (cuDNN's
 * fp32 convolutions sum in other orders; fp32 is fp32, no TF32: docs/cuda.md), at most 0.1% of
 * the values in another bin; and the calibration compile partitions as the plain compile does.
 */
import { expect, it } from 'vitest';
import { type CompiledModel, compile } from '../../src/compiler/compile.js';
import { modelGraph } from '../../src/quantize/calibrate.js';
import { collectStats, type TensorStats } from '../../src/quantize/collect.js';
import { calibrationBatches } from '../../src/quantize/data.js';
import { openRunner } from '../../src/quantize/runner.js';
import { activationTargets, residualTargets } from '../../src/quantize/targets.js';
import { describeIf } from '../helpers/skip.js';
import { residualBnCnn } from '../quantize/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';

const { model, data } = residualBnCnn();
const graph = modelGraph(model);
const targets = [...activationTargets(graph), ...residualTargets(graph)];
const relClose = (got: number, want: number, rel: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want));

describeIf(CUDA, 'calibration on the cuda engines', NO_CUDA, () => {
  it("collects onnxruntime's statistics within fp32 noise, and compiles as the plain compile does", async () => {
    const stats = (runner: 'engines' | 'onnxruntime') =>
      collectStats(graph, targets, calibrationBatches(data, graph.inputs), {
        histograms: true,
        progress: false,
        runner,
        compile: { backend: 'cuda', compile },
      });
    const [got, want] = [await stats('engines'), await stats('onnxruntime')];
    for (const t of targets) {
      const g = got.get(t)! as Required<TensorStats>;
      const r = want.get(t)! as Required<TensorStats>;
      relClose(g.absMax, r.absMax, 1e-5);
      relClose(g.histogram.width, r.histogram.width, 1e-5);
      let moved = 0;
      for (let k = 0; k < Math.max(g.histogram.counts.length, r.histogram.counts.length); k++)
        moved += Math.abs((g.histogram.counts[k] ?? 0) - (r.histogram.counts[k] ?? 0));
      expect(moved / 2, t).toBeLessThanOrEqual(1e-3 * r.histogram.total);
    }
    const plain = await compile(model, { backend: 'cuda' });
    const runner = await openRunner(
      graph,
      targets.filter((t) => t !== 'x'),
      'engines',
      { backend: 'cuda', compile },
    );
    try {
      await runner.run(data[0]!, 0);
      const calib = runner.compiled[0]! as CompiledModel; // what compile() made (runner.ts types it by what it uses)
      expect(calib.backend).toBe('cuda');
      const shape = (m: typeof plain) => [m.report.data.segments.map((s) => s.kind), m.report.engines.map((e) => e.layers)];
      expect(shape(calib)).toEqual(shape(plain));
    } finally {
      await runner.dispose();
      await plain.dispose();
    }
  });
});
