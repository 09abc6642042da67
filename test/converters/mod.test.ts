/**
 * Mod as an elementwise 'mod' (fmod=0: the divisor's sign, integers) or 'fmod' (fmod=1: the
 * dividend's sign, floats and integers) against onnxruntime on the same inputs, exactly, through
 * the reference interpreter and the cpu engine: every sign combination, a broadcast divisor,
 * int32 and int64 (INT_MIN among the dividends). The ONNX suite's Mod cases run through engines
 * too (test/conformance). A zero divisor is left out: onnxruntime's integer remainder traps on it.
 */
import { describe, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt } from './helpers/harness.js';

function mod(a: TensorData, b: TensorData, fmod: number) {
  return {
    spec: {
      inputs: [
        { name: 'a', dtype: a.dtype as 'float32', shape: a.dims },
        { name: 'b', dtype: b.dtype as 'float32', shape: b.dims },
      ],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Mod', inputs: ['a', 'b'], outputs: ['y'], attrs: { fmod } }],
    },
    feeds: { a, b },
    rtol: 0,
    atol: 0,
  };
}

const dividends = [-7, -6, -5, -1, 0, 1, 5, 6, 7, 13];
const divisors = [-5, -3, 3, 5];
const grid = <T>(make: (v: number[]) => T) => [make(dividends.flatMap((a) => divisors.map(() => a))), make(dividends.flatMap(() => divisors))];

describe('Mod', () => {
  it.each([0, 1])('int32 and int64, every sign combination, fmod %i', async (fmod) => {
    const [a32, b32] = grid((v) => ({ dtype: 'int32' as const, dims: [dividends.length, divisors.length], data: Int32Array.from(v) }));
    await checkAgainstOrt(mod(a32, b32, fmod));
    const [a64, b64] = grid((v) => ({ dtype: 'int64' as const, dims: [dividends.length, divisors.length], data: BigInt64Array.from(v.map(BigInt)) }));
    await checkAgainstOrt(mod(a64, b64, fmod));
  });

  it('int32 INT_MIN and a broadcast divisor row', async () => {
    const a: TensorData = { dtype: 'int32', dims: [2, 4], data: Int32Array.of(-(2 ** 31), 2 ** 31 - 1, -9, 9, 4, -4, 100, -100) };
    const b: TensorData = { dtype: 'int32', dims: [4], data: Int32Array.of(7, -7, 2, -3) };
    await checkAgainstOrt(mod(a, b, 0));
    await checkAgainstOrt(mod(a, b, 1));
  });

  it('float32 with fmod=1: the dividend sign, fractions', async () => {
    const [a, b] = grid((v) => ({
      dtype: 'float32' as const,
      dims: [dividends.length, divisors.length],
      data: Float32Array.from(v, (x) => x * 1.25),
    }));
    await checkAgainstOrt(mod(a, b, 1));
  });
});
