/**
 * What every GPU test needs: whether the cuda backend can run here (the addon built with it,
 * and an NVIDIA device), and why not, so that each suite skips with that reason.
 */
import { deviceQuery } from '../../src/engine/engine.js';
import { nativeAvailable } from '../../src/engine/native.js';

function probe(): { ok: boolean; why: string; description: string } {
  if (!nativeAvailable()) return { ok: false, why: 'native addon not built (run `npm run build:native`)', description: '' };
  const s = deviceQuery('cuda');
  return s.available
    ? { ok: true, why: '', description: s.description }
    : { ok: false, why: `cuda backend unavailable: ${s.reason}`, description: '' };
}

const status = probe();

/** True where the cuda backend runs. */
export const CUDA = status.ok;
/** Why GPU tests skip (empty when they run). */
export const NO_CUDA = status.why;
/** The device, for logs ("NVIDIA H200, sm_90, ..."). */
export const DEVICE = status.description;

/**
 * fn() with the environment variables `env` set (the switches the binding reads when an engine
 * or a context is made), each restored to what it was (or removed) when fn settles.
 */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.keys(env).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of before) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
