/**
 * The cpu backend against onnxruntime-node's CPU provider, on the zoo (issue 18's benchmark).
 *
 *   npx tsx bench/cpu-vs-ort.ts [--models a,b] [--threads N] [--runs 20] [--warmup 3] [--quiet 0] [--json FILE] [--layers K]
 *
 * Promises: for each model of .zoo/models/manifest.json (bench/zoo/export.py, fetch.sh), in
 * this process, one after another: compile() on the cpu backend and an onnxruntime session of
 * the same file, both with N threads (default: every core; onnxruntime with one inter-op
 * thread, as the hybrid executor's fallback sessions), fed the same seeded random inputs (or
 * the manifest's values, e.g. Silero's sr=16000, which compile() also fixes with inputValues,
 * as bench/zoo/run.ts's --input-value does). Each runs in blocks (warm-up runs, then half the timed runs),
 * hybridrt's block first, twice over, each block after --quiet milliseconds of idling (default 0;
 * onnxruntime's pool threads spin for about 35 ms after its last run, beside the whole block of a
 * sub-millisecond model started at once, bench/block-threads.ts; but after 100 ms of idling the
 * first runs of both are slower, and at 10 runs the zoo's small rows came out worse for
 * hybridrt: docs/benchmarks.md, issue 18, "Sub-millisecond runs"); the table gives each median
 * in milliseconds and
 * the ratio hybridrt / onnxruntime (below 1: hybridrt is faster), the geometric mean and
 * median of the ratios, and per model the three layer kinds where the cpu engines spend most
 * (from one run with timing 'layers'); with --layers K, after the table, each model's K slowest
 * layers of that run (name, kind, tactic, milliseconds). Nothing is asserted: this measures,
 * tests check.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { compile } from '../src/compiler/compile.js';
import { randomTensor } from '../src/cli/random.js';
import { toOrtTensor } from '../src/onnx/ort.js';
import { inputValueTensors, parseInputValueFlags } from '../src/cli/input-flags.js';
import { arg, median } from './cli-args.js';
import { ZOO_MODELS, type ZooEntry, readZooManifest, zooEntry, zooShapes } from './zoo/manifest.js';

const MODELS = ZOO_MODELS;
type Entry = ZooEntry;

type LayerTime = { name: string; kind: string; tactic: string; ms: number };

async function measure(entry: Entry, threads: number, runs: number, warmup: number, quietMs: number) {
  const file = path.join(MODELS, entry.file);
  const values = inputValueTensors(parseInputValueFlags(Object.entries(entry.values ?? {}).map(([n, v]) => `${n}=${v}`)), entry.inputs);
  const feeds: Record<string, ort.Tensor> = {};
  for (const i of entry.inputs) {
    const t = values.get(i.name) ?? randomTensor({ name: i.name, dtype: i.dtype, dims: i.shape, seed: 0, distribution: 'uniform' });
    feeds[i.name] = toOrtTensor(t, i.name);
  }
  const model = await compile(file, {
    backend: 'cpu',
    threads,
    inputs: zooShapes(entry),
    inputValues: Object.fromEntries(values),
  });
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    // Blocks, not run-by-run alternation: onnxruntime's worker threads spin for a while after
    // each run (about 35 ms), which would take the cores from a hybridrt run started right
    // after (--quiet idles before each block; hybridrt's workers spin 200 us). Two rounds of a
    // block each, so that a drift of the machine touches both.
    const ours: number[] = [];
    const theirs: number[] = [];
    const block = async (run: () => Promise<unknown>, into: number[]) => {
      if (quietMs > 0) await new Promise((resolve) => setTimeout(resolve, quietMs));
      for (let i = 0; i < warmup; i++) await run();
      for (let i = 0; i < Math.ceil(runs / 2); i++) {
        const t = performance.now();
        await run();
        into.push(performance.now() - t);
      }
    };
    for (let round = 0; round < 2; round++) {
      await block(() => model.run(feeds), ours);
      await block(() => session.run(feeds), theirs);
    }
    // Where the engines' time goes, by layer kind.
    const { stats } = await model.runWithStats(feeds, { timing: 'layers' });
    const byKind = new Map<string, number>();
    const layers: LayerTime[] = [];
    for (const s of stats.segments) {
      for (const l of s.timing?.layers ?? []) {
        byKind.set(l.kind, (byKind.get(l.kind) ?? 0) + l.ms);
        layers.push({ name: l.name, kind: l.kind, tactic: l.tactic, ms: l.ms });
      }
    }
    const total = [...byKind.values()].reduce((a, b) => a + b, 0) || 1;
    const top = [...byKind]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, ms]) => `${k} ${Math.round((100 * ms) / total)}%`)
      .join(', ');
    return { hybrid: median(ours), ort: median(theirs), top, layers: layers.sort((a, b) => b.ms - a.ms) };
  } finally {
    await model.dispose();
    await session.release();
  }
}

async function main() {
  const manifest = readZooManifest();
  const only = arg('models', '');
  const names = only ? only.split(',') : Object.keys(manifest).sort();
  const threads = Number(arg('threads', String(os.availableParallelism())));
  const runs = Number(arg('runs', '20'));
  const warmup = Number(arg('warmup', '3'));
  const quietMs = Number(arg('quiet', '0'));
  const slowest = Number(arg('layers', '0'));
  const rows: Array<{ model: string; hybrid: number; ort: number; ratio: number; top: string; layers: LayerTime[] }> = [];
  console.log(`threads ${threads}, ${runs} runs after ${warmup} warm-up and ${quietMs} ms idle a block, medians in ms\n`);
  console.log('| model | hybridrt cpu | onnxruntime | ratio | where the engines spend |');
  console.log('|---|--:|--:|--:|---|');
  for (const name of names) {
    const entry = zooEntry(manifest, name);
    try {
      const r = await measure(entry, threads, runs, warmup, quietMs);
      const row = { model: name, hybrid: r.hybrid, ort: r.ort, ratio: r.hybrid / r.ort, top: r.top, layers: r.layers };
      rows.push(row);
      console.log(`| ${name} | ${row.hybrid.toFixed(2)} | ${row.ort.toFixed(2)} | ${row.ratio.toFixed(2)} | ${row.top} |`);
    } catch (e) {
      console.log(`| ${name} | error: ${(e as Error).message.split('\n')[0]} | | | |`);
    }
  }
  const ratios = rows.map((r) => r.ratio);
  const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / (ratios.length || 1));
  console.log(
    `\n${rows.length} models: median ratio ${median(ratios).toFixed(2)}, geometric mean ${geo.toFixed(2)}, ` +
      `above 1.5: ${rows.filter((r) => r.ratio > 1.5).length}, at or below 1.0: ${rows.filter((r) => r.ratio <= 1).length}`,
  );
  for (const r of slowest > 0 ? rows : []) {
    console.log(`\n${r.model}: the ${slowest} slowest layers of one run`);
    for (const l of r.layers.slice(0, slowest))
      console.log(`  ${l.ms.toFixed(3).padStart(8)} ms  ${l.kind.padEnd(12)} ${l.tactic.padEnd(12)} ${l.name}`);
  }
  const json = arg('json', '');
  if (json) fs.writeFileSync(json, JSON.stringify({ threads, runs, warmup, quietMs, cpu: os.cpus()[0]?.model, rows }, null, 1));
}

await main();
