/**
 * The cpu thread pool held awake during runs (native/src/util/thread_pool.h, PoolHoldBegin): runs
 * that start after the pool's worker went to sleep (the hold wakes it), and runs of two engines in
 * flight at once on worker threads (holds from two threads, nested), agree with onnxruntime; and
 * once every run has ended the process stops spinning: its CPU time over half a second of idling
 * stays far below what one spinning worker would take (a hold never released would spin it for
 * good). Tolerance: helpers/compare.ts's FP32_TOL, relative to the output's scale.
 */
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { FP32_TOL } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A product large enough that its loops are split over both threads (the blocked SGEMM), then a
// Tanh over its output (a second parallel loop).
function productModel(seed: number): Uint8Array {
  const w = randomFloat([256, 192], seed).data as Float32Array;
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [96, 256] }],
      outputs: [{ name: 'y' }],
      initializers: { w: { dtype: 'float32', dims: [256, 192], data: w } },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['z'] },
        { op: 'Tanh', inputs: ['z'], outputs: ['y'] },
      ],
    }),
  );
}

function expectClose(got: Float32Array, want: Float32Array, label: string) {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
  }
  expect(diff, label).toBeLessThanOrEqual(FP32_TOL * Math.max(scale, 1));
}

itIf(
  HAS_NATIVE,
  'runs after the pool slept and runs of two engines at once agree with onnxruntime; an idle process does not spin',
  NATIVE_MISSING,
  async () => {
    const models = [productModel(1), productModel(2)];
    const xs = [0, 1, 2, 3].map((s) => new ort.Tensor('float32', randomFloat([96, 256], 10 + s).data as Float32Array, [96, 256]));
    const refs: Float32Array[][] = [];
    for (const m of models) {
      const session = await ort.InferenceSession.create(m);
      const outs: Float32Array[] = [];
      for (const x of xs) outs.push((await session.run({ x })).y!.data as Float32Array);
      refs.push(outs);
    }
    const engines = await Promise.all(models.map((m) => compile(m, { backend: 'cpu', threads: 2, requireFullCompilation: true })));
    try {
      // Each run after a pause far past the workers' spin (200 us): they sleep, and the run's hold wakes them.
      for (let i = 0; i < 8; i++) {
        await sleep(5);
        const e = i % 2;
        const y = (await engines[e]!.run({ x: xs[i % 4]! })).y!.data as Float32Array;
        expectClose(y, refs[e]![i % 4]!, `run ${i} after a pause, engine ${e}`);
      }
      // Both engines in flight at once, several times over.
      for (let round = 0; round < 6; round++) {
        const outs = await Promise.all(engines.map((m, e) => m.run({ x: xs[(round + e) % 4]! })));
        outs.forEach((o, e) => expectClose(o.y!.data as Float32Array, refs[e]![(round + e) % 4]!, `round ${round}, engine ${e}`));
        await sleep(round % 2 ? 0 : 3);
      }
      // Idle: every hold released, the workers sleep once their spin ends.
      await sleep(50);
      const before = process.cpuUsage();
      await sleep(500);
      const used = process.cpuUsage(before);
      const ms = (used.user + used.system) / 1000;
      expect(ms, 'CPU milliseconds over 500 ms of idling (one spinning worker takes several hundred)').toBeLessThan(100);
    } finally {
      await Promise.all(engines.map((m) => m.dispose()));
    }
  },
);
