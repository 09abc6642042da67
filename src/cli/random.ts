/**
 * Seeded random input tensors. Each input gets its own generator, derived from the seed and the
 * input's name, so an input's values do not change when another input is given from a file.
 * Floats: uniform in [-1, 1) or standard normal; integers: uniform in [0, 10); bool: 0/1.
 */
import { HybridError } from '../errors.js';
import { type NumericDType, type TypedArray, TYPED_ARRAY, numel } from '../onnx/dtype.js';
import { float32ToBfloat16Bits, float32ToFloat16Bits } from '../onnx/half.js';
import type { TensorData } from '../onnx/tensor.js';
import { mulberry32, normal, streamSeed } from '../util/random.js';

export type Distribution = 'uniform' | 'normal';

/** Integers are drawn from [0, INT_RANGE): small enough to be valid indices and token ids. */
export const INT_RANGE = 10;

export interface RandomTensorSpec {
  name: string;
  dtype: NumericDType;
  dims: number[];
  seed: number;
  distribution: Distribution;
}

export function randomTensor(spec: RandomTensorSpec): TensorData {
  const { dtype, dims } = spec;
  const n = numel(dims);
  const next = mulberry32(streamSeed(spec.seed, spec.name));
  const float = spec.distribution === 'normal' ? normal(next) : () => 2 * next() - 1;
  const data: TypedArray = new TYPED_ARRAY[dtype](n);
  switch (dtype) {
    case 'float32':
    case 'float64':
      for (let i = 0; i < n; i++) (data as Float64Array)[i] = float();
      break;
    case 'float16':
      for (let i = 0; i < n; i++) (data as Uint16Array)[i] = float32ToFloat16Bits(float());
      break;
    case 'bfloat16':
      for (let i = 0; i < n; i++) (data as Uint16Array)[i] = float32ToBfloat16Bits(float());
      break;
    case 'bool':
      for (let i = 0; i < n; i++) (data as Uint8Array)[i] = next() < 0.5 ? 0 : 1;
      break;
    case 'int64':
    case 'uint64':
      for (let i = 0; i < n; i++) (data as BigInt64Array)[i] = BigInt(Math.floor(next() * INT_RANGE));
      break;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
      for (let i = 0; i < n; i++) (data as Int32Array)[i] = Math.floor(next() * INT_RANGE);
      break;
    default:
      throw new HybridError('INPUT', `input '${spec.name}': cannot generate random ${dtype as string} data; pass it with --input`);
  }
  return { dtype, dims: [...dims], data };
}
