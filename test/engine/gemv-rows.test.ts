/**
 * A single row against small constant weights (a recurrent step's h @ W: native/cpu/gemv_rows.h,
 * k up to 256, the weights kept row-major whatever their layout in the model) against onnxruntime:
 * the unrolled LSTM's shapes with and without a transposed b, a bias, alpha and beta, a fused
 * activation; blocks of 128 columns with every size of last vector (1, 8, 15, 16 columns), k of 1
 * and at the limit, columns split over two threads; and identical columns giving identical bits
 * wherever they fall. Tolerance: helpers/compare.ts (the column kernel and the blocked product
 * take the other shapes: machines without AVX-512 run them all there).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const plain = { transA: false, transB: false, alpha: 1, beta: 0 };

function rowTimesWeights(k: number, n: number, seed: number, threads?: number) {
  return checkLayer({
    op: 'MatMul',
    inputs: [randomFloat([1, k], seed), randomFloat([k, n], seed + 1)],
    constants: [1],
    kind: 'matmul',
    params: plain,
    ...(threads ? { threads } : {}),
  });
}

describe('a single row against small constant weights (the row kernel)', () => {
  it("an LSTM step's shape: [1, 64] @ [64, 256], b row-major", () => rowTimesWeights(64, 256, 1));
  it("the converter's form: Gemm with b transposed, a bias, alpha and beta", () =>
    checkLayer({
      op: 'Gemm',
      attrs: { transB: 1, alpha: 0.75, beta: 1.5 },
      inputs: [randomFloat([1, 64], 3), randomFloat([256, 64], 4), randomFloat([256], 5)],
      constants: [1, 2],
      kind: 'matmul',
      params: { transA: false, transB: true, alpha: 0.75, beta: 1.5 },
    }));
  it('last vectors of 1, 8, 15 and 16 columns; several blocks; k of 1 and 256', async () => {
    for (const [k, n, seed] of [
      [33, 1, 10],
      [33, 40, 11],
      [33, 143, 12],
      [33, 16, 13],
      [33, 129, 14],
      [1, 300, 15],
      [256, 200, 16],
    ] as const) {
      await rowTimesWeights(k, n, seed);
    }
  });
  it('columns split over two threads (k 256, n 1000: eight blocks)', () => rowTimesWeights(256, 1000, 20, 2));
  it('a fused tanh', () =>
    checkLayer({
      op: 'MatMul',
      inputs: [randomFloat([1, 48], 21), randomFloat([48, 72], 22)],
      constants: [1],
      then: [{ op: 'Tanh' }],
      kind: 'matmul',
      params: { ...plain, activation: { op: 'tanh' } },
    }));
  itIf(HAS_NATIVE, 'identical columns give identical bits, in every block and on either thread', NATIVE_MISSING, async () => {
    const k = 96;
    const n = 1000;
    const column = randomFloat([k], 30).data as Float32Array;
    const w = new Float32Array(k * n);
    for (let kk = 0; kk < k; kk++) w.fill(column[kk]!, kk * n, (kk + 1) * n);
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [1, k] }],
        outputs: [{ name: 'y' }],
        initializers: { w: { dtype: 'float32', dims: [k, n], data: w } },
        nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
      }),
    );
    const x = new ort.Tensor('float32', randomFloat([1, k], 31).data as Float32Array, [1, k]);
    const session = await ort.InferenceSession.create(model);
    const ref = ((await session.run({ x })).y!.data as Float32Array)[0]!;
    for (const threads of [1, 2]) {
      const m = await compile(model, { backend: 'cpu', threads, requireFullCompilation: true });
      try {
        const y = (await m.run({ x })).y!.data as Float32Array;
        expect(Math.abs(y[0]! - ref), 'against onnxruntime').toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref)));
        for (let j = 1; j < n; j++) expect(y[j], `threads ${threads}, column ${j}`).toBe(y[0]);
      } finally {
        await m.dispose();
      }
    }
  });
});
