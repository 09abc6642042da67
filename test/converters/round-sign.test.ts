/**
 * Round and Sign as `unary` layers against onnxruntime on the same input, exactly, through the
 * reference interpreter and the cpu engine: Round's halves (to even, both signs), values away
 * from halves, ±0 and the infinities; Sign of floats with ±0 and NaN and of int32 and int64
 * tensors; and the zeros' signs and NaN bit for bit through compile() (the harness's comparison
 * takes -0 for 0).
 * The ONNX suite's cases (test_round, test_sign) run through engines too (test/conformance).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { ortRun } from '../runtime/helpers.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random } from './helpers/harness.js';

function one(op: string, x: TensorData) {
  return {
    spec: {
      inputs: [{ name: 'x', dtype: x.dtype as 'float32', shape: x.dims }],
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['x'], outputs: ['y'] }],
    },
    feeds: { x },
    rtol: 0,
    atol: 0,
  };
}

const f32 = (...v: number[]): TensorData => ({ dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });

describe('Round and Sign', () => {
  it('Round: halves to even, other values to the nearest, zeros and infinities kept', async () => {
    await checkAgainstOrt(one('Round', f32(0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 1.2, -1.7, 0, -0, 1e10, Infinity, -Infinity, 8388609.5)));
    await checkAgainstOrt(one('Round', random('float32', [4, 5], 1, -10, 10)));
  });

  it('Sign of floats and of int32 and int64 tensors', async () => {
    await checkAgainstOrt(one('Sign', f32(-3, -0, 0, 2.5, -1e-30, Infinity, -Infinity, NaN)));
    await checkAgainstOrt(one('Sign', random('int32', [3, 7], 2)));
    await checkAgainstOrt(one('Sign', random('int64', [2, 9], 3)));
  });

  it('the zeros and NaN of Sign and Round bit for bit as onnxruntime gives them (Sign: +0 for -0, NaN kept; Round: -0 kept)', async () => {
    const bits = (v: number) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v));
    for (const op of ['Sign', 'Round']) {
      const model = encodeModel(
        buildModel({
          inputs: [{ name: 'x', dtype: 'float32', shape: [5] }],
          outputs: [{ name: 'y', dtype: 'float32' }],
          nodes: [{ op, inputs: ['x'], outputs: ['y'] }],
        }),
      );
      const feeds = { x: new ort.Tensor('float32', Float32Array.of(-0, 0, NaN, -0.4, 0.4), [5]) };
      const m = await compile(model, { backend: 'cpu', minBlockSize: 1 });
      try {
        expect(m.report.data.summary.fallbackSegments, op).toBe(0);
        const [got, want] = [(await m.run(feeds)).y!, (await ortRun(model, feeds)).y!];
        expect(Array.from(got.data as Float32Array, bits), op).toEqual(Array.from(want.data as Float32Array, bits));
      } finally {
        await m.dispose();
      }
    }
  });
});
