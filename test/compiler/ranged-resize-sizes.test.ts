/**
 * A Resize to a size computed from the input's shape (PyTorch's F.interpolate(y, size=x.shape[-2:])
 * in a model exported with dynamic height and width) goes to onnxruntime in a ranged compile, its
 * sizes computed on the engine before it. onnxruntime refuses a Resize whose sizes input has no
 * declared length, so the fallback segment declares the length it has at every shape (4): before,
 * compile() failed ("Number of elements of input 'sizes' (0) must be same as rank of input 'X'").
 * Each run is compared with onnxruntime alone on the same feeds (max |a - b| over max |b| within
 * FP32_TOL, test/helpers/ranges.ts).
 */
import { it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { expectMatches, shapesIn } from '../helpers/ranges.js';
import { sine } from '../runtime/helpers.js';

const i64 = (...v: number[]) => ({ dtype: 'int64' as const, dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });

// x [1,3,h,w] -> AveragePool 2x2 -> Resize back to x's h and w (bilinear), sizes = Concat(Shape(p)[0:2], Shape(x)[2:4]).
const model = encodeModel(
  buildModel({
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3, 'h', 'w'] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { s0: i64(0), s2: i64(2), s4: i64(4) },
    nodes: [
      { op: 'AveragePool', inputs: ['x'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Shape', inputs: ['p'], outputs: ['ps'] },
      { op: 'Slice', inputs: ['ps', 's0', 's2'], outputs: ['nc'] },
      { op: 'Shape', inputs: ['x'], outputs: ['xs'] },
      { op: 'Slice', inputs: ['xs', 's2', 's4'], outputs: ['hw'] },
      { op: 'Concat', inputs: ['nc', 'hw'], outputs: ['sizes'], attrs: { axis: 0 } },
      { op: 'Resize', inputs: ['p', '', '', 'sizes'], outputs: ['y'], attrs: { mode: 'linear' } },
    ],
  }),
);

describeIf(HAS_NATIVE, 'a ranged compile with a Resize to a computed size', NATIVE_MISSING, () => {
  it('compiles and agrees with onnxruntime at every shape of the range', async () => {
    const range = { min: [1, 3, 4, 4], opt: [1, 3, 8, 12], max: [1, 3, 16, 20] };
    const m = await compile(model, { backend: 'cpu', threads: 1, minBlockSize: 1, inputs: { x: range } });
    try {
      for (const shape of shapesIn(range, 2, 3)) await expectMatches(m, model, { x: sine(shape, 0.3) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });
});
