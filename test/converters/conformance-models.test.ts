/**
 * Converters on whole models: every conformance model (multi-node node tests, the PyTorch
 * exports, the simple and light_* models) and the shipped examples, after shape inference.
 * - Every node validate accepts converts, on its own, into layers whose outputs agree with
 *   inference (buildSegmentNetwork checks each against graph.types).
 * - Where validate accepts every node of a model that has test data, the whole model as one
 *   network, run by the reference interpreter, reproduces the expected outputs.
 * Values inference pins down (Shape chains) count as constants, as after constant folding.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { graphConstant } from '../../converters/context.js';
import { buildSegmentNetwork } from '../../converters/segment-network.js';
import { Graph } from '../../src/ir/graph.js';
import { inferShapes } from '../../src/ir/infer/index.js';
import { loadModelProto } from '../../src/onnx/model.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import { CONFORMANCE_MISSING, allConformanceModels, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { evalNetwork } from './helpers/eval-network.js';
import { expectClose, registry, validateNode } from './helpers/harness.js';

const root = conformanceDir();
const examplesDir = path.resolve(import.meta.dirname, '..', '..', 'examples');

interface Loaded {
  label: string;
  graph: Graph;
  dataSet?: string;
}

function load(file: string): Loaded | undefined {
  let graph: Graph;
  try {
    graph = Graph.fromModel(loadModelProto(file), file);
  } catch {
    return undefined; // the loader's tests own what it refuses
  }
  if (file.includes(`${path.sep}node${path.sep}`) && graph.nodes.length < 2) return undefined; // conformance-nodes.test.ts
  inferShapes(graph); // types, and the values it fixes (graph.inferredValues), which the converters read
  const dir = path.dirname(file);
  const dataSet = path.join(dir, 'test_data_set_0');
  return {
    label: root ? path.relative(root, file) : file,
    graph,
    dataSet: fs.existsSync(dataSet) && path.basename(file) === 'model.onnx' ? dataSet : undefined,
  };
}

const readPb = (file: string) => tensorFromProto(TensorProtoType.decode(fs.readFileSync(file)) as unknown as TensorProto);

describeIf(!!root, 'converters on whole models', CONFORMANCE_MISSING, () => {
  const files = [
    ...allConformanceModels(root),
    ...(fs.existsSync(examplesDir)
      ? fs
          .readdirSync(examplesDir)
          .filter((f) => f.endsWith('.onnx'))
          .map((f) => path.join(examplesDir, f))
      : []),
  ];
  const models = files.map(load).filter((m): m is Loaded => m !== undefined);
  const whole: Loaded[] = [];

  it('convert every accepted node on its own, consistently with inference', () => {
    let accepted = 0;
    const failures: string[] = [];
    for (const m of models) {
      let all = true;
      for (const node of m.graph.nodes) {
        if (!validateNode(m.graph, node.name).ok) {
          all = false;
          continue;
        }
        accepted++;
        const inputs = [...new Set(node.inputs.filter((i) => i && !graphConstant(m.graph, i) && !m.graph.inferredValues.has(i)))];
        try {
          buildSegmentNetwork(m.graph, [node.name], { inputs, outputs: node.outputs.filter(Boolean), registry });
        } catch (e) {
          failures.push(`${m.label}: ${(e as Error).message}`);
        }
      }
      if (all && m.dataSet) whole.push(m);
    }
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(5000);
  });

  it('run whole fully-supported models to their expected outputs', () => {
    expect(whole.length).toBeGreaterThan(100);
    for (const m of whole) {
      const g = m.graph;
      const feeds: Record<string, TensorData> = {};
      g.inputs.forEach((name, i) => (feeds[name] = readPb(path.join(m.dataSet!, `input_${i}.pb`))));
      const inputs = g.inputs.filter((i) => !g.inferredValues.has(i));
      const net = buildSegmentNetwork(
        g,
        g.nodes.map((n) => n.name),
        { inputs, outputs: g.outputs, registry },
      );
      const actual = evalNetwork(net, feeds);
      g.outputs.forEach((o, i) => expectClose(actual[o]!, readPb(path.join(m.dataSet!, `output_${i}.pb`)), `${m.label}: output '${o}'`, 1e-3, 1e-4));
    }
  });
});
