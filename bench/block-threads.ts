/**
 * Where the threads of a cpu-vs-ort.ts block go (issue 18): that script's pattern (per model, a
 * block of hybridrt runs, then one of onnxruntime's, twice over, each block after --quiet ms of
 * idling), and per block the median run, hybridrt's median engine time (its runs take timing
 * 'coarse' here: computeMs, the layers), and for each thread of the process that ran or waited:
 * the milliseconds it spent on a CPU and waiting in a run queue for one (Linux schedstat), and
 * the CPU it last ran on. Threads are named by who made them: js (the JavaScript thread),
 * hybridrt (made while compiling or first running the model: the addon's pool worker, libuv's
 * workers), onnxruntime (made with its session), other (Node's own).
 *   npx tsx bench/block-threads.ts [--models oww_timer] [--runs 100] [--warmup 3] [--threads 2] [--quiet 0]
 * Linux only (/proc/self/task). Nothing is asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { compile } from '../src/compiler/compile.js';
import { inputValueTensors, parseInputValueFlags } from '../src/cli/input-flags.js';
import { arg, median } from './cli-args.js';
import { ZOO_MODELS, readZooManifest, zooEntry, zooFeeds, zooShapes } from './zoo/manifest.js';

interface ThreadTimes {
  runNs: number;
  waitNs: number;
  cpu: string;
}

function threadTimes(): Map<string, ThreadTimes> {
  const out = new Map<string, ThreadTimes>();
  for (const t of fs.readdirSync('/proc/self/task')) {
    try {
      const [run, wait] = fs.readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ').map(Number);
      // Field 39 of stat (processor), counted after the command's closing parenthesis.
      const cpu = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ')[36]!;
      out.set(t, { runNs: run!, waitNs: wait!, cpu });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

const runs = Number(arg('runs', '100'));
const warmup = Number(arg('warmup', '3'));
const threads = Number(arg('threads', '2'));
const quietMs = Number(arg('quiet', '0'));
const manifest = readZooManifest();
const owner = new Map<string, string>([[String(process.pid), 'js']]);
const claim = (who: string) => {
  for (const t of fs.readdirSync('/proc/self/task')) if (!owner.has(t)) owner.set(t, who);
};
claim('other');

for (const name of arg('models', 'oww_timer').split(',')) {
  const entry = zooEntry(manifest, name);
  const values = inputValueTensors(parseInputValueFlags(Object.entries(entry.values ?? {}).map(([n, v]) => `${n}=${v}`)), entry.inputs);
  const ortFeeds = zooFeeds(entry, 0, 'uniform');
  for (const [n, v] of values) ortFeeds[n] = new ort.Tensor(v.dtype as ort.Tensor.Type, v.data as never, v.dims);
  const feeds = { ...ortFeeds };
  for (const n of values.keys()) delete feeds[n];
  const file = path.join(ZOO_MODELS, entry.file);
  const model = await compile(file, { backend: 'cpu', threads, inputs: zooShapes(entry), inputValues: Object.fromEntries(values) });
  await model.run(feeds);
  claim('hybridrt');
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 });
  await session.run(ortFeeds);
  claim('onnxruntime');
  for (let round = 0; round < 2; round++) {
    for (const lib of ['hybridrt', 'onnxruntime'] as const) {
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      // hybridrt's runs with timing 'coarse': the engines' computeMs, the layers alone.
      const run = async (): Promise<number | undefined> => {
        if (lib === 'onnxruntime') return void (await session.run(ortFeeds));
        const { stats } = await model.runWithStats(feeds, { timing: 'coarse' });
        return stats.segments.reduce((a, s) => a + (s.timing?.computeMs ?? 0), 0);
      };
      for (let i = 0; i < warmup; i++) await run();
      const before = threadTimes();
      const wall: number[] = [];
      const compute: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const c = await run();
        wall.push(performance.now() - t);
        if (c !== undefined) compute.push(c);
      }
      const after = threadTimes();
      const busy: string[] = [];
      for (const [t, a] of after) {
        const b = before.get(t) ?? { runNs: 0, waitNs: 0 };
        const on = (a.runNs - b.runNs) / 1e6;
        const waited = (a.waitNs - b.waitNs) / 1e6;
        if (on >= 0.05 || waited >= 0.05) busy.push(`${owner.get(t) ?? 'other'}:${t} ${on.toFixed(1)}/${waited.toFixed(1)} cpu${a.cpu}`);
      }
      const us = (xs: number[]) => (median(xs) * 1000).toFixed(1);
      console.log(
        `${name} ${lib} round ${round}: run ${us(wall)} us` +
          (compute.length ? `, layers (computeMs) ${us(compute)} us` : '') +
          `; threads (ms on a cpu / ms waiting for one): ${busy.join(', ')}`,
      );
    }
  }
  await model.dispose();
  await session.release();
}
