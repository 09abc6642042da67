/**
 * The device ordinal option (`device`: compile(), load(), buildEngine(), deserializeEngine(),
 * hybrid-run --device, hybrid-serve's `gpus`): which GPU of several a cuda engine is built and
 * runs on (CUDA's device ordinal, as CUDA_VISIBLE_DEVICES leaves them numbered). Default 0, the
 * only device of the cpu backend. The one place these rules live: every option that names a
 * device is checked here.
 */
import { HybridError } from '../errors.js';
import { sync } from './native-errors.js';
import { loadNative } from './native.js';

/** `value` as a device ordinal (undefined: 0); else an OPTION error naming `name`. */
export function checkDevice(value: unknown, name = 'device'): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new HybridError('OPTION', `${name} must be a device ordinal, a non-negative integer (0: the first GPU), got ${String(value)}`);
  }
  return value;
}

/**
 * That `backend` has device `device` here: an OPTION error for a device other than 0 on a
 * backend other than cuda, a BACKEND error naming the device and how many GPUs there are where
 * the machine has no such GPU. cuda must be available (chooseBackend checked it).
 */
export function checkBackendDevice(backend: 'cpu' | 'cuda', device: number, name = 'device'): void {
  if (device === 0) return;
  if (backend !== 'cuda') {
    throw new HybridError('OPTION', `${name} ${device} needs the cuda backend (the ${backend} backend has only device 0)`);
  }
  const status = sync(() => loadNative().deviceQuery('cuda', device));
  if (!status.available) throw new HybridError('BACKEND', `${name} ${device}: ${status.reason ?? 'not available'}`);
}
