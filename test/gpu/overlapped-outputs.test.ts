/**
 * Staged host outputs copied while later layers run (ExecutionContext, context_outputs.cc): each
 * output's copy waits on a second stream for the last layer that writes its memory. A KV
 * cache's shape: twelve layers h = tanh(h W_i), each followed by an output present_i =
 * concat(past_i, h) of 0.5 MB that nothing later reads; besides them an output every later
 * layer reads (a view of h_2, through Reshape), one made by the first layer from the input
 * (scaled = 2 x), and the last h. A copy that started before its layer wrote would hold the
 * previous run's values (every run has other inputs) or a partial write: each output of each
 * run is compared with onnxruntime's on the same feeds (1e-4 of the output's largest magnitude:
 * fp32 products summed in another order). With graphs (records inside the graph), without
 * (records in the stream), with the copies after the layers (HYBRIDRT_OVERLAP_OUTPUTS=0), and
 * with runs in flight together; the transfer statistics count every output once. Then a
 * dynamic row count: two shape instances in turn (each its own readiness and graph), a
 * per-layer profiled run and a coarse-timed run between, and every run's outputs read again at
 * the end (kept outputs are lent staging buffers that later runs must not write).
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel, type NodeSpec } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { maxRelError } from '../engine/helpers/compare.js';
import { randomFloat } from '../engine/helpers/random.js';
import { describeIf } from '../helpers/skip.js';
import { ortRun } from '../runtime/helpers.js';
import { CUDA, NO_CUDA, withEnv } from './helpers.js';

const LAYERS = 12;
const ROWS = 64; // rows of h
const WIDTH = 512;
const PAST = 200; // rows of each past_i
const layers = Array.from({ length: LAYERS }, (_, i) => i);

const nodes: NodeSpec[] = [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['scaled'] }];
for (const i of layers) {
  nodes.push({ op: 'MatMul', inputs: [i === 0 ? 'x' : `h${i}`, `w${i}`], outputs: [`m${i}`] });
  nodes.push({ op: 'Tanh', inputs: [`m${i}`], outputs: [i === LAYERS - 1 ? 'y' : `h${i + 1}`] });
  nodes.push({ op: 'Concat', inputs: [`past${i}`, i === LAYERS - 1 ? 'y' : `h${i + 1}`], outputs: [`present${i}`], attrs: { axis: 0 } });
}
nodes.push({ op: 'Reshape', inputs: ['h2', 'flat'], outputs: ['view'] });

const modelWithRows = (rows: number | string) =>
  encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [rows, WIDTH] }, ...layers.map((i) => ({ name: `past${i}`, shape: [PAST, WIDTH] }))],
      outputs: [...layers.map((i) => ({ name: `present${i}` })), { name: 'view' }, { name: 'scaled' }, { name: 'y' }],
      initializers: {
        two: { dtype: 'float32', dims: [], data: Float32Array.of(2) },
        flat: { dtype: 'int64', dims: [1], data: BigInt64Array.of(-1n) },
        // Scaled so that tanh stays off its flat ends and every layer changes the values.
        ...Object.fromEntries(
          layers.map((i) => [
            `w${i}`,
            { dtype: 'float32' as const, dims: [WIDTH, WIDTH], data: randomFloat([WIDTH * WIDTH], 100 + i, -0.08, 0.08).data as Float32Array },
          ]),
        ),
      },
      nodes,
    }),
  );
const model = modelWithRows(ROWS);

const feedsOf = (run: number, rows = ROWS): Record<string, ort.Tensor> => ({
  x: new ort.Tensor('float32', randomFloat([rows * WIDTH], 1000 * run + 1, -1, 1).data as Float32Array, [rows, WIDTH]),
  ...Object.fromEntries(
    layers.map((i) => [
      `past${i}`,
      new ort.Tensor('float32', randomFloat([PAST * WIDTH], 1000 * run + 10 + i, -1, 1).data as Float32Array, [PAST, WIDTH]),
    ]),
  ),
});

const outputNames = [...layers.map((i) => `present${i}`), 'view', 'scaled', 'y'];
const outputBytes = 4 * (LAYERS * (PAST + ROWS) * WIDTH + 3 * ROWS * WIDTH);

async function expectRun(got: Record<string, { data: unknown; dims: readonly number[] }>, feeds: Record<string, ort.Tensor>, label: string) {
  const rows = feeds.x!.dims[0]!;
  const want = await ortRun(rows === ROWS ? model : modelWithRows(rows), feeds);
  for (const name of outputNames) {
    expect(got[name]!.dims, `${label}: ${name}`).toEqual(want[name]!.dims);
    const err = maxRelError(got[name]!.data as Float32Array, want[name]!.data as Float32Array);
    expect(err, `${label}: ${name}`).toBeLessThanOrEqual(1e-4);
  }
}

// The switches are read when a context is made, at the first run: set for the model's whole life.
const check = (env: Record<string, string>) =>
  withEnv(env, async () => {
    const m = await compile(model, { backend: 'cuda', requireFullCompilation: true });
    try {
      for (let run = 0; run < 5; run++) await expectRun(await m.run(feedsOf(run)), feedsOf(run), `run ${run}`);
      const together = await Promise.all([10, 11, 12, 13].map((run) => m.run(feedsOf(run))));
      for (const [j, out] of together.entries()) await expectRun(out, feedsOf(10 + j), `run ${10 + j}, in flight with others`);
      const { outputs, stats } = await m.runWithStats(feedsOf(20));
      await expectRun(outputs, feedsOf(20), 'run 20');
      expect(stats.deviceToHost).toEqual({ count: outputNames.length, bytes: outputBytes });
    } finally {
      await m.dispose();
    }
  });

describeIf(CUDA, 'staged outputs copied while later layers run (cuda)', NO_CUDA, () => {
  it("every output of every run is its own run's, with CUDA graphs", async () => {
    await check({});
  }, 120_000);

  it('the same without CUDA graphs (events recorded in the stream)', async () => {
    await check({ HYBRIDRT_CUDA_GRAPHS: '0' });
  }, 120_000);

  it('the same with every copy after the layers (HYBRIDRT_OVERLAP_OUTPUTS=0)', async () => {
    await check({ HYBRIDRT_OVERLAP_OUTPUTS: '0' });
  }, 120_000);

  // A dynamic row count: each shape instance has its own readiness and graph, and the context
  // goes back and forth between two (each captured on its second run), with a per-layer
  // profiled run (copies after the layers) and a coarse-timed one between; outputs of earlier
  // runs are kept (lent staging) and must still hold their values at the end.
  it('shape instances switched back and forth, profiled runs between, kept outputs unchanged', async () => {
    const m = await compile(modelWithRows('rows'), {
      backend: 'cuda',
      requireFullCompilation: true,
      inputs: { x: { min: [1, WIDTH], opt: [16, WIDTH], max: [ROWS, WIDTH] } },
    });
    try {
      const kept: Array<[Record<string, { data: unknown; dims: readonly number[] }>, Record<string, ort.Tensor>, string]> = [];
      const plan: Array<[number, 'coarse' | 'layers' | undefined]> = [
        [ROWS, undefined],
        [8, undefined],
        [ROWS, undefined],
        [8, undefined],
        [ROWS, undefined],
        [8, 'layers'],
        [ROWS, 'coarse'],
        [8, undefined],
        [ROWS, undefined],
      ];
      for (const [run, [rows, timing]] of plan.entries()) {
        const feeds = feedsOf(30 + run, rows);
        const got = timing ? await m.run(feeds, outputNames, { timing }) : await m.run(feeds);
        const label = `run ${run}: ${rows} rows${timing ? `, timing ${timing}` : ''}`;
        await expectRun(got, feeds, label);
        kept.push([got, feeds, label]);
      }
      for (const [got, feeds, label] of kept) await expectRun(got, feeds, `${label}, read again at the end`);
    } finally {
      await m.dispose();
    }
  }, 180_000);
});
