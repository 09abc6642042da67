/**
 * Property test: over many seeds, random DAGs and real models (the conformance light_*
 * models and the shipped examples) with random support verdicts, random forced fallbacks and
 * random minBlockSize always partition into segments that satisfy the contract: every node in
 * exactly one segment, no segment reading from a later one (so the segment graph is a DAG in
 * the given order), no dangling tensor, every crossing value listed on both sides.
 */
import { registryVerdict } from '../../converters/verdict.js';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../converters/index.js';
import { ConverterRegistry } from '../../converters/registry.js';
import { analyze } from '../../src/compiler/analyze.js';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { partition } from '../../src/partition/index.js';
import { mulberry32 } from '../../src/util/random.js';
import { CONFORMANCE_MISSING, lightModels } from '../helpers/conformance.js';
import { itIf } from '../helpers/skip.js';
import { dag, fakeConverter, testRegistry } from './helpers.js';
import { partitionProblems } from './invariants.js';

function randomDag(seed: number): { graph: Graph; fallbackNodes: string[]; minBlockSize: number } {
  const rand = mulberry32(seed);
  const inputs = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) => `in${i}`);
  const values = [...inputs];
  const nodes: Array<[string, string, string[]]> = [];
  const n = 1 + Math.floor(rand() * 60);
  for (let i = 0; i < n; i++) {
    const k = 1 + Math.floor(rand() * 3);
    const reads = new Set<string>();
    // Prefer recent values so that graphs get long paths, not only wide fans.
    for (let j = 0; j < k; j++) reads.add(values[Math.max(0, values.length - 1 - Math.floor(rand() * rand() * values.length))]!);
    const kind = rand() < 0.7 ? 'O' : rand() < 0.5 ? 'X' : 'Reshape';
    nodes.push([`n${i}`, kind, [...reads]]);
    values.push(`n${i}`);
  }
  const read = new Set(nodes.flatMap(([, , r]) => r));
  const outputs = nodes.map(([name]) => name).filter((v) => !read.has(v) || rand() < 0.1);
  const graph = dag({ inputs, outputs, nodes });
  const fallbackNodes = nodes.map(([name]) => name).filter(() => rand() < 0.15);
  return { graph, fallbackNodes, minBlockSize: Math.floor(rand() * 5) };
}

describe('partition property: random DAGs', () => {
  it('500 seeds satisfy the segment contract', () => {
    const failures: string[] = [];
    let segments = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const { graph, fallbackNodes, minBlockSize } = randomDag(seed);
      const r = partition(graph, { verdict: registryVerdict(testRegistry()), fallbackNodes, minBlockSize });
      segments += r.segments.length;
      const problems = partitionProblems(graph, r, minBlockSize);
      if (problems.length) failures.push(`seed ${seed}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    // The generator must actually produce multi-segment partitions for the test to mean much.
    expect(segments).toBeGreaterThan(1000);
  });
});

const EXAMPLE_SHAPES: Record<string, Record<string, number[]>> = {
  'resnet_mini.onnx': { input: [1, 3, 64, 64] },
  'transformer_block.onnx': { hidden_states: [1, 8, 64] },
};

function realModels(): Array<{ name: string; file: string; inputs?: Record<string, number[]> }> {
  const examples = path.resolve(import.meta.dirname, '..', '..', 'examples');
  const shipped = fs.existsSync(examples)
    ? fs
        .readdirSync(examples)
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => ({ name: f, file: path.join(examples, f), inputs: EXAMPLE_SHAPES[f] }))
    : [];
  return [...lightModels().map((m) => ({ name: m.name, file: m.model })), ...shipped];
}

describe('partition property: real models with random support and forced fallbacks', () => {
  const models = realModels();
  itIf(lightModels().length > 0, 'light_* models and examples, 25 seeds each', CONFORMANCE_MISSING, () => {
    const failures: string[] = [];
    let multi = 0;
    for (const m of models) {
      const graph = Graph.fromModel(loadModelProto(m.file), m.name);
      graph.topoSort();
      const ops = [...new Set(graph.nodes.map((n) => n.opType))].sort();
      for (let seed = 1; seed <= 25; seed++) {
        const rand = mulberry32(seed * 7919);
        const registry = new ConverterRegistry(ops.filter(() => rand() < 0.8).map((op) => fakeConverter(op)));
        const fallbackNodes = graph.nodes.filter(() => rand() < rand() * 0.4).map((n) => n.name);
        const minBlockSize = Math.floor(rand() * 6);
        const r = partition(graph, { verdict: registryVerdict(registry), fallbackNodes, minBlockSize });
        if (r.segments.length > 2) multi++;
        const problems = partitionProblems(graph, r, minBlockSize);
        if (problems.length) failures.push(`${m.name} seed ${seed}: ${problems.slice(0, 5).join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
    expect(models.length).toBeGreaterThanOrEqual(9);
    expect(multi).toBeGreaterThan(models.length * 10);
  });
});

describe('partition property: lowered models, the default registry, random forced fallbacks', () => {
  const models = realModels();
  itIf(lightModels().length > 0, 'light_* models and examples as the dry run sees them, 40 seeds each', CONFORMANCE_MISSING, async () => {
    const failures: string[] = [];
    let forcedSplits = 0;
    for (const m of models) {
      // Lowered and typed once; each seed only re-partitions.
      const a = await analyze(m.file, { inputs: m.inputs, probe: false });
      for (let seed = 1; seed <= 40; seed++) {
        const rand = mulberry32(seed * 104729);
        const p = rand() * 0.5;
        const fallbackNodes = a.graph.nodes.filter(() => rand() < p).map((n) => n.name);
        const minBlockSize = Math.floor(rand() * 4);
        const r = partition(a.graph, { verdict: registryVerdict(defaultRegistry()), fallbackNodes, minBlockSize });
        if (r.segments.length > a.partition.segments.length) forcedSplits++;
        const problems = partitionProblems(a.graph, r, minBlockSize);
        if (problems.length) failures.push(`${m.name} seed ${seed}: ${problems.slice(0, 5).join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
    expect(forcedSplits).toBeGreaterThan(models.length * 30);
  });
});
