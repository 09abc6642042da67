/**
 * What a cpu run costs outside its layers (issue 18): per zoo model, the median wall time of
 * model.run(), of the engine's own time (timing 'coarse': computeMs, the layer loop), and two
 * sums of the per-layer times (timing 'layers'): the median of each run's sum, and the sum of
 * each layer's median (lower: a sum of medians is not the median of the sums). The three kinds
 * of run are interleaved. Then a one-layer engine (GlobalAveragePool over 1 x 1000 x 7 x 7, a
 * 4000-byte output), where the run is nearly all overhead, against an onnxruntime-node session
 * of the same model, in alternated blocks.
 *   npx tsx bench/run-overhead.ts [--models mobilenet_v2,squeezenet1_1] [--runs 201] [--threads 2]
 * HYBRIDRT_INLINE_RUN_US=0 puts every engine run on a worker thread (src/engine/run-placement.ts).
 * Nothing is asserted.
 */
import path from 'node:path';
import ort from 'onnxruntime-node';
import { inputValueTensors, parseInputValueFlags } from '../src/cli/input-flags.js';
import { compile } from '../src/compiler/compile.js';
import { buildModel } from '../src/ir/model-builder.js';
import { encodeModel } from '../src/onnx/model.js';
import { arg, median } from './cli-args.js';
import { ZOO_MODELS, readZooManifest, zooEntry, zooFeeds, zooShapes } from './zoo/manifest.js';

const runs = Number(arg('runs', '201'));
const threads = Number(arg('threads', '2'));
const ms = (x: number) => x.toFixed(3);
const manifest = readZooManifest();

for (const name of arg('models', 'mobilenet_v2,squeezenet1_1').split(',')) {
  const entry = zooEntry(manifest, name);
  // The manifest's values (Silero's sr=16000) fixed at compile time, as cpu-vs-ort.ts does, and left out of the feeds.
  const values = inputValueTensors(parseInputValueFlags(Object.entries(entry.values ?? {}).map(([n, v]) => `${n}=${v}`)), entry.inputs);
  const feeds = zooFeeds(entry, 0, 'uniform');
  for (const n of values.keys()) delete feeds[n];
  const model = await compile(path.join(ZOO_MODELS, entry.file), {
    backend: 'cpu',
    threads,
    inputs: zooShapes(entry),
    inputValues: Object.fromEntries(values),
  });
  try {
    for (let i = 0; i < 10; i++) await model.run(feeds);
    const wall: number[] = [];
    const compute: number[] = [];
    const sums: number[] = [];
    const perLayer = new Map<string, number[]>();
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      await model.run(feeds);
      wall.push(performance.now() - t);
      const coarse = await model.runWithStats(feeds, { timing: 'coarse' });
      compute.push(coarse.stats.segments.reduce((a, s) => a + (s.timing?.computeMs ?? 0), 0));
      const layers = await model.runWithStats(feeds, { timing: 'layers' });
      let sum = 0;
      for (const s of layers.stats.segments) {
        for (const l of s.timing?.layers ?? []) {
          sum += l.ms;
          const times = perLayer.get(l.name) ?? [];
          times.push(l.ms);
          perLayer.set(l.name, times);
        }
      }
      sums.push(sum);
    }
    const sumOfMedians = [...perLayer.values()].reduce((a, v) => a + median(v), 0);
    const run = median(wall);
    const inside = median(compute);
    console.log(
      `${name}: run ${ms(run)} ms, engine compute ${ms(inside)} (outside it ${ms(run - inside)}), ` +
        `layer times: median of sums ${ms(median(sums))}, sum of medians ${ms(sumOfMedians)}; ${runs} runs each`,
    );
  } finally {
    await model.dispose();
  }
}

// The one-layer model: hybridrt's and onnxruntime's fixed cost per run.
const shape = [1, 1000, 7, 7];
const bytes = encodeModel(
  buildModel({ inputs: [{ name: 'x', shape }], outputs: [{ name: 'y' }], nodes: [{ op: 'GlobalAveragePool', inputs: ['x'], outputs: ['y'] }] }),
);
const x = new ort.Tensor(
  'float32',
  Float32Array.from({ length: 49000 }, (_, i) => Math.sin(i)),
  shape,
);
const ours = await compile(bytes, { backend: 'cpu', threads, minBlockSize: 1, requireFullCompilation: true });
const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
const blocks: Record<string, number[]> = { hybridrt: [], onnxruntime: [] };
const runners: Record<string, () => Promise<unknown>> = { hybridrt: () => ours.run({ x }), onnxruntime: () => session.run({ x }) };
for (const f of Object.values(runners)) for (let i = 0; i < 200; i++) await f();
for (let b = 0; b < 10; b++) {
  for (const [k, f] of Object.entries(runners)) {
    const ts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await f();
      ts.push(performance.now() - t);
    }
    blocks[k]!.push(median(ts) * 1000);
  }
}
console.log(
  `one layer (GlobalAveragePool, 1x1000x7x7): hybridrt ${median(blocks.hybridrt!).toFixed(1)} us, onnxruntime ` +
    `${median(blocks.onnxruntime!).toFixed(1)} us (medians of 10 alternated blocks of 200 runs)`,
);
await ours.dispose();
await session.release();
