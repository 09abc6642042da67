/**
 * A standalone element-wise add between Q/DQ pairs, as onnxruntime's QDQ format and TensorRT's
 * Q/DQ placement write it, with both inputs quantized in the model:
 *
 *   x ─► Q(sx, zx) ─► DQ ─► a ─┐
 *                              Add (─► Relu) ─► s ─► Q(sy, zy) ─► DQ ─► y
 *   u ─► Q(su, zu) ─► DQ ─► b ─┘
 *
 * The builder's qdq pass folds DQ, DQ -> Add -> Q into one int8 add (native/layers/quant_add.h):
 * int8 and uint8 (mixed too), non-zero zero points, u broadcast against x, inputs that
 * saturate both quantizers and sums that saturate the output at both ends, and scales whose
 * quotients fall on halves (ties, rounded to even; exactly so where the scales are powers of
 * two). The int8 add's steps are the Q/DQ graph's
 * own, so y equals onnxruntime's run of the model as written (its optimizations off) exactly,
 * and its optimized run (QLinearAdd, which rounds otherwise) within one output step. The
 * report counts the Add as int8; an add that cannot fold (per-axis scales, no QuantizeLinear
 * after it, a float input) stays float and says why.
 */
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { ADD_CASES, type AddModel, addModel, feeds, ortY } from './add-qdq.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

describe('int8 add (cpu)', () => {
  for (const [what, spec] of ADD_CASES) {
    itIf(HAS_NATIVE, `${what}: one int8 layer, equal to onnxruntime's Q/DQ run, within one step of its QLinearAdd`, NATIVE_MISSING, async () => {
      const model = addModel(spec);
      const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
      try {
        const e = m.report.engines[0]!;
        expect(e.build.int8Layers).toBe(1);
        expect(e.build.quantizeFolded).toBe(1);
        expect(e.layerKinds.dequantize).toBe(1); // y's only
        expect([m.report.data.int8?.quantizable, m.report.data.int8?.int8, m.report.data.int8?.kept]).toEqual([1, 1, []]);
        const step = spec.scales[2];
        for (const seed of [1, 2]) {
          const f = feeds(spec, seed);
          const got = (await m.run(f)).y!.data as Float32Array;
          const plain = await ortY(model, f, false);
          const fused = await ortY(model, f, true);
          const lo = (spec.types[2] === 'int8' ? -128 : 0) - spec.zeros[2];
          const at = (q: number) => got.some((v) => v === Math.fround(q * Math.fround(step)));
          expect([at(lo), at(lo + 255)]).toEqual([!spec.relu, true]); // both ends saturate (relu: none below 0)
          for (let i = 0; i < got.length; i++) {
            if (got[i] !== plain[i]) throw new Error(`${what}: y[${i}] is ${got[i]}, onnxruntime's Q/DQ run ${plain[i]}`);
            if (Math.abs(got[i]! - fused[i]!) > step * 1.001) throw new Error(`${what}: y[${i}] is ${got[i]}, its QLinearAdd ${fused[i]}`);
          }
        }
      } finally {
        await m.dispose();
      }
    });
  }

  itIf(HAS_NATIVE, 'with the qdq pass off (HYBRIDRT_QDQ=0) the add stays float, and the report says so', NATIVE_MISSING, async () => {
    const model = addModel(ADD_CASES[0]![1]);
    process.env.HYBRIDRT_QDQ = '0';
    const m = await compile(model, { backend: 'cpu', requireFullCompilation: true }).finally(() => delete process.env.HYBRIDRT_QDQ);
    try {
      expect(m.report.engines[0]!.build.int8Layers).toBe(0);
      expect(m.report.data.int8!.kept).toMatchObject([{ node: 'add', kind: 'qdq-pass', reason: expect.stringMatching(/^the qdq pass is off \(/) }]);
    } finally {
      await m.dispose();
    }
  });

  const base: AddModel = { x: [2, 4, 3, 5], u: [2, 4, 3, 5], types: ['int8', 'int8', 'int8'], zeros: [1, -2, 3], scales: [0.05, 0.05, 0.1] };
  for (const [what, spec, kind, reason] of [
    ["u's dequantize per axis", { ...base, perAxisU: true }, 'qdq-pass', /per axis/],
    ['no QuantizeLinear after it', { ...base, noQ: true }, 'qdq-pass', /no QuantizeLinear/],
    ['a float input', { ...base, floatU: true }, 'not-quantized', /'u' come\(s\) from no DequantizeLinear/],
  ] as const) {
    itIf(HAS_NATIVE, `an add with ${what} stays float, and the report says why`, NATIVE_MISSING, async () => {
      const model = addModel(spec);
      const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
      try {
        expect(m.report.engines[0]!.build.int8Layers).toBe(0);
        const s = m.report.data.int8!;
        expect([s.quantizable, s.int8, s.kept.length]).toEqual([1, 0, 1]);
        expect(s.kept[0]).toMatchObject({ node: 'add', opType: 'Add', kind });
        expect(s.kept[0]!.reason).toMatch(reason);
        const f = feeds(spec, 3);
        const got = (await m.run(f)).y!.data as Float32Array;
        const plain = await ortY(model, f, false);
        for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - plain[i]!)).toBeLessThanOrEqual(1e-5);
      } finally {
        await m.dispose();
      }
    });
  }
});
