/**
 * HYBRIDRT_INLINE_RUN_US for one test file (src/engine/run-placement.ts): engines that make
 * their first context while it is set take it as their limit (0: every run on a worker thread).
 * Files that test runs in flight on worker threads set 0, so that small engines keep the worker.
 */
import { afterAll, beforeAll } from 'vitest';

export function inlineRunLimitForFile(us: number): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.HYBRIDRT_INLINE_RUN_US;
    process.env.HYBRIDRT_INLINE_RUN_US = String(us);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.HYBRIDRT_INLINE_RUN_US;
    else process.env.HYBRIDRT_INLINE_RUN_US = saved;
  });
}

/** Runs `fn` with HYBRIDRT_INLINE_RUN_US set to `us`, then restores it. */
export async function withInlineRunLimit<T>(us: number, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.HYBRIDRT_INLINE_RUN_US;
  process.env.HYBRIDRT_INLINE_RUN_US = String(us);
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.HYBRIDRT_INLINE_RUN_US;
    else process.env.HYBRIDRT_INLINE_RUN_US = saved;
  }
}
