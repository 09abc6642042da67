/**
 * Device tensors: tensors that stay in a backend's memory between runs, so that one engine's
 * outputs feed the next engine without a trip through the host. A run leaves its outputs on
 * the device with `{ outputLocation: 'device' }`; `toDevice()` uploads host data; a run takes
 * either as an input (the engine copies device-to-device into its arena, which keeps its own
 * enqueue graph-capturable). `download()` copies back to the host; `dispose()` frees the
 * memory now (garbage collection frees it otherwise). On the cpu backend, whose device memory
 * is host memory, the same API works with plain host buffers.
 */
import { HybridError } from '../errors.js';
import { type TypedArray, TYPED_ARRAY } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { toHybridError } from './native-errors.js';
import { type NativeDeviceTensor, loadNative } from './native.js';
import { ENGINE_DTYPES, type EngineDType } from './network.js';

export class DeviceTensor {
  /** @internal Use toDevice() or a run with outputLocation 'device'. */
  constructor(readonly native: NativeDeviceTensor) {}

  get dtype(): EngineDType {
    return this.native.dtype;
  }

  /** The shape (a copy). */
  get dims(): number[] {
    return this.native.shape;
  }

  get bytes(): number {
    return this.native.bytes;
  }

  /** The backend whose memory holds it ('cuda' or 'cpu'). */
  get backend(): string {
    return this.native.backend;
  }

  get disposed(): boolean {
    return this.native.disposed;
  }

  /** Copies the tensor to the host (DISPOSED once disposed). */
  async download(): Promise<TensorData> {
    try {
      const data = await this.native.download();
      return { dtype: this.dtype, dims: this.dims, data };
    } catch (e) {
      throw toHybridError(e);
    }
  }

  /** Frees the device memory (after any run in flight that reads it). Idempotent. */
  dispose(): void {
    this.native.dispose();
  }
}

export function isDeviceTensor(v: unknown): v is DeviceTensor {
  return v instanceof DeviceTensor;
}

/**
 * Uploads host data to a backend's memory ('cuda' by default). The data must be the typed
 * array of the dtype's storage (float16/bfloat16: Uint16Array bits, int64: BigInt64Array).
 */
export async function toDevice(tensor: TensorData, backend: 'cuda' | 'cpu' = 'cuda'): Promise<DeviceTensor> {
  const dtype = tensor.dtype as EngineDType;
  if (!ENGINE_DTYPES.includes(dtype)) {
    throw new HybridError('UNSUPPORTED_DTYPE', `toDevice: engines hold ${ENGINE_DTYPES.join(', ')} tensors, not ${tensor.dtype}`);
  }
  const storage = TYPED_ARRAY[dtype];
  if (!(tensor.data instanceof storage)) {
    throw new HybridError('INPUT', `toDevice: a ${dtype} tensor needs a ${storage.name}, got a ${tensor.data.constructor.name}`);
  }
  try {
    return new DeviceTensor(await loadNative().toDevice(backend, tensor.data as TypedArray, dtype, [...tensor.dims]));
  } catch (e) {
    throw toHybridError(e);
  }
}
