// Pass normalize-sum: Sum as Adds in onnxruntime's accumulation order, checked bit-exactly on
// inputs where another order would round differently.
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const f32 = (values: number[]): TensorData => ({ dtype: 'float32', dims: [values.length], data: Float32Array.from(values) });

describe('normalize-sum', () => {
  it('turns Sum of 2 into Add, Sum of 3 into ((a + b) + c), Sum of 1 into nothing', async () => {
    //   a, b ─► Sum ─► s2        a, b, c ─► Sum ─► s3        a ─► Sum ─► s1 ─► Neg ─► n
    const g = buildGraph({
      inputs: ['a', 'b', 'c'].map((name) => ({ name, shape: [4] })),
      outputs: [{ name: 's2' }, { name: 's3' }, { name: 'n' }],
      nodes: [
        { op: 'Sum', inputs: ['a', 'b'], outputs: ['s2'] },
        { op: 'Sum', inputs: ['a', 'b', 'c'], outputs: ['s3'] },
        { op: 'Sum', inputs: ['a'], outputs: ['s1'] },
        { op: 'Neg', inputs: ['s1'], outputs: ['n'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'normalize-sum');
    expect(opTypes(g)).toEqual(['Add', 'Add', 'Add', 'Neg']);
    expect(g.nodes[2]!.inputs[0]).toBe(g.nodes[1]!.outputs[0]);
    expect(g.nodes[3]!.inputs).toEqual(['a']);
    expect(r.counts).toEqual({ 'removed Sum of one input': 1, 'Sum to Add': 2 });
    // (1e8 + -1e8) + 1 = 1, while 1e8 + (-1e8 + 1) = 0 in float32: the order shows.
    const feeds = { a: f32([1e8, 1, 2, 3]), b: f32([-1e8, 2, 3, 4]), c: f32([1, 0.5, 0.25, 0.125]) };
    expect(await compareOnOrt(original, g, feeds, EXACT)).toEqual([]);
    const random = { a: randomTensor('float32', [4], 1), b: randomTensor('float32', [4], 2), c: randomTensor('float32', [4], 3) };
    expect(await compareOnOrt(original, g, random, EXACT)).toEqual([]);
  });
});
