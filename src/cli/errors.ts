/**
 * How hybrid-run reports a failure: one line `hybrid-run: <file, tensor or flag>: <what>` on
 * stderr (the stack too with --verbose) and an exit code: 2 for a usage or input error (a bad
 * flag, model file or input file), 1 for a failure while running (onnxruntime, the engine, a
 * --compare mismatch, an internal error).
 */
import { type ErrorCode, isHybridError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Error codes caused by what the user gave: flags, the model file, input files. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'OPTION',
  'INPUT',
  'TENSOR_FILE',
  'MODEL_LOAD',
  'MODEL_INVALID',
  'EXTERNAL_DATA',
  'UNSUPPORTED_DTYPE',
  'SHAPE',
  'PLAN',
  'CALIBRATION',
]);

/** A failure that is not a HybridError of the library: onnxruntime errors, compare mismatches. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliFailure';
  }
}

/** One line: newlines (onnxruntime's messages have them) become spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function exitCodeOf(e: unknown): number {
  if (e instanceof CliFailure) return e.exitCode;
  if (isHybridError(e)) return USAGE_CODES.has(e.code) ? EXIT_USAGE : EXIT_FAILURE;
  return EXIT_FAILURE;
}

/** The text to print on stderr for an error (ending in a newline). */
export function formatError(e: unknown, verbose: boolean): string {
  const known = e instanceof CliFailure || isHybridError(e);
  const message = e instanceof Error ? e.message : String(e);
  let line = `hybrid-run: ${known ? '' : 'internal error: '}${oneLine(message)}`;
  if (!known && !verbose) line += ' (run with --verbose for the stack trace)';
  let text = `${line}\n`;
  if (verbose && e instanceof Error && e.stack) {
    text += `${e.stack}\n`;
    for (let cause = e.cause; cause instanceof Error; cause = cause.cause) text += `caused by: ${cause.stack ?? cause.message}\n`;
  }
  return text;
}
