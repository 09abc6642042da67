/**
 * Extraction against onnxruntime on real graphs: random node subsets (contiguous windows,
 * windows with holes, scattered picks: most of them not convex) of the conformance light_*
 * models and of a sample of multi-node node tests are extracted, run on onnxruntime with their
 * inputs taken from a run of the full model, and must reproduce the full model's values for
 * every output, bit for bit (graph optimisations are off in both runs, so the same kernels
 * compute the same values). The full model's intermediate values come from the same model
 * with those values added as graph outputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { extractSubGraph } from '../../src/ir/extract.js';
import { Graph, type Node } from '../../src/ir/graph.js';
import { canInfer, inferShapes } from '../../src/ir/infer/index.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { mulberry32, streamSeed } from '../../src/util/random.js';
import { CONFORMANCE_MISSING, conformanceDir, lightModels, nodeTests } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { readPb, runOrt } from './support.js';

const dir = conformanceDir();

/** Node-name subsets of three kinds: a window, a window with holes, scattered picks (from `pool`). */
function subsets(graph: Graph, rand: () => number, count: number, pool = graph.nodes): string[][] {
  const names = pool.map((n) => n.name);
  const n = names.length;
  const int = (k: number) => Math.floor(rand() * k);
  const out: string[][] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const len = 1 + int(Math.min(n, 40));
    const start = int(n - len + 1);
    let pick: string[];
    if (kind === 0) pick = names.slice(start, start + len);
    else if (kind === 1) pick = names.slice(start, start + len).filter(() => rand() < 0.6);
    else pick = names.filter(() => rand() < Math.min(1, 12 / n));
    if (!pick.length) pick = [names[int(n)]!];
    out.push(pick);
  }
  return out;
}

/**
 * The subset plus the nodes that make constants it reads (the light_* models build their
 * weights with ConstantOfShape): fetching a 400 MB VGG weight from the full run to feed it
 * back would test nothing more, only slowly. Subsets are drawn from the other nodes, and
 * activations still cross every boundary.
 */
function isConstantProducer(graph: Graph, n: Node): boolean {
  return n.inputs.every((x) => !x || graph.isInitializer(x));
}

function withConstantProducers(graph: Graph, set: string[]): string[] {
  const out = new Set(set);
  for (const name of set) {
    for (const i of graph.node(name)!.inputs) {
      const p = i ? graph.producer(i) : undefined;
      if (p && isConstantProducer(graph, p)) out.add(p.name);
    }
  }
  return graph.nodes.filter((n) => out.has(n.name)).map((n) => n.name);
}

function sameTensor(a: ort.Tensor, b: ort.Tensor): boolean {
  if (a.type !== b.type || a.dims.join() !== b.dims.join()) return false;
  const x = a.data as ArrayLike<unknown>;
  const y = b.data as ArrayLike<unknown>;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i] && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return false;
  }
  return true;
}

/**
 * Extracts each subset, runs it on values from the full model, and returns what differs.
 * `feeds` are the full model's inputs.
 */
async function checkSubsets(
  label: string,
  graph: Graph,
  feeds: Record<string, ort.Tensor>,
  sets: string[][],
): Promise<{ failures: string[]; runs: number }> {
  const subs = sets.map((s) => extractSubGraph(graph, s));
  const needed = new Set(subs.flatMap((s) => [...s.inputs, ...s.outputs]));
  const full = graph.clone();
  for (const v of needed) if (!full.outputs.includes(v) && !full.inputs.includes(v)) full.outputs.push(v);
  const values: Record<string, ort.Tensor> = { ...feeds, ...(await runOrt(full.toModel(), feeds)) };
  const failures: string[] = [];
  for (const [i, sub] of subs.entries()) {
    const what = `${label} subset ${i} (${sub.nodes.length} nodes, inputs ${sub.inputs.length}, outputs ${sub.outputs.length})`;
    let got: Record<string, ort.Tensor>;
    try {
      got = await runOrt(sub.toModel(), Object.fromEntries(sub.inputs.map((k) => [k, values[k]!])));
    } catch (e) {
      failures.push(`${what}: onnxruntime rejects the sub-model: ${String((e as Error).message).split('\n')[0]}`);
      continue;
    }
    for (const o of sub.outputs) {
      if (!got[o] || !sameTensor(got[o], values[o]!)) failures.push(`${what}: output '${o}' differs from the full model's`);
    }
  }
  return { failures, runs: subs.length };
}

function randomInput(shape: number[], rand: () => number): ort.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: n }, () => rand() * 2 - 1),
    shape,
  );
}

describeIf(!!dir, 'extracted sub-models reproduce the full model on onnxruntime', CONFORMANCE_MISSING, () => {
  it('on random node subsets of the light_* models', async () => {
    const failures: string[] = [];
    let runs = 0;
    for (const m of lightModels(dir)) {
      const graph = Graph.fromModel(loadModelProto(m.model), m.name);
      const res = inferShapes(graph);
      expect(res.issues, m.name).toEqual([]);
      const rand = mulberry32(streamSeed(0, m.name));
      const feeds = Object.fromEntries(graph.inputs.map((i) => [i, randomInput(graph.types.get(i)!.shape as number[], rand)]));
      const r = await checkSubsets(
        m.name,
        graph,
        feeds,
        subsets(
          graph,
          rand,
          6,
          graph.nodes.filter((n) => !isConstantProducer(graph, n)),
        ).map((s) => withConstantProducers(graph, s)),
      );
      failures.push(...r.failures);
      runs += r.runs;
    }
    console.log(`extraction: ${runs} sub-models of light_* models run, ${failures.length} failures`);
    expect(runs).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it('on random node subsets of a sample of multi-node node tests', async () => {
    const rand = mulberry32(20261120);
    const candidates = nodeTests(dir).filter((tc) => {
      if (!tc.dataSets.length) return false;
      const g = loadModelProto(tc.model).graph!;
      return g.node.length >= 4 && g.node.every((n) => canInfer(n.opType ?? '', n.domain ?? ''));
    });
    const sample = candidates.filter(() => rand() < 40 / candidates.length);
    const failures: string[] = [];
    let runs = 0;
    let skipped = 0;
    for (const tc of sample) {
      const graph = Graph.fromModel(loadModelProto(tc.model), tc.name);
      inferShapes(graph);
      const feeds: Record<string, ort.Tensor> = {};
      const files = fs
        .readdirSync(tc.dataSets[0]!)
        .filter((f) => /^input_\d+\.pb$/.test(f))
        .sort();
      files.forEach((f, i) => {
        const pb = readPb(path.join(tc.dataSets[0]!, f));
        const name = graph.inputs.includes(pb.name) ? pb.name : graph.inputs[i]!;
        if (pb.tensor) feeds[name] = pb.tensor;
      });
      try {
        await runOrt(graph.toModel(), feeds);
      } catch {
        skipped++; // onnxruntime cannot run the full model: nothing to compare with
        continue;
      }
      const r = await checkSubsets(tc.name, graph, feeds, subsets(graph, rand, 3));
      failures.push(...r.failures);
      runs += r.runs;
    }
    console.log(
      `extraction: ${runs} sub-models of ${sample.length - skipped} node tests run (${skipped} onnxruntime cannot run), ${failures.length} failures`,
    );
    expect(runs).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  });
});
