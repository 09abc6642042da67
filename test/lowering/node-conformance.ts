/**
 * Runs ONNX conformance node tests through lowering: each model is lowered, then the original
 * and the lowered model run on onnxruntime with the test's own inputs (test_data_set_0), and
 * every output must agree: integers and booleans exactly, floats within rtol 1e-5, atol 1e-6.
 * NOTE: floats cannot be held to bit equality even where every pass is exact: onnxruntime's
 * reductions sum in an order that depends on their input buffer's alignment, and once a no-op
 * (a Cast to the same type, a Flatten made Reshape) is gone a ReduceMean may read the caller's
 * buffer instead of an aligned copy; the last bits then vary from run to run (seen on
 * test_layer_normalization_*_expanded, 1-2 ulps).
 * Tests onnxruntime cannot run in the first place, or whose inputs the JavaScript API cannot
 * carry (sequences, optionals, strings, bfloat16), are counted by reason and not compared.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { lower } from '../../src/lowering/index.js';
import { dtypeFromOnnx } from '../../src/onnx/dtype.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import { ortCarries } from '../../src/onnx/ort.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import { CONFORMANCE_MISSING, type NodeTestCase, nodeTests } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { type Tolerance, differences, runOrt } from './helpers.js';

const TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

export interface NodeConformanceSummary {
  compared: number;
  /** Tests whose model lowering changed (the ones the comparison says something about). */
  changed: number;
  skipped: Record<string, number>;
  /** "test_x: why" for every lowering error or output difference. */
  failures: string[];
}

function readInputs(test: NodeTestCase, graph: Graph, model: ReturnType<typeof loadModelProto>): Record<string, TensorData> | string {
  const dir = test.dataSets[0];
  if (!dir) return 'no test data';
  const declared = new Map(model.graph!.input.map((vi) => [vi.name ?? '', vi]));
  if (graph.inputs.some((i) => !declared.get(i)?.type?.tensorType)) return 'non-tensor inputs';
  // onnxruntime-node aborts the process when it returns an int4 (or other exotic) tensor.
  const outputTypes = model.graph!.output.map((vi) => vi.type?.tensorType?.elemType);
  const carried = (code: number | undefined) => {
    const dtype = code === undefined ? undefined : dtypeFromOnnx(code);
    return dtype !== undefined && ortCarries(dtype);
  };
  if (!outputTypes.every(carried)) {
    return 'outputs the JavaScript API cannot carry';
  }
  const feeds: Record<string, TensorData> = {};
  const files = fs.readdirSync(dir).filter((f) => /^input_\d+\.pb$/.test(f));
  files.sort((a, b) => parseInt(a.slice(6), 10) - parseInt(b.slice(6), 10));
  for (const [i, f] of files.entries()) {
    const proto = TensorProtoType.decode(fs.readFileSync(path.join(dir, f))) as unknown as TensorProto;
    let t: TensorData;
    try {
      t = tensorFromProto(proto);
    } catch {
      return 'input dtype not numeric';
    }
    if (!ortCarries(t.dtype)) return 'bfloat16 input (no onnxruntime JS type)';
    feeds[proto.name || graph.inputs[i]!] = t;
  }
  return feeds;
}

export async function runNodeConformance(tests: NodeTestCase[]): Promise<NodeConformanceSummary> {
  const summary: NodeConformanceSummary = { compared: 0, changed: 0, skipped: {}, failures: [] };
  const skip = (why: string) => (summary.skipped[why] = (summary.skipped[why] ?? 0) + 1);
  for (const test of tests) {
    const bytes = fs.readFileSync(test.model);
    const model = loadModelProto(bytes, { label: test.model });
    const graph = Graph.fromModel(model, test.name);
    const feeds = readInputs(test, graph, model);
    let changed = false;
    try {
      const report = await lower(graph);
      changed = report.passes.some((p) => p.changed > 0);
    } catch (e) {
      summary.failures.push(`${test.name}: lowering threw ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (typeof feeds === 'string') {
      skip(feeds);
      continue;
    }
    let before: Record<string, TensorData>;
    try {
      before = await runOrt(new Uint8Array(bytes), feeds, { quiet: true });
    } catch {
      skip('onnxruntime cannot run the original');
      continue;
    }
    try {
      const after = await runOrt(encodeModel(graph.toModel()), feeds, { quiet: true });
      const diffs = differences(before, after, TOL);
      if (diffs.length) summary.failures.push(`${test.name}: ${diffs.join('; ')}`);
    } catch (e) {
      summary.failures.push(`${test.name}: the lowered model does not run: ${(e as Error).message.split('\n')[0]}`);
    }
    summary.compared++;
    if (changed) summary.changed++;
  }
  return summary;
}

/**
 * The node tests' suite for shard `shard` of `shards` (every shards-th test from the shard-th),
 * so that the halves run side by side in separate test files.
 */
export function nodeConformanceShard(shard: number, shards: number): void {
  const tests = nodeTests().filter((_, i) => i % shards === shard);
  describeIf(tests.length > 0, 'lowering the conformance node tests', CONFORMANCE_MISSING, () => {
    it(`lowered models compute what the originals compute (shard ${shard})`, async () => {
      const summary = await runNodeConformance(tests);
      console.log(
        `shard ${shard}: ${summary.compared} compared, ${summary.changed} changed by lowering; not compared: ${JSON.stringify(summary.skipped)}`,
      );
      expect(summary.failures).toEqual([]);
      // Most node tests run on onnxruntime; far fewer compared would mean the harness broke.
      expect(summary.compared).toBeGreaterThan(tests.length * 0.75);
      expect(summary.changed).toBeGreaterThan(100);
    });
  });
}
