/**
 * Host inputs on cuda are copied into pinned staging on the run's thread, in waves of 4 MiB
 * whose transfers overlap the next wave's copy (ExecutionContext::UploadStaged): every byte
 * of every input must reach its own place on the device. One input of 10 MB and 13 floats
 * (three waves and a tail, cut inside it) and twenty of 400,012 bytes (waves that end inside
 * one input and start in the next); y = 2 * big and z = 2 * concat(small...) are exact in
 * fp32, so each value is checked against the input it came from. Sequential runs with other
 * values each time (nothing stale), runs in flight together, and the transfer statistics; then
 * with the outputs (10 MB and 8 MB) copied out of staging in one copy over the copy threads
 * (ExecutionContext::GetOutputs) instead of lent.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, NO_CUDA, withEnv } from './helpers.js';

const BIG = 2_621_453; // floats: 10,485,812 bytes
const SMALL = 100_003;
const SMALLS = 20;
const smallNames = Array.from({ length: SMALLS }, (_, k) => `s${k}`);
const model = encodeModel(
  buildModel({
    opset: 13,
    inputs: [{ name: 'big', shape: [BIG] }, ...smallNames.map((name) => ({ name, shape: [SMALL] }))],
    outputs: [{ name: 'y' }, { name: 'z' }],
    initializers: { two: { dtype: 'float32', dims: [], data: Float32Array.of(2) } },
    nodes: [
      { op: 'Mul', inputs: ['big', 'two'], outputs: ['y'] },
      { op: 'Concat', inputs: smallNames, outputs: ['cat'], attrs: { axis: 0 } },
      { op: 'Mul', inputs: ['cat', 'two'], outputs: ['z'] },
    ],
  }),
);

// Values that differ by run, input and position (all exact in fp32, and so are their doubles).
const values = (run: number, input: number, n: number) => Float32Array.from({ length: n }, (_, i) => run * 4096 + input * 131 + (i % 8191) - 4000);
const feedsOf = (run: number) => ({
  big: values(run, 99, BIG),
  ...Object.fromEntries(smallNames.map((name, k) => [name, values(run, k, SMALL)])),
});

function expectRun(out: Record<string, { data: unknown }>, run: number) {
  const y = out.y!.data as Float32Array;
  const z = out.z!.data as Float32Array;
  expect(y.length).toBe(BIG);
  expect(z.length).toBe(SMALL * SMALLS);
  const big = values(run, 99, BIG);
  let bad = 0;
  for (let i = 0; i < BIG; i++) bad += y[i] === 2 * big[i]! ? 0 : 1;
  expect(bad, `run ${run}: ${bad} values of y are not 2 * big`).toBe(0);
  for (let k = 0; k < SMALLS; k++) {
    const s = values(run, k, SMALL);
    let wrong = 0;
    for (let i = 0; i < SMALL; i++) wrong += z[k * SMALL + i] === 2 * s[i]! ? 0 : 1;
    expect(wrong, `run ${run}: ${wrong} values of z from s${k} are not 2 * s${k}`).toBe(0);
  }
}

// The switch is read when a context is made, at the first run: set for the model's whole life.
const check = (env: Record<string, string>) =>
  withEnv(env, async () => {
    const m = await compile(model, { backend: 'cuda', requireFullCompilation: true });
    try {
      for (let run = 0; run < 4; run++) expectRun(await m.run(feedsOf(run)), run);
      const together = await Promise.all(Array.from({ length: 4 }, (_, j) => m.run(feedsOf(10 + j))));
      together.forEach((out, j) => expectRun(out, 10 + j));
      const { outputs, stats } = await m.runWithStats(feedsOf(20));
      expectRun(outputs, 20);
      expect(stats.hostToDevice).toEqual({ count: 1 + SMALLS, bytes: 4 * (BIG + SMALL * SMALLS) });
    } finally {
      await m.dispose();
    }
  });

describeIf(CUDA, 'staged host inputs (cuda)', NO_CUDA, () => {
  it('every input reaches the device whole, run after run and with runs in flight', async () => {
    await check({});
  }, 120_000);

  it('the same copied whole before the transfers (HYBRIDRT_STAGE_WAVES=0)', async () => {
    await check({ HYBRIDRT_STAGE_WAVES: '0' });
  }, 120_000);

  it('the same with both outputs copied out of staging together, not lent (HYBRIDRT_LEND_OUTPUTS=0)', async () => {
    await check({ HYBRIDRT_LEND_OUTPUTS: '0' });
  }, 120_000);
});
