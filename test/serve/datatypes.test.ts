/**
 * The datatype table and the decoders both transports use: names both ways, JSON values flat
 * and nested, raw bytes, and each refusal naming the tensor and the element.
 */
import { describe, expect, it } from 'vitest';
import { datatypeOf, dtypeOf, fromOwnRaw, fromRaw, fromValues, toJsonText } from '../../src/serve/datatypes.js';
import { float32ToFloat16Bits } from '../../src/onnx/half.js';

describe('datatypes', () => {
  it('maps every protocol name to a dtype and back', () => {
    for (const name of ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'BF16', 'FP32', 'FP64', 'BYTES']) {
      expect(datatypeOf(dtypeOf(name, 't'))).toBe(name);
    }
    expect(dtypeOf('FP32', 't')).toBe('float32');
    expect(() => dtypeOf('float32', "input 'x'")).toThrow(/input 'x': unknown datatype "float32" \(one of BOOL, /);
  });

  it('decodes JSON values, flat or nested, into a fresh array of the dtype', () => {
    expect(
      fromValues(
        'float32',
        4,
        [
          [1, 2],
          [3, [4]],
        ],
        't',
      ),
    ).toEqual(Float32Array.of(1, 2, 3, 4));
    expect(fromValues('bool', 2, [true, false], 't')).toEqual(Uint8Array.of(1, 0));
    expect(fromValues('int64', 2, [-3, '9007199254740993'], 't')).toEqual(BigInt64Array.of(-3n, 9007199254740993n));
    expect(fromValues('float16', 1, [1.5], 't')).toEqual(Uint16Array.of(float32ToFloat16Bits(1.5)));
  });

  it.each([
    ['int8', 1, [128], /t: element 0 is 128, expected an integer from -128 to 127 \(INT8\)/],
    ['uint8', 1, [1.5], /element 0 is 1.5, expected an integer from 0 to 255/],
    ['bool', 1, [1], /element 0 is 1, expected true or false \(BOOL\)/],
    ['float32', 1, [null], /element 0 is null, expected a FP32 number/],
    ['float32', 2, [1, 2, 3], /t: data has more than the 2 elements of its shape/],
    ['float32', 3, [1, 2], /t: data has 2 elements, its shape needs 3/],
    ['float32', 1, { 0: 1 }, /t: data must be an array of 1 FP32 values/],
    ['int64', 1, ['99999999999999999999'], /element 0 is 99999999999999999999, outside INT64/],
  ] as const)('refuses %s x%d %j', (dtype, n, data, message) => {
    expect(() => fromValues(dtype, n, data, 't')).toThrow(message);
  });

  it('copies raw little-endian bytes of exactly the right length', () => {
    const bytes = new Uint8Array(Float32Array.of(1, -2).buffer);
    const got = fromRaw('float32', 2, bytes, 't');
    expect(got).toEqual(Float32Array.of(1, -2));
    bytes.fill(0);
    expect(got).toEqual(Float32Array.of(1, -2)); // a copy, not a view of the body
    expect(() => fromRaw('float32', 3, bytes, "input 'x'")).toThrow(/input 'x': 8 bytes of data, expected 12 \(3 FP32 elements\)/);
    expect(fromRaw('bool', 2, Uint8Array.of(0, 7), 't')).toEqual(Uint8Array.of(0, 1));
  });

  it("views a request's own raw bytes where they are aligned, and copies them where not", () => {
    const body = new Uint8Array(16);
    body.set(new Uint8Array(Float32Array.of(1, -2).buffer), 4);
    const aligned = fromOwnRaw('float32', 2, body.subarray(4, 12), 't');
    expect(aligned).toEqual(Float32Array.of(1, -2));
    expect(aligned.buffer).toBe(body.buffer); // a view: no copy
    body.copyWithin(5, 4, 12);
    const unaligned = fromOwnRaw('float32', 2, body.subarray(5, 13), 't');
    expect(unaligned).toEqual(Float32Array.of(1, -2));
    expect(unaligned.buffer).not.toBe(body.buffer);
    expect(() => fromOwnRaw('float32', 3, body.subarray(4, 12), 't')).toThrow(/t: 8 bytes of data, expected 12/);
    expect(() => fromOwnRaw('float32', 3, body.subarray(5, 13), 't')).toThrow(/t: 8 bytes of data, expected 12/);
    const bools = Uint8Array.of(9, 0, 0, 2, 0);
    expect(fromOwnRaw('bool', 2, bools.subarray(2, 4), 't')).toEqual(Uint8Array.of(0, 1));
    const ints = new Uint8Array(24);
    ints.set(new Uint8Array(BigInt64Array.of(-3n, 4n).buffer), 1);
    expect(fromOwnRaw('int64', 2, ints.subarray(1, 17), 't')).toEqual(BigInt64Array.of(-3n, 4n));
  });

  it('writes outputs as JSON text: int64 exactly, bool as true/false, non-finite floats as null', () => {
    expect(toJsonText('int64', BigInt64Array.of(9007199254740993n))).toBe('[9007199254740993]');
    expect(toJsonText('bool', Uint8Array.of(1, 0))).toBe('[true,false]');
    expect(toJsonText('float32', Float32Array.of(0.5, NaN, Infinity))).toBe('[0.5,null,null]');
    expect(toJsonText('float16', Uint16Array.of(float32ToFloat16Bits(-2)))).toBe('[-2]');
  });
});
