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
export const UNAVAILABLE_PRECISIONS: Readonly<Partial<Record<Precision, string>>> = {};

/**
 * The precisions a backend's engines compute in: the cpu backend's float layers compute in
 * fp32, and its convolutions and matrix products in int8 where the model is (or compile()
 * makes it, from a calibration) a Q/DQ model; cuda computes float layers in fp32, fp16 or bf16,
 * and a Q/DQ model's 2-d convolutions of one group in int8 (native/cuda/quant_conv.cu).
 */
export const BACKEND_PRECISIONS: Readonly<Record<'cpu' | 'cuda', readonly Precision[]>> = {
  cpu: ['fp32', 'int8'],
  cuda: ['fp32', 'fp16', 'bf16', 'int8'],
};

/**
 * The precisions the native builder takes (float layers: fp32, fp16, bf16). int8 is not one
 * of them: int8 layers come from the builder's qdq pass folding a Q/DQ model's
 * DequantizeLinear -> Conv/MatMul/Gemm (native/src/builder/qdq_fusion.h), which runs whatever
 * the precisions; compile() makes that Q/DQ model from a calibration (src/compiler/int8.ts).
 */
export function floatPrecisions(precisions: readonly Precision[]): Precision[] {
  return precisions.filter((p) => p !== 'int8');
}

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
  const float = ignored.filter((p) => p !== 'int8');
  const said: string[] = [];
  if (float.length)
    said.push(`the ${backend} backend computes in ${precisions.join(', ')}: precision ${float.join(', ')} has no effect here (it applies on cuda)`);
  // int8 where the backend has no int8 kernels: said as what it is, and that no calibration runs.
  if (ignored.includes('int8')) {
    said.push(
      `the ${backend} backend has no int8 kernels yet: precision int8 is skipped (no calibration runs) and the engines compute in ${precisions.join(', ')}`,
    );
  }
  return said.length ? said.join('; ') : undefined;
}

/** True where results may differ from fp32 by more than rounding order: a reduced precision is in use. */
export function isReduced(precisions: readonly Precision[]): boolean {
  return precisions.some((p) => p !== 'fp32');
}
