/**
 * Where a zoo model's time goes on the cpu backend, by layer kind and tactic, steadier than
 * the one profiled run of cpu-vs-ort.ts: `--runs` runs with timing 'layers', each layer's
 * median, summed per kind/tactic; also the median of as many plain runs, interleaved.
 *   npx tsx bench/cpu-layer-sums.ts --models mobilenet_v2,googlenet [--runs 21] [--threads 2] [--detail TACTIC]
 * --detail prints the 8 slowest layers whose kind/tactic contains TACTIC. Compare two builds
 * with HYBRIDRT_NATIVE (docs/benchmarks.md). Nothing is asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../src/compiler/compile.js';
import { randomTensor } from '../src/cli/random.js';
import type { NumericDType } from '../src/onnx/dtype.js';
import { toOrtTensor } from '../src/onnx/ort.js';
import { arg, median } from './cli-args.js';

const MODELS = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), '.zoo', 'models');

type Entry = { file: string; inputs: Array<{ name: string; shape: number[]; dtype: NumericDType }> };
const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'manifest.json'), 'utf8')) as Record<string, Entry>;
const runs = Number(arg('runs', '21'));
const threads = Number(arg('threads', '2'));
const detail = arg('detail', '');

for (const name of arg('models', 'mobilenet_v2').split(',')) {
  const entry = manifest[name];
  if (!entry) throw new Error(`${name}: not in ${MODELS}/manifest.json`);
  const feeds = Object.fromEntries(
    entry.inputs.map((i) => [
      i.name,
      toOrtTensor(randomTensor({ name: i.name, dtype: i.dtype, dims: i.shape, seed: 0, distribution: 'uniform' }), i.name),
    ]),
  );
  const model = await compile(path.join(MODELS, entry.file), {
    backend: 'cpu',
    threads,
    inputs: Object.fromEntries(entry.inputs.map((i) => [i.name, i.shape])),
  });
  try {
    for (let i = 0; i < 5; i++) await model.run(feeds);
    const per = new Map<string, { what: string; ms: number[] }>();
    const plain: number[] = [];
    for (let r = 0; r < runs; r++) {
      const { stats } = await model.runWithStats(feeds, { timing: 'layers' });
      for (const s of stats.segments) {
        for (const l of s.timing?.layers ?? []) {
          const e = per.get(l.name) ?? { what: `${l.kind}/${l.tactic}`, ms: [] };
          e.ms.push(l.ms);
          per.set(l.name, e);
        }
      }
      const t = performance.now();
      await model.run(feeds);
      plain.push(performance.now() - t);
    }
    const sums = new Map<string, number>();
    for (const e of per.values()) sums.set(e.what, (sums.get(e.what) ?? 0) + median(e.ms));
    const kinds = [...sums].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${ms.toFixed(3)}`);
    console.log(`${name}: run ${median(plain).toFixed(3)} ms; ${kinds.join(', ')}`);
    if (detail) {
      const slow = [...per].filter(([, e]) => e.what.includes(detail)).sort((a, b) => median(b[1].ms) - median(a[1].ms));
      for (const [layer, e] of slow.slice(0, 8)) console.log(`  ${median(e.ms).toFixed(3)} ms  ${e.what}  ${layer}`);
    }
  } finally {
    await model.dispose();
  }
}
