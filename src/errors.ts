/**
 * Typed errors. Every error a user can cause (a bad model, plan, input file or option)
 * is a HybridError with a stable `code` and a one-line message that names the file, node or
 * tensor involved; the CLI prints `message` alone unless --verbose.
 */
export type ErrorCode =
  | 'MODEL_LOAD' // missing, truncated or non-ONNX model file
  | 'MODEL_SAVE' // a model (or its external data) that cannot be written
  | 'MODEL_INVALID' // structurally broken graph (dangling value, cycle, duplicate output)
  | 'EXTERNAL_DATA' // external data missing, out of range, or outside the model's folder
  | 'TENSOR_FILE' // unreadable .npy/.pb tensor file
  | 'UNSUPPORTED_DTYPE' // a dtype hybridrt does not handle (string tensors, float8...)
  | 'INPUT' // unknown input name, wrong dtype or shape in feeds
  | 'SHAPE' // a shape outside the built profile, or not inferable where it must be
  | 'UNSUPPORTED_OP' // requireFullCompilation with unsupported nodes
  | 'CONVERTER' // a converter registration problem
  | 'PLAN' // a plan/artifact file that is truncated, altered or of another version
  | 'NATIVE' // the native addon is missing or failed
  | 'BACKEND' // a requested backend is not available
  | 'DISPOSED' // use of a disposed model
  | 'OPTION' // a bad option or CLI flag
  | 'CALIBRATION'; // calibration data or a calibration cache that is unreadable or does not fit the model

export class HybridError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HybridError';
    this.code = code;
  }
}

export function isHybridError(e: unknown): e is HybridError {
  return e instanceof HybridError;
}

/**
 * An error's message on one line: where hybridrt wraps another library's error (onnxruntime's
 * messages span several lines), the HybridError still reads as one line.
 */
export function messageLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim();
}
