/**
 * Matmul on the cpu backend against onnxruntime (MatMul, Gemm, Einsum for batched
 * transposes): numpy matmul ranks (rank-1 operands, broadcast batch dims), transA/transB,
 * alpha/beta with a bias broadcast from several shapes, the single-row (GEMV) path, many
 * small batches, batches of a sharing one b (run as one taller product), and a fused activation. Tolerance: see helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';

const plain = { transA: false, transB: false, alpha: 1, beta: 0 };

async function matmul(a: number[], b: number[], seed = 1) {
  await checkLayer({ op: 'MatMul', inputs: [randomFloat(a, seed), randomFloat(b, seed + 1)], kind: 'matmul', params: plain });
}

describe('matmul', () => {
  it('2D across SGEMM blocks (K > 256, N not a multiple of 16)', () => matmul([150, 300], [300, 37]));
  it('single row (GEMV) and single column', async () => {
    await matmul([1, 70], [70, 300], 3);
    await matmul([9, 70], [70, 1], 4);
  });
  it('rank-1 operands', async () => {
    await matmul([5], [2, 5, 3], 5);
    await matmul([2, 4, 5], [5], 6);
    await matmul([5], [5], 7);
  });
  it('batch dims broadcast', async () => {
    await matmul([2, 1, 4, 5], [3, 5, 6], 8);
    await matmul([12, 16, 8], [12, 8, 16], 9); // many small batches: one SGEMM per thread
  });
  it('one b for every batch of a: the batches as rows of one product, with a transposed b and a bias', async () => {
    await matmul([3, 2, 5, 7], [7, 4], 10);
    await matmul([4, 1, 1, 33], [1, 33, 20], 11); // single rows: one [4, 33] product, not four GEMVs
    await checkLayer({
      op: 'Gemm',
      attrs: { transB: 1 },
      inputs: [randomFloat([1, 70], 12), randomFloat([40, 70], 13), randomFloat([40], 14)], // a GEMV along rows of b
      constants: [1, 2],
      kind: 'matmul',
      params: { transA: false, transB: true, alpha: 1, beta: 1 },
    });
  });
  it('a single row against a transposed b (a fully connected layer): columns in fours and a tail, k past 16s, alpha, beta', () =>
    checkLayer({
      op: 'Gemm',
      attrs: { transB: 1, alpha: 0.75, beta: 1.5 },
      inputs: [randomFloat([1, 1037], 15), randomFloat([519, 1037], 16), randomFloat([519], 17)],
      constants: [1, 2],
      kind: 'matmul',
      params: { transA: false, transB: true, alpha: 0.75, beta: 1.5 },
    }));
  it('weights as constants', () =>
    checkLayer({ op: 'MatMul', inputs: [randomFloat([3, 8], 1), randomFloat([8, 5], 2)], constants: [1], kind: 'matmul', params: plain }));
  it('transA/transB, alpha, beta and bias shapes (Gemm)', async () => {
    const base = { op: 'Gemm', kind: 'matmul' as const };
    await checkLayer({
      ...base,
      attrs: { transA: 1, transB: 1, alpha: 0.5, beta: { float: 2 } },
      inputs: [randomFloat([6, 4], 1), randomFloat([5, 6], 2), randomFloat([5], 3)],
      params: { transA: true, transB: true, alpha: 0.5, beta: 2 },
    });
    for (const c of [[1], [4, 1], [4, 5]]) {
      await checkLayer({
        ...base,
        attrs: { transB: 1, beta: 0.25 },
        inputs: [randomFloat([4, 6], 4), randomFloat([5, 6], 5), randomFloat(c, 6)],
        constants: [1, 2],
        params: { transA: false, transB: true, alpha: 1, beta: 0.25 },
      });
    }
  });
  it('batched transposes', async () => {
    await checkLayer({
      op: 'Einsum',
      attrs: { equation: 'bki,bkj->bij' },
      inputs: [randomFloat([3, 7, 4], 1), randomFloat([3, 7, 5], 2)],
      kind: 'matmul',
      params: { ...plain, transA: true },
    });
    await checkLayer({
      op: 'Einsum',
      attrs: { equation: 'bik,bjk->bij' },
      inputs: [randomFloat([2, 4, 9], 3), randomFloat([2, 6, 9], 4)],
      kind: 'matmul',
      params: { ...plain, transB: true, alpha: 1 },
    });
  });
  it('fused tanh', () =>
    checkLayer({
      op: 'MatMul',
      inputs: [randomFloat([4, 8], 1), randomFloat([8, 3], 2)],
      then: [{ op: 'Tanh' }],
      kind: 'matmul',
      params: { ...plain, activation: { op: 'tanh' } },
    }));
});
