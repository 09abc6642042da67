/**
 * TensorData <-> onnxruntime `Tensor`, sharing the typed array (no copy), and which element
 * types such a Tensor can carry at all: onnxruntime's JavaScript API has no bfloat16 (nor any
 * other type hybridrt holds beyond its list), so converting one is an UNSUPPORTED_DTYPE error.
 */
import ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import { type DType, type NumericDType, DTYPE_SIZE } from './dtype.js';
import type { TensorData } from './tensor.js';

export type OrtTensor = ort.Tensor;

/** onnxruntime-common's Tensor types (its Tensor.Type union, kept complete by the compiler). */
const ORT_TYPES: Readonly<Record<ort.Tensor.Type, true>> = {
  float32: true,
  float16: true,
  float64: true,
  int8: true,
  int16: true,
  int32: true,
  int64: true,
  uint8: true,
  uint16: true,
  uint32: true,
  uint64: true,
  bool: true,
  string: true,
  int4: true,
  uint4: true,
};

/** Whether an onnxruntime Tensor can hold elements of `dtype` (false for bfloat16). */
export function ortCarries(dtype: DType): boolean {
  return Object.hasOwn(ORT_TYPES, dtype);
}

export function toOrtTensor(t: TensorData, name = 'tensor'): ort.Tensor {
  if (!ortCarries(t.dtype)) {
    throw new HybridError('UNSUPPORTED_DTYPE', `${name}: onnxruntime's JavaScript API has no ${t.dtype} tensors`);
  }
  return new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as never, t.dims);
}

export function fromOrtTensor(t: ort.Tensor, name = 'tensor'): TensorData {
  const dtype = t.type as NumericDType;
  if (!(dtype in DTYPE_SIZE)) {
    throw new HybridError('UNSUPPORTED_DTYPE', `${name}: onnxruntime tensor of type ${t.type} is not supported`);
  }
  return { dtype, dims: [...t.dims], data: t.data as TensorData['data'] };
}
