/**
 * Trilu in a ranged compile whose last two dims vary (a dynamic causal mask: PyTorch's
 * torch.triu(torch.full((n, n), -inf), 1) over a dynamic sequence length). converters/trilu.ts
 * computes the mask at each run's shapes (range layers over the input's dims) instead of
 * baking a constant of one view's size: before, the node fell back to onnxruntime ("holds other
 * values at the two ends"), cutting the engine in three. Here every node runs on one engine, and
 * each run agrees with onnxruntime alone on the same feeds (max |a - b| over max |b| within
 * FP32_TOL, test/helpers/ranges.ts), upper and lower, k of 1, 0 and -2, at shapes through the
 * range, square and not.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { expectMatches, shapesIn } from '../helpers/ranges.js';
import { sine } from '../runtime/helpers.js';

// x [b, n, m] -> Trilu(x * 2 + 1, k, upper) -> Softmax over the last dim -> y
const model = (upper: number, k: number) =>
  encodeModel(
    buildModel({
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: ['b', 'n', 'm'] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      initializers: {
        two: { dtype: 'float32', dims: [], data: Float32Array.of(2) },
        one: { dtype: 'float32', dims: [], data: Float32Array.of(1) },
        k: { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(k)) },
      },
      nodes: [
        { op: 'Mul', inputs: ['x', 'two'], outputs: ['x2'] },
        { op: 'Add', inputs: ['x2', 'one'], outputs: ['x3'] },
        { op: 'Trilu', inputs: ['x3', 'k'], outputs: ['t'], attrs: { upper } },
        { op: 'Softmax', inputs: ['t'], outputs: ['y'], attrs: { axis: -1 } },
      ],
    }),
  );

describeIf(HAS_NATIVE, 'Trilu in a ranged compile (its last dims vary)', NATIVE_MISSING, () => {
  for (const [upper, k] of [
    [1, 1],
    [0, 0],
    [1, -2],
  ] as const) {
    it(`upper=${upper} k=${k}: on the engine, as onnxruntime computes it at every shape`, async () => {
      const m = model(upper, k);
      const range = { min: [1, 2, 2], opt: [2, 6, 6], max: [3, 16, 12] };
      const c = await compile(m, { backend: 'cpu', threads: 1, inputs: { x: range } });
      try {
        expect(c.report.data.summary.fallbackSegments).toBe(0);
        for (const shape of shapesIn(range, 3, 4)) await expectMatches(c, m, { x: sine(shape, 0.3) }, `[${shape}]`);
      } finally {
        await c.dispose();
      }
    });
  }
});
