/**
 * A dynamic compile also judges the graph next to each end of a range (min + 1, max - 1:
 * src/compiler/shape-views.ts). A model that takes only some sizes there (a detector's multiples
 * of 32; here even sizes: a 2x2 pool upsampled by 2 and added to its input) made onnxruntime fail
 * on those views' probe samples, and the compile warned that it "could not probe the shapes"
 * although every shape the user gave probes, and every node ran on the engine. Such a view is
 * left out (the ends decide), with no warning; a failure at an end the user gave still warns.
 * PaddleOCR's detector (zoo paddleocr_det) over 32..960 showed it.
 */
import { expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND } from '../engine/helpers/compare.js';
import { sine } from '../runtime/helpers.js';
import { engineOnly, expectMatches } from '../helpers/ranges.js';

const f32 = (v: number[]) => ({ dtype: 'float32' as const, dims: [v.length], data: Float32Array.from(v) });

/** y = x + Resize(MaxPool(x, 2x2 stride 2), scales 2): onnxruntime takes even h and w only. */
const model = encodeModel(
  buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [1, 2, 'h', 'w'] }],
    outputs: [{ name: 'y' }],
    initializers: { scales: f32([1, 1, 2, 2]), roi: f32([]) },
    nodes: [
      { op: 'MaxPool', inputs: ['x'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Resize', inputs: ['p', 'roi', 'scales'], outputs: ['u'], attrs: { mode: 'nearest' } },
      { op: 'Add', inputs: ['x', 'u'], outputs: ['y'] },
    ],
  }),
);

describeIf(HAS_NATIVE, `views next to a range's ends (${BACKEND})`, NATIVE_MISSING, () => {
  it('a size the model does not take next to an end leaves that view out, without a warning', async () => {
    const even = { min: [1, 2, 4, 4], opt: [1, 2, 6, 6], max: [1, 2, 8, 8] };
    const r = await analyze(model, { inputs: { x: even } });
    expect(r.warnings).toEqual([]);
    expect(r.views?.map((v) => v.end)).toEqual(['min', 'opt', 'max']);
    // An end the model does not take still warns: the user gave that shape.
    const odd = await analyze(model, { inputs: { x: { ...even, min: [1, 2, 5, 5] } } });
    expect(odd.warnings).toEqual([expect.stringMatching(/^could not probe the shapes of 1 value\(s\) \(onnxruntime failed on the sample inputs: /)]);
  });

  it('the engine serves the range and agrees with onnxruntime at every even size', async () => {
    const m = await compile(model, { backend: BACKEND, inputs: { x: { min: [1, 2, 4, 4], opt: [1, 2, 6, 6], max: [1, 2, 8, 8] } }, minBlockSize: 1 });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const [h, w] of [
        [4, 4],
        [6, 8],
        [8, 4],
        [8, 8],
      ]) {
        const shape = [1, 2, h!, w!];
        await expectMatches(m, model, { x: sine(shape, h! + w!) }, `[${shape}]`);
      }
    } finally {
      await m.dispose();
    }
  });
});
