/**
 * The HybridError a promise or a call ends in, for tests of refusals: fails the test when it
 * ends in anything else, or does not fail at all.
 */
import { expect } from 'vitest';
import { HybridError } from '../../src/errors.js';

export async function rejection(p: Promise<unknown>): Promise<HybridError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HybridError);
    return e as HybridError;
  }
  throw new Error('expected a HybridError');
}

export function thrown(f: () => unknown): HybridError {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    expect(e).toBeInstanceOf(HybridError);
    return e as HybridError;
  }
  if (result instanceof Promise) throw new Error('thrown() was given an async call: use rejection()');
  throw new Error('expected a HybridError');
}

/** The message of the OPTION error a call throws (fails the test on anything else). */
export function optionMessage(f: () => unknown): string {
  const e = thrown(f);
  expect(e.code).toBe('OPTION');
  return e.message;
}

/** The message of the OPTION error a promise rejects with (fails the test on anything else). */
export async function optionRejection(p: Promise<unknown>): Promise<string> {
  const e = await rejection(p);
  expect(e.code).toBe('OPTION');
  return e.message;
}
