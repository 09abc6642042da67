/**
 * Errors out of the addon as HybridErrors: what every wrapper around a native call (engine.ts,
 * device-tensor.ts) throws, with the addon's error code kept.
 */
import { type ErrorCode, HybridError } from '../errors.js';

const NATIVE_CODES: readonly ErrorCode[] = ['PLAN', 'INPUT', 'NATIVE', 'DISPOSED', 'BACKEND', 'SHAPE'];

/** A native error as a HybridError with its code; anything else is wrapped as NATIVE. */
export function toHybridError(e: unknown): HybridError {
  if (e instanceof HybridError) return e;
  const err = e as { code?: unknown; message?: unknown };
  const code = NATIVE_CODES.includes(err?.code as ErrorCode) ? (err.code as ErrorCode) : 'NATIVE';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return new HybridError(code, message, { cause: e });
}

/** Awaits a native call, its errors as HybridErrors. */
export async function native<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toHybridError(e);
  }
}

/** Runs a synchronous native call, its errors as HybridErrors. */
export function sync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toHybridError(e);
  }
}
