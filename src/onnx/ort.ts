/**
 * TensorData <-> onnxruntime `Tensor`, sharing the typed array (no copy). onnxruntime's JS
 * API has no bfloat16 tensors: converting one is an UNSUPPORTED_DTYPE error.
 */
import ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import { type NumericDType, DTYPE_SIZE } from './dtype.js';
import type { TensorData } from './tensor.js';

export type OrtTensor = ort.Tensor;

export function toOrtTensor(t: TensorData, name = 'tensor'): ort.Tensor {
  if (t.dtype === 'bfloat16') {
    throw new HybridError('UNSUPPORTED_DTYPE', `${name}: onnxruntime's JavaScript API has no bfloat16 tensors`);
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
