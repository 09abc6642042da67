/**
 * What a shape range costs at run time: a model compiled once with a range against the same
 * model compiled static at each shape it is run at (min, opt, max), median latency of runs
 * alternated between the two in one process, and the first run at a shape the range had not
 * met (what preparing it took: the engines' per-shape instances, `timing.prepareMs`, and the
 * run's wall time against the median).
 *
 *   npx tsx bench/shape-ranges.ts [--runs 30] [--backend cpu|cuda] [--precision fp16]
 *                                 [--only resnet_mini,...] [--models-dir DIR]
 *
 * Models: examples/resnet_mini.onnx (batch 1..16), light_resnet50 of the ONNX conformance data
 * rewritten with a dynamic batch (1..8; skipped without the data), examples/transformer_block.onnx
 * (batch 1..4, sequence 1..128) and the masked attention block of the tests (batch and sequence);
 * with --models-dir, torchvision resnet50 (batch 1..32) and BERT-base (batch 1..8, sequence
 * 16..256) as `python3 bench/gpu-models.py --export-dynamic --models DIR` writes them.
 * Each run of the range engine at a shape is also held against onnxruntime (CPU) on the same
 * feeds: the `err` column is max |a - b| / max |b| over the outputs.
 * Results and the machine they came from: docs/benchmarks.md ("Shape ranges").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { compile } from '../src/index.js';
import type { ShapeRange } from '../src/compiler/profiles.js';
import { conformanceDir } from '../test/helpers/conformance.js';
import { dataInputs, withDynamicBatch } from '../test/helpers/dynamic-batch.js';
import { maskedAttention, paddingMask } from '../test/helpers/masked-attention.js';
import { ortRun, relativeError } from '../test/runtime/helpers.js';
import { arg, median } from './cli-args.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(arg('runs', '30'));
const backend = arg('backend', 'cpu') as 'cpu' | 'cuda';
const only = arg('only', '').split(',').filter(Boolean);
const precisions = arg('precision', '') ? [arg('precision', '') as 'fp16'] : undefined;
const modelsDir = arg('models-dir', '');

interface Case {
  name: string;
  model: string | Uint8Array;
  /** The ranged input; other inputs follow it through shared symbols. */
  input: string;
  range: ShapeRange;
  /** A shape inside the range that none of min, opt, max is. */
  fresh: number[];
  feeds: (shape: number[]) => Record<string, ort.Tensor>;
}

const ramp = (dims: number[]) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.37 * i)),
    dims,
  );
/** Token ids in BERT's vocabulary, the same for a shape on every call. */
const tokens = (dims: number[]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => BigInt((i * 7919) % 30000) + 1n),
    dims,
  );
const exported = (name: string) => (modelsDir ? path.join(modelsDir, `${name}_dyn.onnx`) : '');
const light = conformanceDir() && path.join(conformanceDir()!, 'light', 'light_resnet50.onnx');
const cases: Case[] = [
  {
    name: 'resnet_mini',
    model: path.join(root, 'examples', 'resnet_mini.onnx'),
    input: 'input',
    range: { min: [1, 3, 64, 64], opt: [8, 3, 64, 64], max: [16, 3, 64, 64] },
    fresh: [5, 3, 64, 64],
    feeds: (s) => ({ input: ramp(s) }),
  },
  ...(light && fs.existsSync(light)
    ? [
        {
          name: 'light_resnet50',
          model: withDynamicBatch(light),
          input: dataInputs(light)[0]!,
          range: { min: [1, 3, 224, 224], opt: [4, 3, 224, 224], max: [8, 3, 224, 224] },
          fresh: [3, 3, 224, 224],
          feeds: (s: number[]) => ({ [dataInputs(light)[0]!]: ramp(s) }),
        },
      ]
    : []),
  {
    name: 'transformer_block',
    model: path.join(root, 'examples', 'transformer_block.onnx'),
    input: 'hidden_states',
    range: { min: [1, 1, 64], opt: [2, 64, 64], max: [4, 128, 64] },
    fresh: [3, 77, 64],
    feeds: (s) => ({ hidden_states: ramp(s) }),
  },
  {
    name: 'masked_attention',
    model: maskedAttention(),
    input: 'x',
    range: { min: [1, 1, 16], opt: [4, 64, 16], max: [8, 128, 16] },
    fresh: [5, 100, 16],
    feeds: ([b, s]) => ({ x: ramp([b!, s!, 16]), mask: new ort.Tensor('float32', paddingMask(b!, s!, 1), [b!, s!]) }),
  },
  ...(fs.existsSync(exported('resnet50'))
    ? [
        {
          name: 'resnet50',
          model: exported('resnet50'),
          input: 'input',
          range: { min: [1, 3, 224, 224], opt: [8, 3, 224, 224], max: [32, 3, 224, 224] },
          fresh: [5, 3, 224, 224],
          feeds: (s: number[]) => ({ input: ramp(s) }),
        },
      ]
    : []),
  ...(fs.existsSync(exported('bert_base'))
    ? [
        {
          name: 'bert_base',
          model: exported('bert_base'),
          input: 'input_ids',
          range: { min: [1, 16], opt: [4, 128], max: [8, 256] },
          fresh: [3, 77],
          feeds: (s: number[]) => ({ input_ids: tokens(s) }),
        },
      ]
    : []),
];

type Model = Awaited<ReturnType<typeof compile>>;

/** max |a - b| / max |b| over the outputs of the model and of onnxruntime on the same feeds (the tests' measure). */
async function agreement(m: Model, model: string | Uint8Array, feeds: Record<string, ort.Tensor>): Promise<number> {
  const [got, want] = [await m.run(feeds), await ortRun(model, feeds)];
  return Math.max(...Object.entries(want).map(([name, t]) => relativeError(got[name]!, t)));
}
async function time(m: Model, feeds: Record<string, ort.Tensor>): Promise<number> {
  const t0 = performance.now();
  await m.run(feeds);
  return performance.now() - t0;
}

/** Medians of `RUNS` runs of each model on the same feeds, alternated so that drift hits both alike. */
async function duel(a: Model, b: Model, feeds: Record<string, ort.Tensor>): Promise<[number, number]> {
  for (let i = 0; i < 3; i++) {
    await time(a, feeds);
    await time(b, feeds);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ta.push(await time(a, feeds));
    tb.push(await time(b, feeds));
  }
  return [median(ta), median(tb)];
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(3) : ms.toFixed(2));
console.log(
  `# shape ranges, ${backend} backend${precisions ? ` ${precisions[0]}` : ''}, ${RUNS} runs each, ${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, node ${process.version}`,
);
console.log('| model | shape | static ms | range ms | range / static | err | first run at a new shape |');
console.log('|---|---|---|---|---|---|---|');
for (const c of cases) {
  if (only.length && !only.includes(c.name)) continue;
  const ranged = await compile(c.model, { backend, precisions, inputs: { [c.input]: c.range } });
  try {
    for (const end of ['min', 'opt', 'max'] as const) {
      const shape = c.range[end];
      const fixed = await compile(c.model, { backend, precisions, inputs: { [c.input]: shape } });
      try {
        const [s, r] = await duel(fixed, ranged, c.feeds(shape));
        const err = await agreement(ranged, c.model, c.feeds(shape));
        console.log(`| ${c.name} | ${end} [${shape.join(',')}] | ${fmt(s)} | ${fmt(r)} | ${(r / s).toFixed(3)} | ${err.toExponential(1)} | |`);
      } finally {
        await fixed.dispose();
      }
    }
    // The first run at a shape no run has met: its wall time, the preparation inside it, and
    // the median of the runs after it.
    const feeds = c.feeds(c.fresh);
    const first = await ranged.runWithStats(feeds, { timing: 'coarse' });
    const prepare = first.stats.segments.reduce((a, s) => a + (s.timing?.prepareMs ?? 0), 0);
    const after: number[] = [];
    for (let i = 0; i < Math.max(5, RUNS / 3); i++) after.push(await time(ranged, feeds));
    const later = median(after);
    const err = await agreement(ranged, c.model, feeds);
    console.log(
      `| ${c.name} | new [${c.fresh.join(',')}] | | ${fmt(later)} | | ${err.toExponential(1)} | ${fmt(first.stats.ms)} ms (prepare ${fmt(prepare)} ms, then ${fmt(later)} ms) |`,
    );
  } finally {
    await ranged.dispose();
  }
}
