/**
 * Every single-node ONNX conformance test whose op has a converter, through an engine on the
 * cuda backend: the node is converted as the compiler does (test/converters/helpers/harness),
 * built for cuda, run on the test's inputs, and compared with the test's expected outputs
 * (onnxruntime's where the expected values disagree with onnxruntime; see FOLLOW_ORT).
 * Tests that validate rejects are the unit suite's business (test/converters/
 * conformance-nodes.test.ts lists why) and are skipped here the same way.
 *
 * Tolerance: |got - expected| <= 1e-5 + 1e-4 |expected| in fp32 (TF32 is off; cuda's
 * transcendental functions are within 2 ulp, sums run in another order); float16 tensors
 * 1e-3 + 1e-3 |expected| (one fp16 rounding, 2^-11, of a result computed in fp32).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto } from '../../src/onnx/model.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import type { TypedArray } from '../../src/onnx/dtype.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import { fromTensorData } from '../converters/helpers/eval-network.js';
import { convertGraph, expectClose, registry, runOrt, validateNode } from '../converters/helpers/harness.js';
import { CONFORMANCE_MISSING, conformanceDir, nodeTests } from '../helpers/conformance.js';
import { CUDA, NO_CUDA } from './helpers.js';

const FOLLOW_ORT = new Set([
  'test_averagepool_2d_ceil_last_window_starts_on_pad',
  'test_resize_downsample_scales_linear_align_corners',
  'test_resize_downsample_scales_cubic_align_corners',
]);

const root = conformanceDir();

function readPb(file: string): TensorData {
  return tensorFromProto(TensorProtoType.decode(fs.readFileSync(file)) as unknown as TensorProto);
}

interface Case {
  name: string;
  graph: Graph;
  dir: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const t of nodeTests(root)) {
    let graph: Graph;
    try {
      graph = Graph.fromModel(loadModelProto(t.model), t.name);
    } catch {
      continue;
    }
    const node = graph.nodes[0];
    if (graph.nodes.length !== 1 || !registry.knows(node!.opType, node!.domain)) continue;
    out.push({ name: t.name, graph, dir: t.dataSets[0]! });
  }
  return out;
}

const skip = !CUDA || !root;
const why = !CUDA ? NO_CUDA : CONFORMANCE_MISSING;

describe.skipIf(skip)('conformance node tests on the cuda backend', () => {
  const all = skip ? [] : cases();
  let ran = 0;
  afterAll(() => {
    // Most of the supported ops' tests run (the rest validate rejects, as the unit suite says).
    expect(ran).toBeGreaterThan(340); // 358 at the time of writing
  });

  for (const c of all) {
    it(c.name, async () => {
      let graph = c.graph;
      let data: TensorData[];
      try {
        data = graph.inputs.map((_, i) => readPb(path.join(c.dir, `input_${i}.pb`)));
      } catch {
        return; // string or exotic element types: validate rejects them
      }
      let verdict = validateNode(graph);
      if (!verdict.ok && graph.inputs.length > 1) {
        const folded = graph.clone();
        folded.inputs.slice(1).forEach((name, j) => folded.setInitializer(name, data[j + 1]!));
        folded.inputs = folded.inputs.slice(0, 1);
        if (validateNode(folded).ok) {
          graph = folded;
          verdict = { ok: true };
        }
      }
      if (!verdict.ok) return;
      const feeds = Object.fromEntries(graph.inputs.map((name, i) => [name, data[i]!.data]));
      const engine = await buildEngine(convertGraph(graph), { backend: 'cuda' });
      let outs: Record<string, TypedArray>;
      try {
        outs = await engine.createContext().runNamed(feeds);
      } finally {
        engine.dispose();
      }
      ran++;
      const expected = FOLLOW_ORT.has(c.name)
        ? await runOrt(c.graph, Object.fromEntries(c.graph.inputs.map((n, i) => [n, data[i]!])))
        : Object.fromEntries(graph.outputs.map((o, i) => [o, readPb(path.join(c.dir, `output_${i}.pb`))]));
      for (const o of graph.outputs) {
        const want = expected[o]!;
        const got = fromTensorData({ dtype: want.dtype, dims: want.dims, data: outs[o]! });
        const half = want.dtype === 'float16';
        expectClose(got, want, `output '${o}'`, half ? 1e-3 : 1e-4, half ? 1e-3 : 1e-5);
      }
    });
  }
});

describe.skipIf(!skip)('conformance node tests on the cuda backend', () => {
  it.skip(why, () => {});
});
