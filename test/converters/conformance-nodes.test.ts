/**
 * Every single-node ONNX conformance test whose op has a converter: validate must accept it
 * and the emitted network, run by the reference interpreter, must reproduce the expected
 * outputs — or validate must reject it for a reason listed below. Inputs that parameterize
 * the op (axes, pads, scales, shapes...) are graph inputs in these tests; where validate
 * rejects the node as given, they are made constants from the test data, the way lowering
 * folds them in real models, and the node is validated again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto } from '../../src/onnx/model.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import { CONFORMANCE_MISSING, conformanceDir, nodeTests } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { evalNetwork } from './helpers/eval-network.js';
import { convertGraph, expectClose, registry, runOrt, validateNode } from './helpers/harness.js';

/** Tests validate rejects, by name pattern, with the reason it must give. */
const REJECTED: Array<[RegExp, string]> = [
  // Element types engines do not hold or do not compute in (see layer-shapes.ts).
  [/^(?!test_maxpool)\w*_(int8|int16|uint8|uint16|uint32|uint64|float64|string)(_|$)(?!.*expanded)|DOUBLE|_bool_inputs/, 'dtype'],
  [/FLOAT8|FLOAT4|INT4|UINT4|INT2|UINT2|E8M0/, 'element type'],
  [/^test_pow_types_int/, 'base dtype'],
  [/^test_(batchnorm_\w+_training_mode)$/, 'training_mode=1'],
  [/^test_training_dropout/, 'training_mode is true'],
  [/^test_identity_(opt|sequence)$/, 'type of input'],
  [/^test_maxpool_with_argmax/, 'Indices output'],
  [/^test_reduce_\w+_empty_set$/, 'empty dim'],
  [/^test_resize_\w+_antialias$/, 'antialias=1'],
  [/^test_resize_tf_crop_and_resize/, 'tf_crop_and_resize'],
];

/**
 * Tests whose expected output disagrees with onnxruntime. Engines follow onnxruntime (the
 * fallback: hybrid and onnxruntime-only runs must agree), so these are checked against it.
 */
const FOLLOW_ORT: Record<string, string> = {
  test_averagepool_2d_ceil_last_window_starts_on_pad: 'the expected values are rounded to 4 decimals',
  test_resize_downsample_scales_linear_align_corners: 'ONNX measures align_corners in in*scale, onnxruntime in the integer output size',
  test_resize_downsample_scales_cubic_align_corners: 'ONNX measures align_corners in in*scale, onnxruntime in the integer output size',
};

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
      continue; // a model the loader refuses is not this test's concern
    }
    const node = graph.nodes[0];
    if (graph.nodes.length !== 1 || !registry.knows(node!.opType, node!.domain)) continue;
    out.push({ name: t.name, graph, dir: t.dataSets[0]! });
  }
  return out;
}

describeIf(!!root, 'conformance node tests through converters', CONFORMANCE_MISSING, () => {
  const all = cases();
  const rejectedSeen = new Set<RegExp>();

  it('finds the node tests of the supported ops', () => {
    expect(all.length).toBeGreaterThan(400);
  });

  for (const c of all) {
    it(c.name, async () => {
      let graph = c.graph;
      let verdict = validateNode(graph);
      const inputs = () => graph.inputs.map((_, i) => readPb(path.join(c.dir, `input_${i}.pb`)));
      let data: TensorData[] | undefined;
      try {
        data = inputs();
      } catch {
        data = undefined; // string or exotic element types: nothing to fold, validate has the say
      }
      if (!verdict.ok && graph.inputs.length > 1 && data) {
        const folded = graph.clone();
        folded.inputs.slice(1).forEach((name, j) => folded.setInitializer(name, data[j + 1]!));
        folded.inputs = folded.inputs.slice(0, 1);
        verdict = validateNode(folded);
        if (verdict.ok) graph = folded;
      }
      const rule = REJECTED.find(([re]) => re.test(c.name));
      if (!verdict.ok) {
        expect(rule, `unexpected rejection: ${verdict.reason}`).toBeDefined();
        expect(verdict.reason).toContain(rule![1]);
        rejectedSeen.add(rule![0]);
        return;
      }
      expect(rule, 'accepted, but listed as rejected').toBeUndefined();
      const feedsData = data!;
      const feeds = Object.fromEntries(graph.inputs.map((name, i) => [name, feedsData[i]!]));
      const actual = evalNetwork(convertGraph(graph), feeds);
      const expected = FOLLOW_ORT[c.name]
        ? await runOrt(c.graph, Object.fromEntries(c.graph.inputs.map((n, i) => [n, feedsData[i]!])))
        : Object.fromEntries(graph.outputs.map((o, i) => [o, readPb(path.join(c.dir, `output_${i}.pb`))]));
      const half = graph.outputs.some((o) => graph.types.get(o)?.dtype === 'float16');
      for (const o of graph.outputs) expectClose(actual[o]!, expected[o]!, `output '${o}'`, half ? 1e-3 : 1e-4, half ? 1e-3 : 1e-5);
    });
  }

  it('every listed rejection still happens', () => {
    for (const [re] of REJECTED) expect(rejectedSeen.has(re), `no test rejected for ${re}`).toBe(true);
  });
});
