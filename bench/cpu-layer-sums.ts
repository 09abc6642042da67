/**
 * Where a zoo model's time goes on the cpu backend, by layer kind and tactic, steadier than
 * the one profiled run of cpu-vs-ort.ts: `--runs` runs with timing 'layers', each layer's
 * median, summed per kind/tactic; also the median of as many plain runs, interleaved.
 *   npx tsx bench/cpu-layer-sums.ts --models mobilenet_v2,googlenet [--runs 21] [--threads 2] [--detail TACTIC] [--qdq]
 * --detail prints the 8 slowest layers whose kind/tactic contains TACTIC. --qdq runs each
 * model's Q/DQ file instead (.zoo/models/<name>.qdq.onnx, which bench/int8-cpu.ts writes).
 * Compare two builds with HYBRIDRT_NATIVE (docs/benchmarks.md). Nothing is asserted.
 */
import path from 'node:path';
import { compile } from '../src/compiler/compile.js';
import { arg, median } from './cli-args.js';
import { ZOO_MODELS, readZooManifest, zooEntry, zooFeeds, zooShapes } from './zoo/manifest.js';

const manifest = readZooManifest();
const runs = Number(arg('runs', '21'));
const threads = Number(arg('threads', '2'));
const detail = arg('detail', '');
const qdq = process.argv.includes('--qdq');

for (const name of arg('models', 'mobilenet_v2').split(',')) {
  const entry = zooEntry(manifest, name);
  const feeds = zooFeeds(entry, 0, 'uniform');
  const model = await compile(path.join(ZOO_MODELS, qdq ? `${name}.qdq.onnx` : entry.file), {
    backend: 'cpu',
    threads,
    inputs: zooShapes(entry),
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
