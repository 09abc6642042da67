/**
 * Reading a whole file that a user named (a model, a tensor file, external data) without
 * trusting the path: only a regular file is read (a FIFO would block forever, /dev/zero never
 * end, a folder fail obscurely), and only up to a ceiling given by the caller, checked from
 * the file's size before a byte is read. Failures are HybridErrors of the caller's code.
 */
import fs from 'node:fs';
import { type ErrorCode, HybridError } from '../errors.js';

export interface ReadLimits {
  /** The error code of every failure (MODEL_LOAD, TENSOR_FILE, EXTERNAL_DATA). */
  code: ErrorCode;
  /** What the file is, for messages: 'model', 'tensor file'... */
  what: string;
  /** Largest file read, in bytes, and why (for the message). */
  maxBytes: number;
  limitWhy: string;
}

function size(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes} bytes`;
}

export function readRegularFile(file: string, limits: ReadLimits): Uint8Array {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.message;
    throw new HybridError(limits.code, `${file}: cannot read ${limits.what} (${why})`, { cause: e });
  }
  if (st.isDirectory()) throw new HybridError(limits.code, `${file}: cannot read ${limits.what} (is a directory)`);
  if (!st.isFile()) throw new HybridError(limits.code, `${file}: cannot read ${limits.what} (not a regular file: a device, FIFO or socket)`);
  if (st.size > limits.maxBytes) {
    throw new HybridError(limits.code, `${file}: ${size(st.size)} is more than a ${limits.what} may be (${limits.limitWhy})`);
  }
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new HybridError(limits.code, `${file}: cannot read ${limits.what} (${(e as Error).message})`, { cause: e });
  }
}
