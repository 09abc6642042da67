/**
 * int8 against fp32 on the cpu backend, with onnxruntime's CPU provider on the same files
 * (issue 16's speed benchmark).
 *
 *   npx tsx bench/int8-cpu.ts [--models resnet18,resnet50] [--threads N] [--runs 20] [--warmup 3]
 *
 * For each zoo model (.zoo/models, bench/zoo/export.py): quantize() writes its Q/DQ form
 * (minmax calibration over 8 seeded random inputs of the manifest's shape; kept as
 * .zoo/models/<name>.qdq.onnx for later runs), then, in this process and in blocks as
 * bench/cpu-vs-ort.ts measures (warm-up, then half the timed runs, twice over), the medians of:
 * hybridrt fp32 (the fp32 file), hybridrt int8 (the Q/DQ file: the qdq pass folds its Q/DQ
 * into int8 layers), hybridrt on the Q/DQ file with HYBRIDRT_QDQ=0 (fp32 layers between the
 * Q/DQ layers: what a Q/DQ model cost before), onnxruntime fp32 and onnxruntime on the Q/DQ
 * file (its QDQ fusions into QLinearConv and friends). Also: how many layers ran int8, and the
 * largest difference between hybridrt's and onnxruntime's outputs of the Q/DQ file, relative
 * to the output's range. Nothing is asserted: this measures, tests check.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { compile } from '../src/compiler/compile.js';
import { quantize } from '../src/quantize/quantize.js';
import { arg, median } from './cli-args.js';
import { ZOO_MODELS, type ZooEntry, readZooManifest, zooEntry, zooFeeds } from './zoo/manifest.js';

const MODELS = ZOO_MODELS;
const feedsOf = (entry: ZooEntry, seed: number) => zooFeeds(entry, seed, 'uniform');

async function qdqFile(name: string, entry: ZooEntry): Promise<string> {
  const out = path.join(MODELS, `${name}.qdq.onnx`);
  if (!fs.existsSync(out)) {
    const data = Array.from({ length: 8 }, (_, k) => feedsOf(entry, 100 + k));
    await quantize(path.join(MODELS, entry.file), { data, method: 'minmax', output: out, progress: false });
  }
  return out;
}

async function main() {
  const manifest = readZooManifest();
  const names = arg('models', 'resnet18,resnet50').split(',');
  const threads = Number(arg('threads', String(os.availableParallelism())));
  const runs = Number(arg('runs', '20'));
  const warmup = Number(arg('warmup', '3'));
  console.log(`threads ${threads}, ${runs} runs after ${warmup} warm-up, medians in ms; ${os.cpus()[0]?.model}\n`);
  console.log(
    '| model | hybridrt fp32 | hybridrt int8 | int8 / fp32 | hybridrt Q/DQ, qdq off | onnxruntime fp32 | onnxruntime Q/DQ | int8 layers | int8 vs onnxruntime Q/DQ |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const name of names) {
    const entry = zooEntry(manifest, name);
    const fp32 = path.join(MODELS, entry.file);
    const qdq = await qdqFile(name, entry);
    const feeds = feedsOf(entry, 0);
    const shapes = Object.fromEntries(entry.inputs.map((i) => [i.name, i.shape]));
    const hybrid = async (file: string, qdqPass: boolean) => {
      if (!qdqPass) process.env.HYBRIDRT_QDQ = '0';
      try {
        return await compile(file, { backend: 'cpu', threads, inputs: shapes });
      } finally {
        delete process.env.HYBRIDRT_QDQ;
      }
    };
    const systems = {
      hf: await hybrid(fp32, true),
      hi: await hybrid(qdq, true),
      hq: await hybrid(qdq, false),
      of: await ort.InferenceSession.create(fp32, { intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 }),
      oq: await ort.InferenceSession.create(qdq, { intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 }),
    };
    const times: Record<string, number[]> = {};
    for (let round = 0; round < 2; round++) {
      for (const [key, s] of Object.entries(systems)) {
        const into = (times[key] ??= []);
        for (let i = 0; i < warmup; i++) await s.run(feeds);
        for (let i = 0; i < Math.ceil(runs / 2); i++) {
          const t = performance.now();
          await s.run(feeds);
          into.push(performance.now() - t);
        }
      }
    }
    const out = entry.inputs.length ? Object.keys((await systems.oq.run(feeds)) as object)[0]! : '';
    const a = (await systems.hi.run(feeds))[out]!.data as Float32Array;
    const b = (await systems.oq.run(feeds))[out]!.data as Float32Array;
    const range = Math.max(...Array.from(b, Math.abs)) || 1;
    const diff = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!))) / range;
    const int8 = systems.hi.report.engines.reduce((n, e) => n + (e.build.int8Layers ?? 0), 0);
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof systems, number>;
    console.log(
      `| ${name} | ${m.hf.toFixed(1)} | ${m.hi.toFixed(1)} | ${(m.hi / m.hf).toFixed(2)} | ${m.hq.toFixed(1)} | ${m.of.toFixed(1)} | ${m.oq.toFixed(1)} | ${int8} | ${diff.toExponential(1)} |`,
    );
    for (const s of [systems.hf, systems.hi, systems.hq]) await s.dispose();
    for (const s of [systems.of, systems.oq]) await s.release();
  }
}

await main();
