/**
 * Squeeze and Unsqueeze over shape ranges: a unit axis added or removed in front of two dims that
 * vary (PaddleOCR's recognizer squeezes [1,B,8,W,15] to [B,8,W,15]) cannot be written as a
 * reshape target of numbers, 0s at their own index and one -1, so the converter moves the unit
 * axes with the shuffle's permutations around a reshape of 0s (converters/reshape.ts). One engine
 * serves the whole range, each run held to onnxruntime on the same feeds (test/helpers/ranges.ts:
 * max |a - b| over max |b| within FP32_TOL).
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type NodeSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND } from '../engine/helpers/compare.js';
import { sine } from '../runtime/helpers.js';
import { engineOnly, expectMatches, shapesIn } from '../helpers/ranges.js';

/** x [b,w,6] -> Unsqueeze(0) [1,b,w,6] -> Relu -> Unsqueeze(3) [1,b,w,1,6] -> Squeeze(0, 3) [b,w,6] -> Sigmoid -> y. */
function model(opset: number): Uint8Array {
  // Axes as a constant input from opset 13, an attribute before.
  const initializers: Record<string, { dtype: 'int64'; dims: number[]; data: BigInt64Array }> = {};
  const node = (op: string, input: string, output: string, axes: number[]): NodeSpec => {
    if (opset < 13) return { op, inputs: [input], outputs: [output], attrs: { axes } };
    initializers[`${output}_axes`] = { dtype: 'int64', dims: [axes.length], data: BigInt64Array.from(axes.map(BigInt)) };
    return { op, inputs: [input, `${output}_axes`], outputs: [output] };
  };
  const nodes = [
    node('Unsqueeze', 'x', 'u', [0]),
    { op: 'Relu', inputs: ['u'], outputs: ['r'] },
    node('Unsqueeze', 'r', 'm', [3]),
    node('Squeeze', 'm', 's', [0, 3]),
    { op: 'Sigmoid', inputs: ['s'], outputs: ['y'] },
  ];
  return encodeModel(buildModel({ opset, inputs: [{ name: 'x', shape: ['b', 'w', 6] }], outputs: [{ name: 'y' }], initializers, nodes }));
}

describeIf(HAS_NATIVE, `Squeeze and Unsqueeze over shape ranges (${BACKEND})`, NATIVE_MISSING, () => {
  for (const opset of [11, 13]) {
    it(`a leading unit axis with two dims that vary behind it stays on one engine (opset ${opset}: axes as ${opset >= 13 ? 'an input' : 'an attribute'})`, async () => {
      const onnx = model(opset);
      const range = { min: [1, 2, 6], opt: [2, 5, 6], max: [4, 9, 6] };
      const m = await compile(onnx, { backend: BACKEND, inputs: { x: range }, minBlockSize: 1 });
      try {
        expect(m.report.data.summary).toMatchObject({ fallbackSegments: 0 });
        expect(engineOnly(m)).toBe(true);
        for (const shape of shapesIn(range, 3, 7)) await expectMatches(m, onnx, { x: sine(shape, shape[1]!) }, `[${shape}]`);
      } finally {
        await m.dispose();
      }
    });
  }
});
