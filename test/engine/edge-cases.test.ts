/**
 * Edge cases of shapes against onnxruntime, on the backend helpers/compare.ts names (the cpu
 * here): scalars (rank 0), empty tensors (a zero dim), size-1 dims everywhere, a single-input
 * concat, a scalar gather index on a vector, reductions that keep nothing, and an identity
 * network whose output is its input or a constant. Tolerance: helpers/compare.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { BACKEND, checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat, randomInt, tensor } from './helpers/random.js';

describe('edge cases', () => {
  it('scalars through elementwise, unary, matmul of vectors, select', async () => {
    await checkLayer({
      op: 'Mul',
      inputs: [tensor('float32', [], [1.5]), tensor('float32', [], [-2.25])],
      kind: 'elementwise',
      params: { op: 'mul' },
    });
    await checkLayer({ op: 'Exp', inputs: [tensor('float32', [], [0.75])], kind: 'unary', params: { op: 'exp' } });
    await checkLayer({
      op: 'MatMul',
      inputs: [randomFloat([7], 1), randomFloat([7], 2)],
      kind: 'matmul',
      params: { transA: false, transB: false, alpha: 1, beta: 0 },
    });
    await checkLayer({
      op: 'Where',
      inputs: [tensor('bool', [], [1]), randomFloat([2, 3], 3), tensor('float32', [], [9])],
      kind: 'select',
      params: {},
    });
  });
  it('empty tensors: elementwise, concat, transpose, reduce over an empty axis', async () => {
    await checkLayer({ op: 'Add', inputs: [randomFloat([3, 0], 1), randomFloat([1], 2)], kind: 'elementwise', params: { op: 'add' }, tol: 0 });
    await checkLayer({
      op: 'Concat',
      attrs: { axis: 0 },
      inputs: [randomFloat([0, 4], 1), randomFloat([2, 4], 2)],
      kind: 'concat',
      params: { axis: 0 },
      tol: 0,
    });
    await checkLayer({
      op: 'Transpose',
      attrs: { perm: [1, 0] },
      inputs: [randomFloat([0, 3], 4)],
      kind: 'shuffle',
      params: { firstPerm: [1, 0] },
      tol: 0,
    });
    await checkLayer({
      op: 'ReduceSum',
      inputs: [randomFloat([2, 0, 3], 5), tensor('int64', [1], [1])],
      constants: [1],
      layerInputs: [0],
      kind: 'reduce',
      params: { op: 'sum', axes: [1], keepDims: true },
      tol: 0,
    });
  });
  it('size-1 dims everywhere, a single-input concat, a scalar index into a vector', async () => {
    await checkLayer({ op: 'Softmax', attrs: { axis: 1 }, inputs: [randomFloat([1, 1, 1], 1)], kind: 'softmax', params: { axis: 1, log: false } });
    await checkLayer({ op: 'Concat', attrs: { axis: 1 }, inputs: [randomFloat([2, 3], 2)], kind: 'concat', params: { axis: 1 }, tol: 0 });
    await checkLayer({
      op: 'Gather',
      attrs: { axis: 0 },
      inputs: [randomFloat([5], 3), tensor('int64', [], [-1])],
      kind: 'gather',
      params: { axis: 0, mode: 'default' },
      tol: 0,
    });
    await checkLayer({
      op: 'ReduceMax',
      attrs: { keepdims: 0 },
      inputs: [randomInt([1, 4], 4, -9, 9, 'int64'), tensor('int64', [2], [0, 1])],
      constants: [1],
      layerInputs: [0],
      kind: 'reduce',
      params: { op: 'max', axes: [0, 1], keepDims: false },
    });
  });
  it('outputs that are a network input or a constant', async () => {
    const d = new NetDraft('passthrough');
    const x = d.input('x', 'int32', [3]);
    const c = d.constant('c', 'float32', [2], new Float32Array([4, 5]));
    d.output(x);
    d.output(c);
    const engine = await buildEngine(d.finish(), { backend: BACKEND });
    const [a, b] = await engine.createContext().run([new Int32Array([7, 8, 9])]);
    expect(Array.from(a as Int32Array)).toEqual([7, 8, 9]);
    expect(Array.from(b as Float32Array)).toEqual([4, 5]);
    engine.dispose();
  });
});
