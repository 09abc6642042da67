/**
 * One zoo model's layers on the cpu backend against onnxruntime's nodes of the same names
 * (issue 18): each of our layers' median time over `--runs` runs with timing 'layers', and
 * onnxruntime's median kernel time of its nodes from its own profiler (CPU provider, the same
 * thread count, default graph optimizations). onnxruntime renames the nodes it fuses (after
 * their outputs), so convolutions are paired by their weights' shape, in order: our k-th
 * convolution layer with weights of a shape (read from the model's node of the layer's name)
 * with onnxruntime's k-th Conv node whose second input has that shape (both in execution
 * order; by order alone, ResNet's downsamples, which onnxruntime runs before the block's last
 * convolution and hybridrt after it, were set beside each other's node); a layer whose node
 * is not in the model falls back to the order of all convolutions. Other layers by name where
 * the names agree.
 * Prints the `--top` layers where we lose the most time against onnxruntime, then the sums, and
 * with `--by-kind` both sides summed by layer kind (ours) and by op type (onnxruntime's nodes):
 * where the names do not pair (transformers), that says which kinds of work differ.
 * Nothing is asserted.
 *   npx tsx bench/layers-vs-ort.ts --model resnet50 [--runs 21] [--threads 2] [--top 20] [--by-kind]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { compile } from '../src/compiler/compile.js';
import { loadModelProto } from '../src/onnx/model.js';
import { arg, median } from './cli-args.js';
import { ZOO_MODELS, readZooManifest, zooEntry, zooFeeds, zooShapes } from './zoo/manifest.js';

const name = arg('model', 'resnet50');
const runs = Number(arg('runs', '21'));
const threads = Number(arg('threads', '2'));
const top = Number(arg('top', '20'));
const entry = zooEntry(readZooManifest(), name);
const file = path.join(ZOO_MODELS, entry.file);
const feeds = zooFeeds(entry, 0, 'uniform');

const ours = new Map<string, { what: string; kind: string; ms: number[] }>();
const model = await compile(file, { backend: 'cpu', threads, inputs: zooShapes(entry) });
try {
  for (let i = 0; i < 5; i++) await model.run(feeds);
  for (let r = 0; r < runs; r++) {
    const { stats } = await model.runWithStats(feeds, { timing: 'layers' });
    for (const s of stats.segments) {
      for (const l of s.timing?.layers ?? []) {
        const e = ours.get(l.name) ?? { what: `${l.kind}/${l.tactic}`, kind: l.kind, ms: [] };
        e.ms.push(l.ms);
        ours.set(l.name, e);
      }
    }
  }
} finally {
  await model.dispose();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-vs-ort-'));
const theirs = new Map<string, { op: string; ms: number[]; weights: string }>();
const session = await ort.InferenceSession.create(file, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
  enableProfiling: true,
  profileFilePrefix: path.join(dir, 'ort'),
});
for (let i = 0; i < 5; i++) await session.run(feeds);
for (let r = 0; r < runs; r++) await session.run(feeds);
session.endProfiling();
await session.release();
const profile = fs.readdirSync(dir).find((f) => f.endsWith('.json'));
if (!profile) throw new Error('onnxruntime wrote no profile');
type Event = { cat: string; name: string; dur: number; args?: { op_name?: string; input_type_shape?: Array<Record<string, number[]>> } };
const events = JSON.parse(fs.readFileSync(path.join(dir, profile), 'utf8')) as Event[];
fs.rmSync(dir, { recursive: true, force: true });
// Node events are "<node name>_kernel_time"; the first 5 runs were warm-up.
const perNode = new Map<string, number[]>();
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
  const node = e.name.slice(0, -'_kernel_time'.length);
  const list = perNode.get(node) ?? [];
  list.push(e.dur / 1000);
  perNode.set(node, list);
  const w = e.args?.input_type_shape?.[1];
  if (!theirs.has(node)) theirs.set(node, { op: e.args?.op_name ?? '?', ms: [], weights: w ? JSON.stringify(Object.values(w)[0]) : '' });
}
for (const [node, list] of perNode) theirs.get(node)!.ms = list.slice(-runs);

const theirConvs = [...theirs].filter(([, t]) => t.op === 'Conv' || t.op === 'FusedConv').map(([, t]) => t);
// The model's Conv nodes' weight shapes, by node name (= our layer's name).
const weightShapes = new Map<string, string>();
{
  const g = loadModelProto(file).graph!;
  const dims = new Map(g.initializer.map((t) => [t.name ?? '', JSON.stringify(t.dims.map(Number))]));
  for (const n of g.node) if (n.opType === 'Conv' && n.name && dims.has(n.input[1] ?? '')) weightShapes.set(n.name, dims.get(n.input[1]!)!);
}
const taken = new Set<(typeof theirConvs)[number]>();
let conv = 0;
const pairConv = (layer: string) => {
  const shape = weightShapes.get(layer);
  const t = shape ? theirConvs.find((c) => c.weights === shape && !taken.has(c)) : theirConvs[conv];
  conv++;
  if (t) taken.add(t);
  return t;
};
const rows = [...ours].map(([layer, e]) => {
  const t = e.kind === 'convolution' ? pairConv(layer) : theirs.get(layer);
  return { layer, what: e.what, ours: median(e.ms), theirs: t ? median(t.ms) : NaN, op: t?.op ?? '' };
});
rows.sort((a, b) => b.ours - (b.theirs || 0) - (a.ours - (a.theirs || 0)));
console.log(`${name}: ${threads} threads, ${runs} runs, medians in ms (ours: timing 'layers'; onnxruntime: its profiler)`);
for (const r of rows.slice(0, top)) {
  console.log(
    `  ${r.ours.toFixed(3).padStart(7)} ${Number.isNaN(r.theirs) ? '      -' : r.theirs.toFixed(3).padStart(7)}  ${r.what.padEnd(26)} ${r.op.padEnd(12)} ${r.layer}`,
  );
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const matched = rows.filter((r) => !Number.isNaN(r.theirs));
console.log(
  `sum of our layers ${sum(rows.map((r) => r.ours)).toFixed(3)} ms; onnxruntime's nodes ${sum([...theirs.values()].map((t) => median(t.ms))).toFixed(3)} ms; matched by name: ${matched.length} of ${rows.length} (ours ${sum(matched.map((r) => r.ours)).toFixed(3)}, theirs ${sum(matched.map((r) => r.theirs)).toFixed(3)})`,
);

if (process.argv.includes('--by-kind')) {
  const by = <T>(items: T[], key: (t: T) => string, ms: (t: T) => number) => {
    const m = new Map<string, number>();
    for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + ms(t));
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(3)}`);
  };
  console.log(
    `ours by kind/tactic: ${by(
      rows,
      (r) => r.what,
      (r) => r.ours,
    ).join(', ')}`,
  );
  console.log(
    `onnxruntime by op: ${by(
      [...theirs.values()],
      (t) => t.op,
      (t) => median(t.ms),
    ).join(', ')}`,
  );
}
