/**
 * The timing cache file's identity, checked before any build: a path given as a timing cache
 * must be absent, empty, or a file that starts with the cache's header line. Anything else (a
 * model, a folder, a FIFO, a device) is an OPTION error, so that a cache path given by mistake
 * is never overwritten (native/src/engine/timing_cache.cc refuses the same files on its side).
 */
import fs from 'node:fs';
import { HybridError } from '../errors.js';

/** The first line of a timing cache file (native/src/engine/timing_cache.cc kHeader). */
export const TIMING_CACHE_HEADER = 'hybridrt-timing-cache 1';

export function checkTimingCachePath(path: unknown, what = 'timingCachePath'): string {
  if (typeof path !== 'string' || path === '') throw new HybridError('OPTION', `${what} must be a file path`);
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return path; // created by the first build
    throw new HybridError('OPTION', `${what} '${path}' cannot be read: ${(e as Error).message}`);
  }
  if (!st.isFile()) throw new HybridError('OPTION', `${what} '${path}' is not a regular file`);
  if (st.size === 0) return path;
  const head = Buffer.alloc(TIMING_CACHE_HEADER.length + 1);
  const fd = fs.openSync(path, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString('latin1') !== `${TIMING_CACHE_HEADER}\n`) {
    throw new HybridError(
      'OPTION',
      `${what} '${path}' is not a timing cache (it does not start with '${TIMING_CACHE_HEADER}'); refusing to overwrite it`,
    );
  }
  return path;
}
