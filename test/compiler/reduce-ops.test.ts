/**
 * The reductions of the coverage issue through compile() on the cpu backend, wholly on an engine
 * (requireFullCompilation), against onnxruntime on the same float32 data, within 1e-5 of each
 * output's scale. The ONNX suite's own ReduceLogSumExp cases hold float64 data, which engines
 * refuse, so this is where that converter is proven on an engine
 * (test/conformance/node-engine.test.ts, NO_ENGINE_CASE).
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError } from '../runtime/helpers.js';

const OPS = ['ReduceLogSumExp', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceMin', 'ReduceProd'];

describeIf(HAS_NATIVE, 'reductions on an engine (cpu)', NATIVE_MISSING, () => {
  for (const op of OPS) {
    for (const opset of [17, 18]) {
      it(`${op}-${opset === 17 ? 13 : 18} over axes [1, -1] agrees with onnxruntime`, async () => {
        const axes = { dtype: 'int64' as const, dims: [2], data: BigInt64Array.of(1n, -1n) };
        const model = encodeModel(
          buildModel({
            opset,
            inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3, 4] }],
            outputs: [{ name: 'y', dtype: 'float32' }],
            ...(opset >= 18 ? { initializers: { axes } } : {}),
            nodes: [
              {
                op,
                inputs: opset >= 18 ? ['x', 'axes'] : ['x'],
                outputs: ['y'],
                attrs: { keepdims: 0, ...(opset < 18 ? { axes: [1, -1] } : {}) },
              },
            ],
          }),
        );
        // Positive values near 1: prod and log-sum-exp stay in range.
        const x = new ort.Tensor(
          'float32',
          Float32Array.from({ length: 24 }, (_, i) => 0.5 + ((i * 7) % 11) / 10),
          [2, 3, 4],
        );
        const m = await compile(model, { backend: 'cpu', requireFullCompilation: true, minBlockSize: 0 });
        try {
          expect(m.report.data.summary.engineNodes).toBe(1);
          const got = (await m.run({ x })).y!;
          const want = (await ortRun(model, { x })).y!;
          expect(relativeError(got, want)).toBeLessThan(1e-5);
        } finally {
          await m.dispose();
        }
      });
    }
  }
});
