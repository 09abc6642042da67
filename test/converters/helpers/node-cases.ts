/**
 * The single-node ONNX conformance tests whose op has a converter, as the converter unit
 * suite (test/converters/conformance-nodes.test.ts) and the cuda suite
 * (test/gpu/conformance-nodes.test.ts) both run them: the cases, their data, the tests whose
 * expected values disagree with onnxruntime, and the folding of parameter inputs into
 * constants where validate rejects the node as given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Graph } from '../../../src/ir/graph.js';
import { loadModelProto } from '../../../src/onnx/model.js';
import type { TensorProto } from '../../../src/onnx/proto.js';
import { TensorProtoType } from '../../../src/onnx/schema.js';
import { type TensorData, tensorFromProto } from '../../../src/onnx/tensor.js';
import { conformanceDir, nodeTests } from '../../helpers/conformance.js';
import { registry, runOrt, validateNode } from './harness.js';
import type { Validation } from '../../../converters/types.js';

/**
 * Tests whose expected output disagrees with onnxruntime. Engines follow onnxruntime (the
 * fallback: hybrid and onnxruntime-only runs must agree), so these are checked against it.
 */
export const FOLLOW_ORT: Record<string, string> = {
  test_averagepool_2d_ceil_last_window_starts_on_pad: 'the expected values are rounded to 4 decimals',
  test_resize_downsample_scales_linear_align_corners: 'ONNX measures align_corners in in*scale, onnxruntime in the integer output size',
  test_resize_downsample_scales_cubic_align_corners: 'ONNX measures align_corners in in*scale, onnxruntime in the integer output size',
};

export function readPb(file: string): TensorData {
  return tensorFromProto(TensorProtoType.decode(fs.readFileSync(file)) as unknown as TensorProto);
}

export interface NodeCase {
  name: string;
  graph: Graph;
  dir: string;
}

/** Every single-node test whose op the registry knows (models the loader refuses are skipped). */
export function nodeCases(root = conformanceDir()): NodeCase[] {
  const out: NodeCase[] = [];
  for (const t of nodeTests(root)) {
    let graph: Graph;
    try {
      graph = Graph.fromModel(loadModelProto(t.model), t.name);
    } catch {
      continue; // a model the loader refuses is not these tests' concern
    }
    const node = graph.nodes[0];
    if (graph.nodes.length !== 1 || !registry.knows(node!.opType, node!.domain)) continue;
    out.push({ name: t.name, graph, dir: t.dataSets[0]! });
  }
  return out;
}

/** The case's input data, or undefined for element types hybridrt cannot hold. */
export function caseInputs(c: NodeCase): TensorData[] | undefined {
  try {
    return c.graph.inputs.map((_, i) => readPb(path.join(c.dir, `input_${i}.pb`)));
  } catch {
    return undefined;
  }
}

/**
 * Validates the node; where it is rejected and has parameter inputs (axes, pads, scales,
 * shapes...), makes them constants from the test data, as lowering folds them in real
 * models, and validates again. Returns the folded graph where that was accepted, else the
 * original, with the last verdict (a folded node's rejection says more: the real reason, not
 * "not a constant").
 */
export function validateCase(c: NodeCase, data: TensorData[] | undefined): { graph: Graph; verdict: Validation } {
  const verdict = validateNode(c.graph);
  if (verdict.ok || c.graph.inputs.length <= 1 || !data) return { graph: c.graph, verdict };
  const folded = c.graph.clone();
  folded.inputs.slice(1).forEach((name, j) => folded.setInitializer(name, data[j + 1]!));
  folded.inputs = folded.inputs.slice(0, 1);
  const again = validateNode(folded);
  return { graph: again.ok ? folded : c.graph, verdict: again };
}

/** The outputs to compare with: onnxruntime's for FOLLOW_ORT tests, else the test's own. */
export async function caseExpected(c: NodeCase, graph: Graph, data: TensorData[]): Promise<Record<string, TensorData>> {
  if (FOLLOW_ORT[c.name]) return runOrt(c.graph, Object.fromEntries(c.graph.inputs.map((n, i) => [n, data[i]!])));
  return Object.fromEntries(graph.outputs.map((o, i) => [o, readPb(path.join(c.dir, `output_${i}.pb`))]));
}
