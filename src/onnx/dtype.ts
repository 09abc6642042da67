/**
 * Element types: the names used everywhere in hybridrt (the same strings as onnxruntime's
 * `Tensor.type`), their ONNX `TensorProto.DataType` codes, sizes and typed-array storage.
 *
 * Storage: float16 and bfloat16 travel as raw bits in Uint16Array; int64/uint64 as
 * BigInt64Array/BigUint64Array; bool as Uint8Array (0/1); string as string[].
 */
export type DType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

export type NumericDType = Exclude<DType, 'string'>;

export type TypedArray =
  Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

/** ONNX TensorProto.DataType codes. */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
  UINT2: 25,
  INT2: 26,
} as const;

const CODE_TO_DTYPE: Record<number, DType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

const DTYPE_TO_CODE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16,
};

const CODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OnnxDataType).map(([k, v]) => [v, k]));

/** Name of an ONNX data type code for messages ("FLOAT8E4M3FN", "code 99"). */
export function onnxTypeName(code: number): string {
  return CODE_NAMES[code] ?? `code ${code}`;
}

/** The hybridrt dtype of an ONNX code, or undefined for types hybridrt does not handle. */
export function dtypeFromOnnx(code: number): DType | undefined {
  return CODE_TO_DTYPE[code];
}

export function dtypeToOnnx(dtype: DType): number {
  return DTYPE_TO_CODE[dtype];
}

export const DTYPE_SIZE: Record<NumericDType, number> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64';
}

export function isIntegerDType(dtype: DType): boolean {
  return !isFloatDType(dtype) && dtype !== 'bool' && dtype !== 'string';
}

type TypedArrayCtor = { new (n: number): TypedArray; new (b: ArrayBuffer, o: number, n: number): TypedArray; BYTES_PER_ELEMENT: number };

export const TYPED_ARRAY: Record<NumericDType, TypedArrayCtor> = {
  float32: Float32Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/** A fresh zero-filled typed array of `n` elements of `dtype`. */
export function allocTyped(dtype: NumericDType, n: number): TypedArray {
  return new TYPED_ARRAY[dtype](n);
}

/**
 * A typed-array view of `dtype` over `bytes` (no copy when `bytes` is aligned for the element
 * size; an aligned copy otherwise). `bytes.byteLength` must be a multiple of the element size.
 */
export function viewAs(dtype: NumericDType, bytes: Uint8Array): TypedArray {
  const size = DTYPE_SIZE[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const ctor = TYPED_ARRAY[dtype];
  // NOTE: a Node Buffer's slice() is a view, not a copy; new Uint8Array(bytes) always copies.
  if (bytes.byteOffset % size !== 0) bytes = new Uint8Array(bytes);
  return new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / size);
}

/** The bytes of a typed array, as a view (no copy). */
export function bytesOf(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Element count of a shape (1 for a scalar). */
export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
