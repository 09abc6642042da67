/**
 * A single row against transposed weights (a fully connected layer after global pooling: the
 * cpu Sgemm's GEMV over weight columns) computes every column the same way wherever it falls
 * (which block of columns, which thread's share): identical columns give bit-identical results,
 * as the light_* conformance models need (their weights are constants, so every logit is the
 * same number near 1e19, and a softmax of them is uniform only if they are equal to the bit).
 */
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

for (const [n, k] of [
  [1001, 2048],
  [1003, 2061],
  [37, 512],
] as const) {
  itIf(HAS_NATIVE, `identical columns give identical results (n ${n}, k ${k}), and a softmax of them is uniform`, NATIVE_MISSING, async () => {
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [1, k] }],
        outputs: [{ name: 'y' }],
        initializers: { w: { dtype: 'float32', dims: [n, k], data: new Float32Array(n * k).fill(0.02) } },
        nodes: [
          { op: 'Gemm', inputs: ['x', 'w'], outputs: ['z'], attrs: { transB: 1 } },
          { op: 'Softmax', inputs: ['z'], outputs: ['y'], attrs: { axis: 1 } },
        ],
      }),
    );
    for (const threads of [1, 2]) {
      const m = await compile(model, { backend: 'cpu', threads, requireFullCompilation: true });
      try {
        const x = new ort.Tensor('float32', new Float32Array(k).fill(2.2299e17), [1, k]);
        const y = (await m.run({ x })).y!.data as Float32Array;
        for (let j = 0; j < n; j++) expect(Math.abs(y[j]! - 1 / n), `threads ${threads}, column ${j}`).toBeLessThanOrEqual(1e-7);
      } finally {
        await m.dispose();
      }
    }
  });
}
