/**
 * What int8's precision policy (compile()'s int8Sensitivity and accuracyTarget,
 * src/quantize/policy.ts) does on zoo models (issue 16, point 5).
 *
 *   npx tsx bench/int8-policy.ts [--models efficientnet_b0,mobilenet_v2] [--target cosine=0.999]
 *                                [--batches 16] [--method entropy] [--threads 2] [--runs 20]
 *
 * For each zoo model (.zoo/models, bench/zoo/export.py: torchvision architectures, random
 * weights, BatchNorm statistics recomputed on standard normal inputs): calibration data is
 * `--batches` seeded standard normal inputs of the manifest's shape (the distribution the
 * BatchNorm statistics come from); held-out data 8 more seeds. Two cpu compiles: int8 as is,
 * and int8 with the policy (int8Sensitivity, accuracyTarget). Printed: the policy's own
 * figures on the calibration data (all-int8 and final agreement, passes, the layers kept with
 * what kind of layer each is), then each compiled model's cosine and top-1 agreement with
 * onnxruntime's fp32 outputs on the held-out data, and the median latency of both and of the fp32 model. Nothing is
 * asserted: this measures, tests check (test/quantize/policy.test.ts).
 */
import path from 'node:path';
import ort from 'onnxruntime-node';
import { type CompiledModel, compile } from '../src/compiler/compile.js';
import { attrInt } from '../src/ir/attributes.js';
import { AgreementMeter } from '../src/quantize/agreement.js';
import { modelGraph } from '../src/quantize/calibrate.js';
import { arg, median } from './cli-args.js';
import { ZOO_MODELS, type ZooEntry, readZooManifest, zooEntry, zooFeeds } from './zoo/manifest.js';

const MODELS = ZOO_MODELS;
const feedsOf = (entry: ZooEntry, seed: number) => zooFeeds(entry, seed, 'normal');

/** What kind of layer a node is: depthwise, squeeze-excitation (a 1x1 input), pointwise, other conv, Gemm/MatMul. */
function layerKind(file: string): (node: string) => string {
  const g = modelGraph(file);
  return (name) => {
    const n = g.node(name);
    if (!n) return '?';
    if (n.opType !== 'Conv') return n.opType;
    const w = g.constant(n.inputs[1]!)?.dims ?? g.types.get(n.inputs[1]!)?.shape;
    const x = g.types.get(n.inputs[0]!)?.shape;
    if (attrInt(n, 'group', 1) > 1 && w?.[1] === 1) return 'depthwise';
    if (x && x[2] === 1 && x[3] === 1) return 'squeeze-excitation';
    if (w && w[2] === 1 && w[3] === 1) return 'pointwise';
    return 'conv';
  };
}

async function agreement(m: CompiledModel, reference: ort.InferenceSession, held: Array<Record<string, ort.Tensor>>) {
  const meter = new AgreementMeter();
  for (const feeds of held) {
    const ref = await reference.run(feeds);
    const got = await m.run(feeds);
    for (const [name, t] of Object.entries(ref)) {
      if (t.type !== 'float32') continue;
      meter.add(name, got[name]!.data as Float32Array, t.data as Float32Array, t.dims[t.dims.length - 1] ?? 1);
    }
  }
  return meter.worst();
}

async function latency(m: CompiledModel, feeds: Record<string, ort.Tensor>, runs: number): Promise<number> {
  for (let i = 0; i < 3; i++) await m.run(feeds);
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await m.run(feeds);
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function main() {
  const manifest = readZooManifest();
  const names = arg('models', 'efficientnet_b0,mobilenet_v2').split(',');
  const target = Object.fromEntries(
    arg('target', 'cosine=0.999')
      .split(',')
      .map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]),
  );
  const batches = Number(arg('batches', '16'));
  const method = arg('method', 'entropy') as 'entropy' | 'minmax' | 'percentile';
  const threads = Number(arg('threads', '2'));
  const runs = Number(arg('runs', '20'));
  const f = (v: number) => (v >= 0.99995 && v < 1 ? v.toFixed(6) : v.toFixed(4));
  for (const name of names) {
    const entry = zooEntry(manifest, name);
    const file = path.join(MODELS, entry.file);
    const data = Array.from({ length: batches }, (_, k) => feedsOf(entry, 1000 + k));
    const held = Array.from({ length: 8 }, (_, k) => feedsOf(entry, 5000 + k));
    const shapes = Object.fromEntries(entry.inputs.map((i) => [i.name, i.shape]));
    const base = { backend: 'cpu' as const, threads, inputs: shapes, precisions: ['int8' as const], calibration: { data, method, progress: false } };
    const t0 = performance.now();
    const plain = await compile(file, base);
    const t1 = performance.now();
    const policy = await compile(file, { ...base, int8Sensitivity: true, accuracyTarget: target });
    const t2 = performance.now();
    const s = policy.report.data.int8!;
    const p = s.policy!;
    const kind = layerKind(file);
    console.log(`\n## ${name}: ${s.quantizable} quantizable layers, ${method} calibration over ${batches} inputs, target ${JSON.stringify(target)}`);
    console.log(
      `policy on the calibration data: all int8 cosine ${f(p.allInt8.cosine)} top-1 ${f(p.allInt8.top1)}; ` +
        `${p.outcome}: ${p.kept.length} kept -> cosine ${f(p.final.cosine)} top-1 ${f(p.final.top1)} (${p.evaluations} passes)`,
    );
    const counts = new Map<string, number>();
    for (const k of p.kept) counts.set(kind(k), (counts.get(kind(k)) ?? 0) + 1);
    console.log(`kept: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`);
    console.log(
      `most sensitive: ${s
        .sensitivity!.slice(0, 8)
        .map((l) => `${l.node} (${kind(l.node)}) ${f(l.cosine)}`)
        .join('; ')}`,
    );
    const cos = s.sensitivity!.map((l) => l.cosine).sort((x, y) => x - y);
    console.log(`alone in int8, cosine: lowest ${f(cos[0]!)}, median ${f(median(cos))}, highest ${f(cos[cos.length - 1]!)}`);
    const all = new Map<string, number>();
    for (const l of s.sensitivity!) all.set(kind(l.node), (all.get(kind(l.node)) ?? 0) + 1);
    console.log(`all layers: ${[...all].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    const reference = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, logSeverityLevel: 3 });
    const fp32 = await compile(file, { backend: 'cpu', threads, inputs: shapes });
    const lf = await latency(fp32, held[0]!, runs);
    await fp32.dispose();
    const a = await agreement(plain, reference, held);
    const b = await agreement(policy, reference, held);
    const la = await latency(plain, held[0]!, runs);
    const lb = await latency(policy, held[0]!, runs);
    console.log(`held-out (8 inputs), hybridrt cpu vs onnxruntime fp32 (hybridrt fp32: ${lf.toFixed(1)} ms):`);
    console.log(`  int8: cosine ${f(a.cosine)} top-1 ${f(a.top1)}, ${la.toFixed(1)} ms`);
    console.log(`  with the policy: cosine ${f(b.cosine)} top-1 ${f(b.top1)}, ${lb.toFixed(1)} ms`);
    console.log(`compile s: int8 ${((t1 - t0) / 1000).toFixed(1)}, with the policy ${((t2 - t1) / 1000).toFixed(1)}`);
    await reference.release();
    await plain.dispose();
    await policy.dispose();
  }
}

await main();
