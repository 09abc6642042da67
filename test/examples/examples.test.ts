/**
 * The shipped example models: regenerating them gives the committed bytes, they are the
 * architectures the README promises, and onnxruntime runs them to finite, non-constant
 * outputs whatever the symbolic batch (and sequence) size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, writeExamples } from '../../examples/make-examples.js';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto } from '../../src/onnx/model.js';

const examplesDir = path.resolve(import.meta.dirname, '..', '..', 'examples');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-examples-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Deterministic inputs in [-1, 1) that do not come from the code under test. */
function ramp(dims: number[], phase: number): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(0.37 * i + phase);
  return new ort.Tensor('float32', data, dims);
}

async function run(file: string, input: string, t: ort.Tensor): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(path.join(examplesDir, file), { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ [input]: t });
    return Object.values(out)[0]!;
  } finally {
    await session.release();
  }
}

function expectFiniteAndVaried(t: ort.Tensor): void {
  const data = t.data as Float32Array;
  expect(data.every(Number.isFinite)).toBe(true);
  const min = Math.min(...data);
  const max = Math.max(...data);
  expect(max - min).toBeGreaterThan(1e-3);
  // Random weights with Kaiming/Xavier scaling keep activations O(1), not exploding.
  expect(Math.max(Math.abs(min), Math.abs(max))).toBeLessThan(100);
}

/** Rows [from, from+count) of the leading axis. */
function rows(t: ort.Tensor, from: number, count: number): Float32Array {
  const per = (t.data as Float32Array).length / t.dims[0]!;
  return (t.data as Float32Array).slice(from * per, (from + count) * per);
}

describe('examples', () => {
  it('make-examples.ts regenerates the committed files byte for byte', () => {
    const written = writeExamples(tmp);
    expect(written.map((f) => path.basename(f)).sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const file of written) {
      const committed = fs.readFileSync(path.join(examplesDir, path.basename(file)));
      const fresh = fs.readFileSync(file);
      expect(fresh.equals(committed), `${path.basename(file)} differs from the committed file`).toBe(true);
      expect(fresh.length).toBeLessThan(4 << 20);
    }
  });

  it('resnet_mini is a residual CNN with a strided 1x1 projection and a Gemm classifier', () => {
    const g = Graph.fromModel(loadModelProto(path.join(examplesDir, 'resnet_mini.onnx')));
    const ops = new Set(g.nodes.map((n) => n.opType));
    for (const op of ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Add', 'GlobalAveragePool', 'Flatten', 'Gemm']) {
      expect(ops, op).toContain(op);
    }
    const projections = g.nodes.filter((n) => n.name.includes('downsample') && n.opType === 'Conv');
    expect(projections.length).toBeGreaterThanOrEqual(1);
    expect(g.types.get('input')?.shape).toEqual(['N', 3, 64, 64]);
    expect(g.opset()).toBe(17);
  });

  it('transformer_block has the exporter-style attention and Erf-based GELU', () => {
    const g = Graph.fromModel(loadModelProto(path.join(examplesDir, 'transformer_block.onnx')));
    const count = (op: string) => g.nodes.filter((n) => n.opType === op).length;
    expect(count('LayerNormalization')).toBe(2);
    expect(count('Shape')).toBeGreaterThanOrEqual(1);
    expect(count('Reshape')).toBe(4); // Q, K, V head split and the merge
    expect(count('Softmax')).toBe(1);
    expect(count('Erf')).toBe(1);
    expect(count('MatMul')).toBe(8); // 4 projections, 2 attention products, 2 FFN
    expect(g.types.get('hidden_states')?.shape).toEqual(['batch', 'seq', 64]);
    expect(g.opset()).toBe(17);
  });

  it('resnet_mini runs on onnxruntime for batch 1 and 3, each sample independent of the batch', async () => {
    const three = ramp([3, 3, 64, 64], 0);
    const out3 = await run('resnet_mini.onnx', 'input', three);
    expect(out3.dims).toEqual([3, 10]);
    expectFiniteAndVaried(out3);
    const one = new ort.Tensor('float32', rows(three, 1, 1), [1, 3, 64, 64]);
    const out1 = await run('resnet_mini.onnx', 'input', one);
    const expected = rows(out3, 1, 1);
    (out1.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    // Different images give different predictions (the network is not degenerate).
    expect(rows(out3, 0, 1)).not.toEqual(rows(out3, 2, 1));
  });

  it('transformer_block runs on onnxruntime for several batch and sequence sizes', async () => {
    for (const [b, s] of [
      [1, 1],
      [2, 7],
      [1, 33],
    ] as const) {
      const x = ramp([b, s, 64], b + s);
      const out = await run('transformer_block.onnx', 'hidden_states', x);
      expect(out.dims).toEqual([b, s, 64]);
      expectFiniteAndVaried(out);
    }
    const two = ramp([2, 5, 64], 0.5);
    const both = await run('transformer_block.onnx', 'hidden_states', two);
    const second = await run('transformer_block.onnx', 'hidden_states', new ort.Tensor('float32', rows(two, 1, 1), [1, 5, 64]));
    const expected = rows(both, 1, 1);
    (second.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });
});
