/**
 * Which backend the engines run on. 'cuda' must be compiled into the addon and find a device,
 * else it is a BACKEND error carrying the addon's reason; 'auto' takes cuda where that holds
 * and cpu otherwise, and says which and why through the log.
 *
 * Without the native addon (an install that could not build it: no cmake or compiler) there
 * are no engines: 'auto' says so in one warning, with the command that builds the addon, and
 * every segment runs on onnxruntime (each node's converter check meets the same missing addon,
 * so the partition makes no engine segment); 'cpu' and 'cuda' are a NATIVE error saying the same.
 */
import { deviceQuery } from '../engine/engine.js';
import { checkBackendDevice } from '../engine/device.js';
import { nativeUnavailableReason } from '../engine/native.js';
import { HybridError } from '../errors.js';
import type { Backend, LogLevel } from './options.js';

/** The warning of a compile without the addon (the reason is loadNative's message). */
export function noEnginesNotice(reason: string): string {
  return `engines are unavailable, so every segment runs on onnxruntime: ${reason}`;
}

/** What the device is called in provenance and cache keys, also where there is no addon. */
export const NO_ADDON_DEVICE = 'none (no native addon: every segment on onnxruntime)';

/**
 * deviceQuery(backend, device).description, or NO_ADDON_DEVICE where the addon is missing: the
 * GPU's model and libraries, not its ordinal, so that engines built on one GPU are cached and
 * loaded for any GPU of the same model.
 */
export function deviceDescription(backend: Backend, device = 0): string {
  return nativeUnavailableReason() === undefined ? deviceQuery(backend, device).description : NO_ADDON_DEVICE;
}

/** The backend (see the file comment), checked to have device `device` (device.ts). */
export function chooseBackend(requested: 'auto' | Backend, log: (message: string, level: LogLevel) => void, device = 0): Backend {
  const backend = pickBackend(requested, log, device);
  checkBackendDevice(backend, device);
  return backend;
}

// cuda is asked about the device the engines will run on, not device 0: a machine whose GPU 0 is
// unusable (or busy in another process's exclusive mode) may still run on GPU 1. For another
// device than 0 that cannot run, checkBackendDevice gives the reason, naming the device.
function pickBackend(requested: 'auto' | Backend, log: (message: string, level: LogLevel) => void, device: number): Backend {
  const missing = nativeUnavailableReason();
  if (missing !== undefined) {
    if (requested !== 'auto') {
      throw new HybridError('NATIVE', `backend '${requested}' needs hybridrt's native addon, which is unavailable: ${missing}`);
    }
    // 'cpu' names the backend engines would have had; none is built (the partition has no engine segment).
    log(noEnginesNotice(missing), 'warn');
    return 'cpu';
  }
  if (requested === 'cpu') {
    const cpu = deviceQuery('cpu');
    if (!cpu.available) throw new HybridError('BACKEND', `backend 'cpu' is not available: ${cpu.reason ?? 'no reason given'}`);
    return 'cpu';
  }
  const cuda = deviceQuery('cuda', device);
  if (requested === 'cuda') {
    if (!cuda.available && device === 0) throw new HybridError('BACKEND', `backend 'cuda' is not available: ${cuda.reason ?? 'no reason given'}`);
    return 'cuda';
  }
  if (cuda.available) {
    log(`backend auto: using cuda (${cuda.description})`, 'info');
    return 'cuda';
  }
  log(`backend auto: using cpu, because cuda is not available: ${cuda.reason ?? 'no reason given'}`, 'info');
  return 'cpu';
}
