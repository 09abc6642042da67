/**
 * Calibration on the compiled model against calibration on onnxruntime (issue 16, point 1:
 * src/quantize/runner.ts's 'engines' and 'onnxruntime' runners).
 *
 *   npx tsx bench/calibration-runner.ts [--models resnet18,mobilenet_v2] [--batches 32]
 *                                        [--eval 8] [--threads N] [--partition-only]
 *
 * Per zoo model (.zoo/models), over `--batches` seeded batches of the manifest's shape
 * (uniform values, as bench/int8-cpu.ts calibrates): the statistics collected by each runner
 * (collect.ts, histograms on: what entropy and percentile need), timed whole (the engines
 * runner's compile of the model with its calibrated tensors as outputs included, and said
 * apart); the partition of that calibration compile against the plain compile (engine and
 * fallback segments, engine layers); the scales each method derives from either runner's
 * statistics (the largest relative difference per method, how many tensors differ at all,
 * and, for scale, the same between onnxruntime's session with graph optimizations off, the
 * runner's, and on: its own fp32 noise); and the int8 model quantize() makes from either (entropy), compiled for the cpu
 * backend and run on `--eval` held-out inputs against onnxruntime's fp32 run: cosine over all
 * output values and top-1 agreement. `--partition-only` stops after the partitions. Nothing is
 * asserted: this measures, tests check.
 */
import os from 'node:os';
import path from 'node:path';
import type ort from 'onnxruntime-node';
import ortNode from 'onnxruntime-node';
import { type CompiledModel, compile } from '../src/compiler/compile.js';
import { modelGraph } from '../src/quantize/calibrate.js';
import { collectStats, type TensorStats } from '../src/quantize/collect.js';
import { calibrationBatches } from '../src/quantize/data.js';
import { entropyAmax } from '../src/quantize/entropy.js';
import { AbsHistogram, percentileAmax } from '../src/quantize/histogram.js';
import { encodeModel } from '../src/onnx/model.js';
import { quantize } from '../src/quantize/quantize.js';
import { type CalibrationRunner, openRunner, withOutputs } from '../src/quantize/runner.js';
import { activationTargets, residualTargets } from '../src/quantize/targets.js';
import { arg } from './cli-args.js';
import { ZOO_MODELS, readZooManifest, zooEntry, zooFeeds } from './zoo/manifest.js';

const threads = Number(arg('threads', String(os.availableParallelism())));
const batches = Number(arg('batches', '32'));
const evalCount = Number(arg('eval', '8'));
const partitionOnly = process.argv.includes('--partition-only');
const RUNNERS: CalibrationRunner[] = ['onnxruntime', 'engines'];

function scales(stats: Map<string, TensorStats>): Record<string, Map<string, number>> {
  const of = (f: (s: TensorStats) => number) => new Map([...stats].map(([t, s]) => [t, f(s)]));
  return {
    minmax: of((s) => s.absMax),
    percentile: of((s) => percentileAmax(s.histogram!, 99.99)),
    entropy: of((s) => entropyAmax(s.histogram!)),
  };
}

function agreement(got: Float32Array[], ref: Float32Array[], classes: number): { cosine: number; top1: number } {
  let dot = 0,
    na = 0,
    nb = 0,
    rows = 0,
    same = 0;
  got.forEach((a, k) => {
    const b = ref[k]!;
    for (let i = 0; i < b.length; i++) ((dot += a[i]! * b[i]!), (na += a[i]! * a[i]!), (nb += b[i]! * b[i]!));
    for (let r = 0; r + classes <= b.length; r += classes) {
      let ia = r,
        ib = r;
      for (let j = r; j < r + classes; j++) {
        if (a[j]! > a[ia]!) ia = j;
        if (b[j]! > b[ib]!) ib = j;
      }
      rows++;
      if (ia - r === ib - r) same++;
    }
  });
  return { cosine: dot / Math.sqrt(na * nb), top1: same / rows };
}

async function main() {
  const manifest = readZooManifest();
  console.log(`threads ${threads}, ${batches} calibration batches, ${evalCount} held-out inputs; ${os.cpus()[0]?.model}\n`);
  for (const name of arg('models', 'resnet18,mobilenet_v2').split(',')) {
    const entry = zooEntry(manifest, name);
    const file = path.join(ZOO_MODELS, entry.file);
    const shapes = Object.fromEntries(entry.inputs.map((i) => [i.name, i.shape]));
    const data = Array.from({ length: batches }, (_, k) => zooFeeds(entry, 100 + k, 'uniform'));
    const graph = modelGraph(file);
    const targets = [...activationTargets(graph), ...residualTargets(graph)];
    const compileOptions = { backend: 'cpu' as const, threads, compile };
    console.log(`## ${name}: ${targets.length} calibrated tensors`);
    if (!targets.length) continue;

    // The partition: the plain compile against the calibration compile.
    const plain = await compile(file, { ...compileOptions, inputs: shapes });
    const runner = await openRunner(
      graph,
      targets.filter((t) => !graph.inputs.includes(t)),
      'engines',
      compileOptions,
    );
    const t0 = performance.now();
    await runner.run(data[0]!, 0);
    const firstMs = performance.now() - t0;
    const calib = runner.compiled[0]! as CompiledModel; // what compile() made
    const part = (m: typeof plain) => {
      const s = m.report.data.summary;
      return `${s.engineSegments} engine / ${s.fallbackSegments} fallback segment(s), ${m.report.engines.reduce((n, e) => n + e.layers, 0)} engine layers`;
    };
    console.log(`plain compile: ${part(plain)}; calibration compile: ${part(calib)} (compile and first batch ${firstMs.toFixed(0)} ms)`);
    await runner.dispose();
    if (partitionOnly) {
      await plain.dispose();
      continue;
    }

    const stats: Partial<Record<CalibrationRunner, Map<string, TensorStats>>> = {};
    for (const r of RUNNERS) {
      const t = performance.now();
      stats[r] = await collectStats(graph, targets, calibrationBatches(data, graph.inputs), {
        histograms: true,
        progress: false,
        runner: r,
        compile: compileOptions,
      });
      console.log(`statistics on ${r}: ${((performance.now() - t) / 1000).toFixed(2)} s`);
    }
    // onnxruntime's own fp32 noise, for scale: its session with graph optimizations on (Conv+BN
    // folded, other sums) against the runner's (optimizations off), over the same batches.
    const optimized = new Map<string, TensorStats>(targets.map((t) => [t, { absMax: 0, histogram: new AbsHistogram() }]));
    const session = await ortNode.InferenceSession.create(
      encodeModel(
        withOutputs(
          graph,
          targets.filter((t) => !graph.inputs.includes(t)),
        ),
      ),
      { intraOpNumThreads: threads, logSeverityLevel: 3 },
    );
    for (const f of data) {
      const o = await session.run(f);
      for (const t of targets) {
        const s = optimized.get(t)!;
        s.histogram!.add((o[t] ?? f[t])!.data as Float32Array);
        s.absMax = s.histogram!.absMax;
      }
    }
    await session.release();
    const base = scales(stats.onnxruntime!);
    for (const [label, other] of [
      ['engines', scales(stats.engines!)],
      ['onnxruntime optimized', scales(optimized)],
    ] as const) {
      for (const method of Object.keys(base)) {
        let worst = 0,
          at = '',
          differ = 0;
        for (const [t, v] of base[method]!) {
          const d = Math.abs(other[method]!.get(t)! - v) / (v || 1);
          if (d > worst) ((worst = d), (at = t));
          if (d > 0) differ++;
        }
        const bins = at ? ` (${at}: ${((worst * base[method]!.get(at)!) / stats.onnxruntime!.get(at)!.histogram!.width).toFixed(1)} bins)` : '';
        console.log(
          `${label} vs onnxruntime, ${method}: largest relative scale difference ${worst.toExponential(2)}${bins}, ${differ}/${targets.length} tensors differ`,
        );
      }
    }

    // The int8 model from either runner's calibration, against onnxruntime's fp32 run.
    const fp32 = await ortNode.InferenceSession.create(file, { intraOpNumThreads: threads, logSeverityLevel: 3 });
    const held = Array.from({ length: evalCount }, (_, k) => zooFeeds(entry, 1000 + k, 'uniform'));
    const out = fp32.outputNames[0]!;
    const ref: Float32Array[] = [];
    for (const f of held) ref.push((await fp32.run(f))[out]!.data as Float32Array);
    await fp32.release();
    const classes = ref[0]!.length;
    for (const r of RUNNERS) {
      const t = performance.now();
      const q = await quantize(file, {
        data,
        method: 'entropy',
        runner: r,
        ...(r === 'engines' ? { backend: 'cpu' as const } : {}),
        progress: false,
      });
      const qMs = performance.now() - t;
      const m = await compile(q.model, { ...compileOptions, inputs: shapes });
      const got: Float32Array[] = [];
      for (const f of held) got.push(((await m.run(f as Record<string, ort.Tensor>)) as Record<string, ort.Tensor>)[out]!.data as Float32Array);
      await m.dispose();
      const g = agreement(got, ref, classes);
      console.log(`int8 (entropy, calibrated on ${r}; quantize() ${(qMs / 1000).toFixed(2)} s): cosine ${g.cosine.toFixed(6)}, top-1 ${g.top1}`);
    }
    await plain.dispose();
    console.log('');
  }
}

await main();
