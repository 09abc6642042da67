/**
 * TensorProto <-> TensorData for every numeric dtype, both ways: raw little-endian bytes and
 * the typed fields (float_data, int32_data, int64_data, double_data, uint64_data) as onnx.proto
 * assigns them, each built by hand and passed through a real protobuf encode/decode.
 */
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import type { NumericDType } from '../../src/onnx/dtype.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { tensorFromProto, tensorToProto } from '../../src/onnx/tensor.js';

interface Case {
  dtype: NumericDType;
  code: number; // onnx.proto TensorProto.DataType
  values: Array<number | bigint>; // element values as stored (float16/bfloat16: bit patterns)
  write: (dv: DataView, offset: number, v: number | bigint) => void;
  size: number;
  field: 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data';
}

const num = (v: number | bigint) => Number(v);
const big = (v: number | bigint) => BigInt(v);
const CASES: Case[] = [
  {
    dtype: 'float32',
    code: 1,
    size: 4,
    field: 'floatData',
    values: [0, -1.5, 3.4028234663852886e38, 1.401298464324817e-45, -Infinity],
    write: (d, o, v) => d.setFloat32(o, num(v), true),
  },
  { dtype: 'uint8', code: 2, size: 1, field: 'int32Data', values: [0, 1, 127, 128, 255], write: (d, o, v) => d.setUint8(o, num(v)) },
  { dtype: 'int8', code: 3, size: 1, field: 'int32Data', values: [0, -1, 127, -128, 5], write: (d, o, v) => d.setInt8(o, num(v)) },
  { dtype: 'uint16', code: 4, size: 2, field: 'int32Data', values: [0, 1, 32768, 65535, 300], write: (d, o, v) => d.setUint16(o, num(v), true) },
  { dtype: 'int16', code: 5, size: 2, field: 'int32Data', values: [0, -1, 32767, -32768, 300], write: (d, o, v) => d.setInt16(o, num(v), true) },
  {
    dtype: 'int32',
    code: 6,
    size: 4,
    field: 'int32Data',
    values: [0, -1, 2147483647, -2147483648, 70000],
    write: (d, o, v) => d.setInt32(o, num(v), true),
  },
  {
    dtype: 'int64',
    code: 7,
    size: 8,
    field: 'int64Data',
    values: [0n, -1n, 9223372036854775807n, -9223372036854775808n, 9007199254740993n],
    write: (d, o, v) => d.setBigInt64(o, big(v), true),
  },
  { dtype: 'bool', code: 9, size: 1, field: 'int32Data', values: [0, 1, 1, 0, 1], write: (d, o, v) => d.setUint8(o, num(v)) },
  {
    dtype: 'float16',
    code: 10,
    size: 2,
    field: 'int32Data',
    values: [0x0000, 0x3c00, 0xc000, 0x7bff, 0x0001],
    write: (d, o, v) => d.setUint16(o, num(v), true),
  },
  {
    dtype: 'float64',
    code: 11,
    size: 8,
    field: 'doubleData',
    values: [0, -1.5, Number.MAX_VALUE, 5e-324, Math.PI],
    write: (d, o, v) => d.setFloat64(o, num(v), true),
  },
  {
    dtype: 'uint32',
    code: 12,
    size: 4,
    field: 'uint64Data',
    values: [0, 1, 2147483648, 4294967295, 70000],
    write: (d, o, v) => d.setUint32(o, num(v), true),
  },
  {
    dtype: 'uint64',
    code: 13,
    size: 8,
    field: 'uint64Data',
    values: [0n, 1n, 18446744073709551615n, 9223372036854775808n, 9007199254740993n],
    write: (d, o, v) => d.setBigUint64(o, big(v), true),
  },
  {
    dtype: 'bfloat16',
    code: 16,
    size: 2,
    field: 'int32Data',
    values: [0x0000, 0x3f80, 0xc000, 0x7f7f, 0x4049],
    write: (d, o, v) => d.setUint16(o, num(v), true),
  },
];

const DIMS = [1, 5];

/** Encodes then decodes, so that the proto is exactly what a file would give (Longs included). */
function viaWire(fields: Record<string, unknown>): TensorProto {
  const bytes = TensorProtoType.encode(TensorProtoType.fromObject(fields)).finish();
  return TensorProtoType.decode(bytes) as unknown as TensorProto;
}

function rawBytes(c: Case): Uint8Array {
  const buf = new Uint8Array(c.values.length * c.size);
  const dv = new DataView(buf.buffer);
  c.values.forEach((v, i) => c.write(dv, i * c.size, v));
  return buf;
}

/** The typed-field form: int64 fields as decimal strings, which protobufjs' fromObject accepts exactly. */
function typedField(c: Case): unknown[] {
  if (c.field === 'int64Data' || c.field === 'uint64Data') return c.values.map((v) => BigInt(v).toString());
  if (c.dtype === 'int8' || c.dtype === 'int16') return c.values; // sign-extended in int32_data
  return c.values.map(Number);
}

const asArray = (data: ArrayLike<unknown>) => Array.from(data, (v) => (typeof v === 'bigint' ? v : Number(v)));

describe.each(CASES)('$dtype', (c) => {
  const expected = c.values;

  it('reads raw_data', () => {
    const t = tensorFromProto(viaWire({ name: 'x', dims: DIMS, dataType: c.code, rawData: rawBytes(c) }));
    expect(t.dtype).toBe(c.dtype);
    expect(t.dims).toEqual(DIMS);
    expect(asArray(t.data)).toEqual(expected);
  });

  it(`reads the typed field ${c.field}`, () => {
    const t = tensorFromProto(viaWire({ name: 'x', dims: DIMS, dataType: c.code, [c.field]: typedField(c) }));
    expect(t.dtype).toBe(c.dtype);
    expect(asArray(t.data)).toEqual(expected);
  });

  it('writes raw little-endian bytes that read back', () => {
    const fromRaw = tensorFromProto(viaWire({ dims: DIMS, dataType: c.code, rawData: rawBytes(c) }));
    const proto = tensorToProto(fromRaw, 'y');
    expect(proto.dataType).toBe(c.code);
    expect(proto.name).toBe('y');
    expect(Buffer.from(proto.rawData!)).toEqual(Buffer.from(rawBytes(c)));
    const wire = TensorProtoType.decode(TensorProtoType.encode(proto as never).finish()) as unknown as TensorProto;
    expect(asArray(tensorFromProto(wire).data)).toEqual(expected);
  });

  it('refuses raw data of the wrong size', () => {
    const short = rawBytes(c).subarray(0, c.size * 4);
    expect(() => tensorFromProto(viaWire({ name: 'w', dims: DIMS, dataType: c.code, rawData: short }))).toThrow(/tensor 'w': raw data holds/);
  });
});

describe('tensor edge cases', () => {
  it('reads a raw tensor at an odd offset in a larger buffer (copy, correct values)', () => {
    const raw = rawBytes(CASES.find((c) => c.dtype === 'int64')!);
    const outer = new Uint8Array(raw.length + 3);
    outer.set(raw, 3);
    const proto = {
      dims: DIMS,
      dataType: 7,
      rawData: outer.subarray(3),
      floatData: [],
      int32Data: [],
      int64Data: [],
      doubleData: [],
      uint64Data: [],
      stringData: [],
      externalData: [],
    } as unknown as TensorProto;
    expect(asArray(tensorFromProto(proto).data)).toEqual(CASES.find((c) => c.dtype === 'int64')!.values);
  });

  it('scalars and empty tensors', () => {
    const scalar = tensorFromProto(viaWire({ dims: [], dataType: 1, floatData: [2.5] }));
    expect(scalar.dims).toEqual([]);
    expect(Array.from(scalar.data as Float32Array)).toEqual([2.5]);
    const empty = tensorFromProto(viaWire({ dims: [0, 3], dataType: 7 }));
    expect(empty.data).toBeInstanceOf(BigInt64Array);
    expect(empty.data.length).toBe(0);
  });

  it('refuses string tensors with a clear error', () => {
    const proto = viaWire({ name: 's', dims: [1], dataType: 8, stringData: [Buffer.from('hi')] });
    expect(() => tensorFromProto(proto)).toThrow(
      new HybridError('UNSUPPORTED_DTYPE', "tensor 's' is a string tensor; hybridrt handles numeric tensors only"),
    );
  });

  it.each([
    [17, 'FLOAT8E4M3FN'],
    [22, 'INT4'],
    [14, 'COMPLEX64'],
    [0, 'UNDEFINED'],
    [99, 'code 99'],
  ])('refuses ONNX type %d (%s) naming it', (code, name) => {
    expect(() => tensorFromProto(viaWire({ name: 'q', dims: [1], dataType: code, rawData: new Uint8Array(1) }))).toThrow(
      `tensor 'q' has ONNX type ${name}`,
    );
  });

  it('refuses a typed field with the wrong count, negative dims and absurd sizes', () => {
    expect(() => tensorFromProto(viaWire({ name: 'a', dims: [3], dataType: 1, floatData: [1, 2] }))).toThrow(/holds 2 values.*needs 3/);
    expect(() => tensorFromProto(viaWire({ name: 'b', dims: [-1], dataType: 1 }))).toThrow(/invalid dimension -1/);
    expect(() => tensorFromProto(viaWire({ name: 'c', dims: ['4294967296', '4294967296'], dataType: 1 }))).toThrow(
      new HybridError('MODEL_INVALID', "tensor 'c': shape [4294967296,4294967296] is too large"),
    );
  });

  it('refuses external data that was never loaded', () => {
    const proto = viaWire({ name: 'e', dims: [1], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] });
    expect(() => tensorFromProto(proto)).toThrow(expect.objectContaining({ code: 'EXTERNAL_DATA' }));
  });

  it('refuses TensorData whose values do not fill its shape', () => {
    expect(() => tensorToProto({ dtype: 'float32', dims: [2, 2], data: new Float32Array(3) }, 'z')).toThrow(
      /'z': 3 values do not fill shape \[2,2\]/,
    );
  });
});
