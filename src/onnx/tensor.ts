/**
 * TensorProto <-> TensorData (dtype, dims, typed array), for every numeric ONNX dtype.
 * Raw data is viewed, not copied, when it is aligned. String tensors and the exotic types
 * (float8, int4, complex) are refused with a HybridError naming the tensor.
 */
import { HybridError } from '../errors.js';
import {
  type DType,
  type NumericDType,
  type TypedArray,
  DTYPE_SIZE,
  TYPED_ARRAY,
  bytesOf,
  dtypeFromOnnx,
  dtypeToOnnx,
  numel,
  onnxTypeName,
  viewAs,
} from './dtype.js';
import { type TensorProto, toBigInt, toNumber } from './proto.js';
import { TensorProtoType } from './schema.js';

/** A host tensor: element type, dimensions and data in a typed array (see dtype.ts for storage). */
export interface TensorData {
  dtype: NumericDType;
  dims: number[];
  data: TypedArray;
}

function tensorLabel(proto: TensorProto): string {
  return proto.name ? `tensor '${proto.name}'` : 'unnamed tensor';
}

/** The dtype of a TensorProto, or a HybridError naming the tensor and its ONNX type. */
export function tensorProtoDType(proto: TensorProto): NumericDType {
  const code = proto.dataType ?? 0;
  const dtype = dtypeFromOnnx(code);
  if (dtype === 'string') {
    throw new HybridError('UNSUPPORTED_DTYPE', `${tensorLabel(proto)} is a string tensor; hybridrt handles numeric tensors only`);
  }
  if (!dtype) {
    throw new HybridError(
      'UNSUPPORTED_DTYPE',
      `${tensorLabel(proto)} has ONNX type ${onnxTypeName(code)}, which hybridrt cannot convert to a typed array`,
    );
  }
  return dtype;
}

/**
 * Converts a TensorProto to TensorData. External data must have been resolved into rawData
 * by the model loader (see model.ts); an unresolved external tensor is an error.
 */
export function tensorFromProto(proto: TensorProto): TensorData {
  const { dtype, dims, count } = checkTensorProto(proto);
  const data = proto.rawData && proto.rawData.length > 0 ? viewAs(dtype, proto.rawData) : fromTypedFields(proto, dtype, count);
  return { dtype, dims, data };
}

/**
 * What tensorFromProto checks, without decoding the data (which may copy it): the element
 * type, the dims, the size, loaded external data and the raw data's length.
 */
export function checkTensorProto(proto: TensorProto): { dtype: NumericDType; dims: number[]; count: number } {
  const dtype = tensorProtoDType(proto);
  const dims = proto.dims.map(toNumber);
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new HybridError('MODEL_INVALID', `${tensorLabel(proto)} has an invalid dimension ${d}`);
    }
  }
  const count = numel(dims);
  if (!Number.isSafeInteger(count * DTYPE_SIZE[dtype])) {
    throw new HybridError('MODEL_INVALID', `${tensorLabel(proto)}: shape [${dims.join(',')}] is too large`);
  }
  if (proto.dataLocation === 1 && !(proto.rawData && proto.rawData.length)) {
    throw new HybridError('EXTERNAL_DATA', `${tensorLabel(proto)} refers to external data that was not loaded`);
  }
  if (!(proto.rawData && proto.rawData.length > 0)) {
    const held = typedField(proto, dtype).length;
    // ONNX allows an empty field for an empty tensor only.
    if (held !== count) {
      throw new HybridError('MODEL_INVALID', `${tensorLabel(proto)}: holds ${held} values, its shape [${dims.join(',')}] needs ${count}`);
    }
  } else {
    const expected = count * DTYPE_SIZE[dtype];
    if (proto.rawData.length !== expected) {
      throw new HybridError(
        'MODEL_INVALID',
        `${tensorLabel(proto)}: raw data holds ${proto.rawData.length} bytes, its shape [${dims.join(',')}] of ${dtype} needs ${expected}`,
      );
    }
  }
  return { dtype, dims, count };
}

/** The typed field (float_data, int64_data...) that holds a tensor of `dtype` without raw data. */
function typedField(proto: TensorProto, dtype: NumericDType): ArrayLike<unknown> {
  switch (dtype) {
    case 'float32':
      return proto.floatData;
    case 'float64':
      return proto.doubleData;
    case 'int64':
      return proto.int64Data;
    case 'uint32':
    case 'uint64':
      return proto.uint64Data;
    default: // int8/16/32, uint8/16, bool, float16/bfloat16 bits all live in int32_data
      return proto.int32Data;
  }
}

/** A tensor's values from its typed field (checkTensorProto checked the field's length). */
function fromTypedFields(proto: TensorProto, dtype: NumericDType, count: number): TypedArray {
  const src = typedField(proto, dtype);
  const out = new TYPED_ARRAY[dtype](count);
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < count; i++) out[i] = toBigInt(src[i] as number);
  } else if (out instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) out[i] = BigInt.asUintN(64, toBigInt(src[i] as number));
  } else if (dtype === 'uint32') {
    for (let i = 0; i < count; i++) out[i] = toNumber(src[i] as number);
  } else {
    for (let i = 0; i < count; i++) (out as Float32Array)[i] = src[i] as number;
  }
  return out;
}

/** Converts TensorData to a TensorProto with raw (little-endian) data. */
export function tensorToProto(tensor: TensorData, name?: string): TensorProto {
  const expected = numel(tensor.dims);
  if (tensor.data.length !== expected) {
    throw new HybridError(
      'MODEL_INVALID',
      `tensor${name ? ` '${name}'` : ''}: ${tensor.data.length} values do not fill shape [${tensor.dims.join(',')}]`,
    );
  }
  const msg = TensorProtoType.create({
    name,
    dims: tensor.dims,
    dataType: dtypeToOnnx(tensor.dtype),
    rawData: bytesOf(tensor.data),
  }) as unknown as TensorProto;
  return msg;
}

/** Checks that a value is a numeric dtype name. */
export function isNumericDType(d: string): d is NumericDType {
  return d in DTYPE_SIZE;
}

export type { DType };
