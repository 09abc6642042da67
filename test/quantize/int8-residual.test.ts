/**
 * A residual add whose inputs are both dequantized (residual-qdq.ts): the qdq pass folds the
 * residual's DequantizeLinear into the convolution (an int8 residual, quant_form.h), so the
 * block is two int8 layers with no dequantize or quantize layer left, and its output agrees
 * with onnxruntime's run of the Q/DQ model as written (its optimizations off) within one output
 * step (rounding of the same sums in another order can move a value across a step's edge).
 */
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { runOrtY, smoothImage, worst } from './helpers.js';
import { residualQdqModel } from './residual-qdq.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

describe('int8 residual (cpu)', () => {
  for (const [type, zeros] of [
    ['int8', [0, 0, 0]],
    ['uint8', [100, 7, 30]],
    ['int8', [-5, 3, -20]],
  ] as const) {
    itIf(HAS_NATIVE, `${type} with zero points ${zeros.join(', ')}: folded, and onnxruntime's result within one step`, NATIVE_MISSING, async () => {
      const shape = [2, 8, 9, 7];
      const model = residualQdqModel(shape, type, [...zeros]);
      const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
      try {
        const e = m.report.engines[0]!;
        expect(e.build.int8Layers).toBe(2);
        expect(e.build.quantizeFolded).toBe(2); // the inner activation and the block's output
        expect(e.layerKinds.dequantize).toBe(1); // only y's: no dequantize before the add
        // The two Convs and the Add, which reads a DequantizeLinear and is computed by conv2's int8 layer.
        expect([m.report.data.int8?.quantizable, m.report.data.int8?.int8]).toEqual([3, 3]);
        for (const seed of [1, 2]) {
          const x = smoothImage(shape, seed, 0.31, 0.6);
          const got = (await m.run({ x })).y!.data as Float32Array;
          const ref = await runOrtY(model, x, false);
          expect(worst(got, ref)).toBeLessThanOrEqual((1 / 24) * 1.001);
          let equal = 0;
          for (let i = 0; i < ref.length; i++) equal += got[i] === ref[i] ? 1 : 0;
          expect(equal / ref.length).toBeGreaterThanOrEqual(0.99);
        }
      } finally {
        await m.dispose();
      }
    });
  }
});
