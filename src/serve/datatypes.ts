/**
 * The protocol's tensor datatypes (BOOL, UINT8 ... FP16, FP32, FP64, BYTES) and hybridrt's
 * dtypes, in one table that REST and gRPC both read, and the three ways tensor data arrives:
 * JSON values (flat or nested), raw little-endian bytes (the binary tensor data extension, and
 * gRPC's raw_input_contents), and gRPC's typed `contents` fields. Every decoder checks the
 * element count against the shape and each value against the datatype, and answers a problem
 * with an INVALID ServeError naming the tensor; the data ends up in an array that belongs to the
 * request alone: a fresh copy, or (fromOwnRaw) a view of bytes that were the request's own already.
 */
import { type DType, type NumericDType, type TypedArray, DTYPE_SIZE, TYPED_ARRAY, allocTyped, bytesOf } from '../onnx/dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../onnx/half.js';
import { invalid } from './errors.js';

/** gRPC InferTensorContents fields, by the datatypes they carry. */
export type ContentsField =
  'bool_contents' | 'int_contents' | 'int64_contents' | 'uint_contents' | 'uint64_contents' | 'fp32_contents' | 'fp64_contents';

interface Row {
  dtype: DType;
  /** The typed `contents` field of gRPC (FP16, BF16 and BYTES travel as raw bytes only). */
  contents?: ContentsField;
  /** Integer range, for checking JSON and `contents` values. */
  range?: readonly [number, number];
}

const DATATYPES = {
  BOOL: { dtype: 'bool', contents: 'bool_contents' },
  UINT8: { dtype: 'uint8', contents: 'uint_contents', range: [0, 255] },
  UINT16: { dtype: 'uint16', contents: 'uint_contents', range: [0, 65535] },
  UINT32: { dtype: 'uint32', contents: 'uint_contents', range: [0, 2 ** 32 - 1] },
  UINT64: { dtype: 'uint64', contents: 'uint64_contents', range: [0, Number.MAX_SAFE_INTEGER] },
  INT8: { dtype: 'int8', contents: 'int_contents', range: [-128, 127] },
  INT16: { dtype: 'int16', contents: 'int_contents', range: [-32768, 32767] },
  INT32: { dtype: 'int32', contents: 'int_contents', range: [-(2 ** 31), 2 ** 31 - 1] },
  INT64: { dtype: 'int64', contents: 'int64_contents', range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] },
  FP16: { dtype: 'float16' },
  BF16: { dtype: 'bfloat16' },
  FP32: { dtype: 'float32', contents: 'fp32_contents' },
  FP64: { dtype: 'float64', contents: 'fp64_contents' },
  BYTES: { dtype: 'string' },
} as const satisfies Record<string, Row>;

export type Datatype = keyof typeof DATATYPES;
const NAMES = Object.keys(DATATYPES) as Datatype[];
const row = (d: Datatype): Row => DATATYPES[d];

/** The protocol's name of a dtype ('float32' -> 'FP32'). */
export function datatypeOf(dtype: DType): Datatype {
  return NAMES.find((n) => row(n).dtype === dtype)!;
}

/** The dtype a request's datatype names, or INVALID naming the tensor and the known names. */
export function dtypeOf(datatype: unknown, what: string): DType {
  if (typeof datatype !== 'string' || !Object.hasOwn(DATATYPES, datatype)) {
    throw invalid(`${what}: unknown datatype ${JSON.stringify(datatype)} (one of ${NAMES.join(', ')})`);
  }
  return row(datatype as Datatype).dtype;
}

/** The alignment (bytes) an array of a request's datatype needs: its element size; 1 for BYTES or a name not known (refused later). */
export function alignmentOf(datatype: unknown): number {
  if (typeof datatype !== 'string' || !Object.hasOwn(DATATYPES, datatype)) return 1;
  const dtype = row(datatype as Datatype).dtype;
  return dtype === 'string' ? 1 : DTYPE_SIZE[dtype];
}

/** Bytes of `count` elements of a numeric dtype. */
export function byteSize(dtype: NumericDType, count: number): number {
  return DTYPE_SIZE[dtype] * count;
}

function checkRawSize(dtype: NumericDType, count: number, bytes: Uint8Array, what: string): void {
  const want = byteSize(dtype, count);
  if (bytes.byteLength !== want)
    throw invalid(`${what}: ${bytes.byteLength} bytes of data, expected ${want} (${count} ${datatypeOf(dtype)} elements)`);
}

/** BOOL bytes as 0/1 (any nonzero byte is true), in place. */
function normalizeBool(out: TypedArray): void {
  for (let i = 0; i < out.length; i++) if (out[i]) out[i] = 1;
}

/** Raw little-endian bytes (the binary extension, raw_input_contents) as a fresh array. */
export function fromRaw(dtype: NumericDType, count: number, bytes: Uint8Array, what: string): TypedArray {
  checkRawSize(dtype, count, bytes, what);
  const out = allocTyped(dtype, count);
  bytesOf(out).set(bytes);
  if (dtype === 'bool') normalizeBool(out);
  return out;
}

/**
 * Raw bytes that belong to one request alone (its REST body, its gRPC message) as that
 * request's array: a view of the bytes where they are aligned for the dtype (no copy; BOOL
 * bytes are made 0/1 in place), else a fresh copy as fromRaw makes. The caller must not use the
 * bytes for anything else afterwards.
 */
export function fromOwnRaw(dtype: NumericDType, count: number, bytes: Uint8Array, what: string): TypedArray {
  const size = DTYPE_SIZE[dtype];
  if (bytes.byteOffset % size !== 0) return fromRaw(dtype, count, bytes, what);
  checkRawSize(dtype, count, bytes, what);
  const out = new TYPED_ARRAY[dtype](bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  if (dtype === 'bool') normalizeBool(out);
  return out;
}

/** The bytes of an output (a view: the array is the response's own). */
export function toRaw(data: TypedArray): Uint8Array {
  return bytesOf(data);
}

/** One JSON value as an element of `dtype` (a number, bigint or 0/1), or INVALID. */
function element(dtype: NumericDType, datatype: Datatype, v: unknown, what: string, i: number): number | bigint {
  const range = row(datatype).range;
  if (dtype === 'bool') {
    if (typeof v !== 'boolean') throw invalid(`${what}: element ${i} is ${JSON.stringify(v)}, expected true or false (BOOL)`);
    return v ? 1 : 0;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw invalid(`${what}: element ${i} is ${JSON.stringify(v) ?? String(v)}, expected a ${datatype} number`);
  if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
    throw invalid(`${what}: element ${i} is ${v}, expected an integer from ${range[0]} to ${range[1]} (${datatype})`);
  }
  if (dtype === 'int64' || dtype === 'uint64') return BigInt(v);
  if (dtype === 'float16') return float32ToFloat16Bits(v);
  if (dtype === 'bfloat16') return float32ToBfloat16Bits(v);
  return v;
}

/**
 * Values of a flat or nested JSON array (row-major) as a fresh array of `count` elements. Also
 * used for gRPC `contents` lists, whose numbers arrive as numbers (int64s as decimal strings).
 */
export function fromValues(dtype: NumericDType, count: number, data: unknown, what: string): TypedArray {
  const datatype = datatypeOf(dtype);
  if (!Array.isArray(data)) throw invalid(`${what}: data must be an array of ${count} ${datatype} values, flat or nested`);
  // Counted before anything is allocated: a shape of millions with three values is refused
  // without allocating for millions.
  const walk = (a: readonly unknown[], depth: number, each: (v: unknown) => void): void => {
    if (depth > 64) throw invalid(`${what}: data is nested more than 64 deep`);
    for (const v of a) {
      if (Array.isArray(v)) walk(v, depth + 1, each);
      else each(v);
    }
  };
  let n = 0;
  walk(data, 0, () => {
    if (++n > count) throw invalid(`${what}: data has more than the ${count} elements of its shape`);
  });
  if (n !== count) throw invalid(`${what}: data has ${n} elements, its shape needs ${count}`);
  const out = allocTyped(dtype, count) as TypedArray & { [i: number]: number | bigint };
  let i = 0;
  walk(data, 0, (v) => {
    const x = typeof v === 'string' && (dtype === 'int64' || dtype === 'uint64') && /^-?\d+$/.test(v) ? bigIntOf(v, dtype, what, i) : undefined;
    out[i] = x ?? element(dtype, datatype, v, what, i);
    i++;
  });
  return out;
}

/** An int64/uint64 written as a decimal string (gRPC's int64 lists, exact JSON int64s). */
function bigIntOf(s: string, dtype: 'int64' | 'uint64', what: string, i: number): bigint {
  const v = BigInt(s);
  const [lo, hi] = dtype === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
  if (v < lo || v > hi) throw invalid(`${what}: element ${i} is ${s}, outside ${datatypeOf(dtype)}`);
  return v;
}

/** The gRPC `contents` field that carries a datatype, or undefined (raw bytes only). */
export function contentsField(dtype: NumericDType): ContentsField | undefined {
  return row(datatypeOf(dtype)).contents;
}

/**
 * An output's elements as the text of a flat JSON array: floats as numbers (NaN and infinities,
 * which JSON cannot write, as null: ask for binary data to keep them), int64s exactly.
 */
export function toJsonText(dtype: NumericDType, data: TypedArray): string {
  const parts = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (typeof v === 'bigint') parts[i] = v.toString();
    else if (dtype === 'bool') parts[i] = v ? 'true' : 'false';
    else {
      const x = dtype === 'float16' ? float16BitsToFloat32(v) : dtype === 'bfloat16' ? bfloat16BitsToFloat32(v) : v;
      parts[i] = Number.isFinite(x) ? String(x) : 'null';
    }
  }
  return `[${parts.join(',')}]`;
}
