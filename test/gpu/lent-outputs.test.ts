/**
 * Host outputs over 64 KiB on cuda reach JavaScript as the pinned staging buffer they were
 * copied into (ExecutionContext::LendOutput), and the context stages later runs in other
 * buffers: no output a caller still holds may change under it. y = 2x (exact in fp32) over
 * 48,000 floats (192 KB): twenty sequential runs, each output kept and checked after all of
 * them; concurrent runs of one model; then the same with lending off (HYBRIDRT_LEND_OUTPUTS=0,
 * read when a context is made), so both paths are held to the same values.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, NO_CUDA, withEnv } from './helpers.js';

const N = 48_000;
const model = encodeModel(
  buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [N] }],
    outputs: [{ name: 'y' }],
    initializers: { two: { dtype: 'float32', dims: [], data: Float32Array.of(2) } },
    nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] }],
  }),
);
const input = (k: number) => Float32Array.from({ length: N }, (_, i) => k * 1000 + (i % 977) - 400);

function expectTwice(y: Float32Array, k: number) {
  const x = input(k);
  let bad = 0;
  for (let i = 0; i < N; i++) bad += y[i] === 2 * x[i]! ? 0 : 1;
  expect(bad, `run ${k}: ${bad} of ${N} values are not 2x`).toBe(0);
}

// The switch is read when a context is made, at the first run: set for the model's whole life.
const check = (env: Record<string, string>) =>
  withEnv(env, async () => {
    const m = await compile(model, { backend: 'cuda', requireFullCompilation: true });
    try {
      const kept: Float32Array[] = [];
      for (let k = 0; k < 20; k++) kept.push((await m.run({ x: input(k) })).y!.data as Float32Array);
      kept.forEach(expectTwice);
      const together = await Promise.all(Array.from({ length: 6 }, (_, j) => m.run({ x: input(100 + j) })));
      together.forEach((r, j) => expectTwice(r.y!.data as Float32Array, 100 + j));
      kept.forEach(expectTwice);
    } finally {
      await m.dispose();
    }
  });

describeIf(CUDA, 'lent host outputs (cuda)', NO_CUDA, () => {
  it('every output a caller holds keeps its own run values', async () => {
    await check({});
  }, 60_000);

  it('the same with lending off', async () => {
    await check({ HYBRIDRT_LEND_OUTPUTS: '0' });
  }, 60_000);
});
