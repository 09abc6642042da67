/**
 * Quantize and dequantize on the cpu backend against onnxruntime (QuantizeLinear,
 * DequantizeLinear): int8 and uint8, per-tensor and per-axis, with and without a zero
 * point, values that saturate and values that round half to even; int32 dequantize.
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat, randomInt, tensor } from './helpers/random.js';

describe('quantize', () => {
  // x / 0.5 hits exact halves (1.25 / 0.5 = 2.5 -> 2, 3.75 / 0.5 = 7.5 -> 8) and saturates.
  const halves = tensor('float32', [2, 4], [1.25, 3.75, -1.25, -0.25, 100, -100, 0.2, 63.7]);
  for (const dtype of ['int8', 'uint8'] as const) {
    it(`${dtype}, per tensor, with and without a zero point`, async () => {
      const zp = tensor(dtype, [], [dtype === 'int8' ? -3 : 100]);
      await checkLayer({
        op: 'QuantizeLinear',
        inputs: [halves, tensor('float32', [], [0.5]), zp],
        constants: [1, 2],
        kind: 'quantize',
        params: { axis: 1 },
      });
      await checkLayer({
        op: 'QuantizeLinear',
        inputs: [randomFloat([3, 5], 1, -4, 4), tensor('float32', [], [0.03]), tensor(dtype, [], [0])],
        kind: 'quantize',
        params: { axis: 1 },
      });
    });
    it(`${dtype}, per axis`, async () => {
      const zp = tensor(dtype, [3], dtype === 'int8' ? [0, -5, 7] : [0, 128, 30]);
      await checkLayer({
        op: 'QuantizeLinear',
        attrs: { axis: 1 },
        inputs: [randomFloat([2, 3, 4], 2, -6, 6), tensor('float32', [3], [0.05, 0.1, 0.02]), zp],
        constants: [1, 2],
        kind: 'quantize',
        params: { axis: 1 },
      });
    });
    it(`${dtype}, whole vectors of exact halves, infinities and values far out of range`, async () => {
      // 96 values (six vectors of 16 on AVX-512, whose saturation comes before the rounding:
      // native/cpu/quant_epilogue.cc): (i - 48) / 4 over 0.5 is a half step each other value;
      // over 0.01 most saturate; +-Infinity, +-1e30 and 3e9 saturate whatever the scale.
      const special: Record<number, number> = { 5: Infinity, 17: -Infinity, 33: 1e30, 50: -1e30, 70: 3e9 };
      const x = tensor(
        'float32',
        [2, 48],
        Array.from({ length: 96 }, (_, i) => special[i] ?? (i - 48) / 4),
      );
      for (const scale of [0.5, 0.01]) {
        await checkLayer({
          op: 'QuantizeLinear',
          inputs: [x, tensor('float32', [], [scale]), tensor(dtype, [], [dtype === 'int8' ? -7 : 130])],
          constants: [1, 2],
          kind: 'quantize',
          params: { axis: 1 },
        });
      }
    });
    it(`${dtype}, large: per tensor in runs split among threads, per axis in rows of 12000`, async () => {
      // 72000 elements: more than one thread's grain (native/cpu/quantize.cc), vector tails.
      const zp = tensor(dtype, [], [dtype === 'int8' ? 5 : 90]);
      await checkLayer({
        op: 'QuantizeLinear',
        inputs: [randomFloat([2, 3, 120, 100], 5, -3, 3), tensor('float32', [], [0.021]), zp],
        constants: [1, 2],
        kind: 'quantize',
        params: { axis: 1 },
      });
      await checkLayer({
        op: 'QuantizeLinear',
        attrs: { axis: 1 },
        inputs: [randomFloat([2, 3, 120, 100], 6, -3, 3), tensor('float32', [3], [0.03, 0.011, 0.02]), tensor(dtype, [3], [0, 7, 3])],
        constants: [1, 2],
        kind: 'quantize',
        params: { axis: 1 },
      });
    });
  }
});

describe('dequantize', () => {
  for (const dtype of ['int8', 'uint8'] as const) {
    it(`${dtype}, per tensor and per axis`, async () => {
      const lo = dtype === 'int8' ? -128 : 0;
      const raw = randomInt([2, 3, 4], 3, lo, lo + 255).data as Int32Array;
      const x = { dtype, dims: [2, 3, 4], data: dtype === 'int8' ? Int8Array.from(raw) : Uint8Array.from(raw) };
      await checkLayer({
        op: 'DequantizeLinear',
        inputs: [x, tensor('float32', [], [0.07]), tensor(dtype, [], [dtype === 'int8' ? 4 : 120])],
        constants: [1, 2],
        kind: 'dequantize',
        params: { axis: 1 },
      });
      await checkLayer({
        op: 'DequantizeLinear',
        attrs: { axis: 2 },
        inputs: [x, tensor('float32', [4], [0.1, 0.2, 0.05, 1.5]), tensor(dtype, [4], [dtype === 'int8' ? -1 : 1, 2, 3, 4])],
        constants: [1, 2],
        kind: 'dequantize',
        params: { axis: 2 },
      });
    });
  }
  it('int32 without a zero point', () =>
    checkLayer({
      op: 'DequantizeLinear',
      inputs: [randomInt([5, 2], 4, -100000, 100000), tensor('float32', [], [0.001])],
      constants: [1],
      kind: 'dequantize',
      params: { axis: 1 },
    }));
});
