/**
 * The precision vocabulary, defined once: the names users give (`precisions`, `--precision`),
 * which of them each backend computes in, and which exist at all yet. compile(), the CLI,
 * buildEngine and the --compare tolerances all ask here.
 */
import { HybridError } from '../errors.js';

/** Every precision name hybridrt knows. */
export const PRECISIONS = ['fp32', 'fp16', 'bf16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

/**
 * Precisions no backend implements yet, with why: asking for one is an OPTION error rather
 * than a request silently computed in another precision.
 */
export const UNAVAILABLE_PRECISIONS: Readonly<Partial<Record<Precision, string>>> = {
  int8:
    'int8 as a precision (implicit int8 from a calibration) is not built yet; calibration (quantize(), hybrid-run quantize) writes Q/DQ models, ' +
    'whose convolutions and matrix products run as int8 layers on the cpu backend (docs/quantization.md)',
};

/** The precisions a backend's engines compute in (the cpu backend computes every layer in fp32). */
export const BACKEND_PRECISIONS: Readonly<Record<'cpu' | 'cuda', readonly Precision[]>> = {
  cpu: ['fp32'],
  cuda: ['fp32', 'fp16', 'bf16'],
};

export function isPrecision(p: unknown): p is Precision {
  return typeof p === 'string' && (PRECISIONS as readonly string[]).includes(p);
}

/**
 * Checks one requested precision: an OPTION error naming `what` (the option or flag) for an
 * unknown name or one not available yet.
 */
export function checkPrecision(p: unknown, what: string): Precision {
  if (!isPrecision(p)) throw new HybridError('OPTION', `${what} '${String(p)}' is not one of: ${PRECISIONS.join(', ')}`);
  const why = UNAVAILABLE_PRECISIONS[p];
  if (why) throw new HybridError('OPTION', `${what} '${p}' is not available yet: ${why}`);
  return p;
}

/** The requested precisions a backend will use: fp32 always, then those it computes in. */
export function effectivePrecisions(backend: 'cpu' | 'cuda', requested: readonly Precision[]): Precision[] {
  return [...new Set<Precision>(['fp32', ...requested.filter((p) => BACKEND_PRECISIONS[backend].includes(p))])];
}

/**
 * What a backend does with requested precisions it does not compute in, said once by
 * compile() and by a dry run; undefined where it computes every one.
 */
export function precisionNotice(backend: 'cpu' | 'cuda', requested: readonly Precision[]): string | undefined {
  const precisions = effectivePrecisions(backend, requested);
  const ignored = requested.filter((p) => !precisions.includes(p));
  return ignored.length
    ? `the ${backend} backend computes in ${precisions.join(', ')}: precision ${ignored.join(', ')} has no effect here (it applies on cuda)`
    : undefined;
}

/** True where results may differ from fp32 by more than rounding order: a reduced precision is in use. */
export function isReduced(precisions: readonly Precision[]): boolean {
  return precisions.some((p) => p !== 'fp32');
}
