/**
 * Binary and variadic converters (converters/binary.ts): numpy and legacy broadcasting, Pow's
 * exponent cast, comparisons to bool, Max/Min folding, and numerics against onnxruntime.
 * Mod as an elementwise 'mod' (fmod=0: the divisor's sign, integers) or 'fmod' (fmod=1: the
 * dividend's sign, floats and integers) against onnxruntime on the same inputs, exactly, through
 * the reference interpreter and the cpu engine: every sign combination, a broadcast divisor,
 * int32 and int64 (INT_MIN among the dividends), int8 and uint8 (cast to int32 and back; their
 * comparisons too, cast to int32). The ONNX suite's Mod cases run through engines
 * too (test/conformance). A zero divisor is left out: onnxruntime's integer remainder traps on it.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, emitted, random, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('binary ops', () => {
  it('numpy broadcasting from opset 7: one layer, inputs as they are', () => {
    expect(emitted({ op: 'Sub', opset: 14, inputs: [f32([3, 4, 5]), f32([5])], outputs: [f32([3, 4, 5])] })).toEqual([
      expect.objectContaining({ kind: 'elementwise', params: { op: 'sub' }, inputs: [0, 1] }),
    ]);
  });

  it('legacy broadcast (opset < 7): B is reshaped to align at axis', () => {
    // A [2,3,4,5], B [3,4] at axis 1 -> B seen as [1,3,4,1]
    const layers = emitted({
      op: 'Add',
      opset: 6,
      attrs: { broadcast: 1, axis: 1 },
      inputs: [f32([2, 3, 4, 5]), f32([3, 4])],
      outputs: [f32([2, 3, 4, 5])],
    });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [1, 3, 4, 1] }],
      ['elementwise', { op: 'add' }],
    ]);
    // no axis: B matches A's trailing dims
    const tail = emitted({ op: 'Mul', opset: 6, attrs: { broadcast: 1 }, inputs: [f32([2, 3, 4]), f32([4])], outputs: [f32([2, 3, 4])] });
    expect(tail.map((l) => l.kind)).toEqual(['elementwise']);
    expect(verdict({ op: 'Add', opset: 6, inputs: [f32([2, 3]), f32([3])], outputs: [f32([2, 3])] })).toEqual({
      ok: false,
      reason: 'Add: broadcast=0 needs equal shapes, got [2,3] and [3]',
    });
  });

  it('Pow casts an integer exponent to the base type, rejects an integer base', () => {
    const layers = emitted({ op: 'Pow', opset: 15, inputs: [f32([3]), ['int64', [3]]], outputs: [f32([3])] });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['cast', { to: 'float32' }],
      ['elementwise', { op: 'pow' }],
    ]);
    expect(verdict({ op: 'Pow', opset: 15, inputs: [['int32', [3]], f32([3])], outputs: [['int32', [3]]] })).toEqual({
      ok: false,
      reason: 'Pow: base dtype int32 is not supported; engines compute Pow in float32, float16, bfloat16',
    });
  });

  it('Equal gives bool and takes integers; unsupported integer widths are named', () => {
    expect(
      emitted({
        op: 'Equal',
        opset: 13,
        inputs: [
          ['int64', [2]],
          ['int64', [2]],
        ],
        outputs: [['bool', [2]]],
      })[0],
    ).toMatchObject({ params: { op: 'equal' } });
    expect(
      verdict({
        op: 'Equal',
        opset: 13,
        inputs: [
          ['int16', [2]],
          ['int16', [2]],
        ],
        outputs: [['bool', [2]]],
      }),
    ).toEqual({
      ok: false,
      reason: "Equal: input 'in0' has dtype int16, which engines do not hold",
    });
  });

  it('Max/Min fold their inputs left to right; one input is a copy', () => {
    const three = emitted({ op: 'Max', opset: 13, inputs: [f32([3]), f32([2, 1]), f32([3])], outputs: [f32([2, 3])] });
    expect(three.map((l) => [l.name, l.params, l.inputs])).toEqual([
      ['n/max1', { op: 'max' }, [0, 1]],
      ['n', { op: 'max' }, [3, 2]],
    ]);
    expect(emitted({ op: 'Min', opset: 13, inputs: [f32([3])], outputs: [f32([3])] })).toEqual([
      expect.objectContaining({ kind: 'unary', params: { op: 'identity' } }),
    ]);
    expect(verdict({ op: 'Max', opset: 6, inputs: [f32([3]), f32([1])], outputs: [f32([3])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('equal shapes before opset 8'),
    });
  });

  it('Div with broadcasting computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [
          { name: 'a', shape: [2, 1, 4] },
          { name: 'b', shape: [3, 1] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Div', inputs: ['a', 'b'], outputs: ['y'] }],
      },
      feeds: { a: random('float32', [2, 1, 4], 1), b: random('float32', [3, 1], 2, 0.5, 2) },
    });
  });
});

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

/** int8/uint8 data with the type's ends, equal pairs and both orders. */
function narrow(dtype: 'int8' | 'uint8', values: number[]): TensorData {
  return { dtype, dims: [values.length], data: dtype === 'int8' ? Int8Array.from(values) : Uint8Array.from(values) };
}
const NARROW_A = { int8: [-128, 127, -1, 0, 5, -5, 100, -100], uint8: [0, 255, 1, 128, 5, 7, 200, 127] };
const NARROW_B = { int8: [127, -128, -1, 1, 5, 3, -100, 7], uint8: [255, 0, 1, 127, 5, 3, 200, 9] };

describe('int8 and uint8 comparisons and Mod, cast to int32 around the layer', () => {
  it.each(['int8', 'uint8'] as const)('%s: Less, Greater, Equal, LessOrEqual, GreaterOrEqual exactly as onnxruntime', async (dtype) => {
    for (const op of ['Less', 'Greater', 'Equal', 'LessOrEqual', 'GreaterOrEqual']) {
      const net = await checkAgainstOrt({
        spec: {
          opset: 16,
          inputs: [
            { name: 'a', dtype, shape: [8] },
            { name: 'b', dtype, shape: [8] },
          ],
          outputs: [{ name: 'y' }],
          nodes: [{ op, inputs: ['a', 'b'], outputs: ['y'] }],
        },
        feeds: { a: narrow(dtype, NARROW_A[dtype]), b: narrow(dtype, NARROW_B[dtype]) },
        rtol: 0,
        atol: 0,
      });
      expect(net.layers.filter((l) => l.kind === 'cast').length, op).toBe(2);
    }
  });

  it.each(['int8', 'uint8'] as const)('%s: Mod, fmod 0 and 1, exactly as onnxruntime', async (dtype) => {
    // Divisors without 0: onnxruntime's integer remainder traps on it.
    const b = narrow(
      dtype,
      NARROW_B[dtype].map((x) => x || 3),
    );
    for (const fmod of [0, 1]) await checkAgainstOrt(mod(narrow(dtype, NARROW_A[dtype]), b, fmod));
  });

  it('still refuses mixed int8 and uint8, saying why', () => {
    expect(
      verdict({
        op: 'Less',
        opset: 13,
        inputs: [
          ['int8', [2]],
          ['uint8', [2]],
        ],
        outputs: [['bool', [2]]],
      }),
    ).toEqual({ ok: false, reason: "Less: input 'in1' has dtype uint8; supported: int8" });
  });
});

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
