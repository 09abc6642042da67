/**
 * The backends compile() may be asked for, and the check of one: compile()'s own option
 * (options.ts) and calibration's `backend` (src/quantize/calibration.ts, checked before any
 * work) share it. A module of its own, importing nothing, so that src/quantize can import it
 * without reaching compile() (test/repo/import-cycles.test.ts).
 */
export const BACKEND_CHOICES = ['auto', 'cpu', 'cuda'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Why `backend` is none of BACKEND_CHOICES (`what`: how the caller names the option), or undefined. */
export function unknownBackend(backend: unknown, what = 'backend'): string | undefined {
  return (BACKEND_CHOICES as readonly unknown[]).includes(backend)
    ? undefined
    : `${what} '${String(backend)}' is not one of: ${BACKEND_CHOICES.join(', ')}`;
}
