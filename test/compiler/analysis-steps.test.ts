/**
 * The analysis names its steps as they start (issue 17, point 6: "analysis (lowering, shape
 * probing) shows progress with elapsed time"): analyze()'s onStep and compile()'s onProgress
 * step give one step per lowering pass that runs (numbered among those that run), shape
 * inference, each probing round on onnxruntime with the count of values it probes, inference
 * again, partitioning, and in a dry run the fallback sessions it opens. The expected order is
 * written from the pipeline's description (src/compiler/analyze.ts), the pass names from the
 * lowering's one list.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { LOWERING_PASSES } from '../../src/lowering/index.js';
import { encodeModel } from '../../src/onnx/model.js';
import { rejection } from '../helpers/errors.js';

//   x[8,8] -> inverse(com.microsoft::Inverse: no inference rule, so its shape is probed) -> relu(Relu) -> y
const model = encodeModel(
  buildGraph({
    opsets: { 'com.microsoft': 1 },
    inputs: [{ name: 'x', shape: [8, 8] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    nodes: [
      { name: 'inverse', op: 'Inverse', domain: 'com.microsoft', inputs: ['x'], outputs: ['g'] },
      { name: 'relu', op: 'Relu', inputs: ['g'], outputs: ['y'] },
    ],
  }).toModel(),
);

function lowerSteps(skip: string[] = []): string[] {
  const running = LOWERING_PASSES.map((p) => p.name).filter((n) => !skip.includes(n));
  return running.map((name, i) => `lower: pass ${i + 1}/${running.length}, ${name}`);
}

const PROBED = ['infer shapes', 'probe shapes on onnxruntime, round 1: 1 value', 'infer shapes', 'partition'];

describe('the analysis names its steps', () => {
  it('analyze(): every lowering pass, inference, the probing round, partitioning; a dry run its fallback sessions', async () => {
    const steps: string[] = [];
    await analyze(model, { threads: 1, onStep: (s) => steps.push(s) });
    expect(steps).toEqual([...lowerSteps(), ...PROBED]);

    const skipped: string[] = [];
    const skip = ['fold-constants', 'sink-transposes'];
    await analyze(model, { threads: 1, skipLowering: skip, probe: false, checkFallbacks: true, onStep: (s) => skipped.push(s) });
    expect(lowerSteps(skip)).toHaveLength(LOWERING_PASSES.length - 2);
    // Without probing, the Inverse's output has no shape: both nodes run on onnxruntime, one session.
    expect(skipped).toEqual([...lowerSteps(skip), 'infer shapes', 'partition', 'open 1 fallback session']);
  });

  it("compile(): the same steps as onProgress's step, between ('analyze', 0, 1) and ('analyze', 1, 1)", async () => {
    const calls: unknown[][] = [];
    const m = await compile(model, { threads: 1, onProgress: (...args) => calls.push(args), onLog: () => {} });
    await m.dispose();
    const analyzing = calls.filter((c) => c[0] === 'analyze');
    expect(analyzing[0]).toEqual(['analyze', 0, 1]);
    expect(analyzing.at(-1)).toEqual(['analyze', 1, 1]);
    expect(analyzing.slice(1, -1)).toEqual([...lowerSteps(), ...PROBED].map((s) => ['analyze', 0, 1, s]));
    // The analysis ends before anything is built.
    expect(calls.findIndex((c) => c[0] !== 'analyze')).toBeGreaterThan(calls.indexOf(analyzing.at(-1)!));
  });

  it('onStep must be a function', async () => {
    const e = await rejection(analyze(model, { onStep: 'yes' as never }));
    expect(e.code).toBe('OPTION');
    expect(e.message).toBe('analyze options: onStep must be a function');
  });
});
