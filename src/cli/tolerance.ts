/**
 * --compare's tolerances: --atol and --rtol as Polygraphy takes them (a value for every output,
 * or per output), their defaults, and the tolerance each output gets. Errors are
 * HybridError('OPTION') starting with the flag and the text given, as options.ts's.
 */
import { type Precision, isReduced } from '../engine/precision.js';
import { HybridError } from '../errors.js';

function bad(flag: string, raw: string, what: string): HybridError {
  return new HybridError('OPTION', `${flag} ${raw}: ${what}`);
}

/**
 * --atol/--rtol defaults: fp32 results agree closely; engines computing in fp16/bf16 need room.
 * A default atol is relative to the output's scale: it is multiplied by the 99th percentile of the
 * reference's finite magnitudes where that exceeds 1 (compare.ts, magnitudeScale, scaledAtol).
 */
export const DEFAULT_TOLERANCE = { fp32: { atol: 1e-4, rtol: 1e-3 }, reduced: { atol: 2e-2, rtol: 2e-2 } } as const;

/** The tolerance flags of hybrid-run's options (CliOptions). */
export interface ToleranceOptions {
  atol: ToleranceFlag;
  rtol: ToleranceFlag;
}

/** --atol or --rtol: a bare value for every output, and values for named outputs (`logits=1e-3`). */
export interface ToleranceFlag {
  all?: number;
  /** By output name. */
  outputs: Record<string, number>;
}

/** One non-negative number. */
export function parseTolerance(flag: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw bad(flag, raw, 'not a number');
  if (n < 0) throw bad(flag, raw, 'must not be negative');
  return n;
}

const isNumberText = (t: string) => t.trim() !== '' && Number.isFinite(Number(t));

/** Where OUTPUT=X (or OUTPUT:X) splits: the last '=', else the last ':'; -1 for a bare value. */
const separatorAt = (spec: string) => (spec.includes('=') ? spec.lastIndexOf('=') : spec.lastIndexOf(':'));

/** A bare number, or OUTPUT=X / OUTPUT:X with a number X: a piece a comma may separate. */
const isSpecText = (t: string) => isNumberText(t) || (separatorAt(t) > 0 && isNumberText(t.slice(separatorAt(t) + 1)));

/**
 * --atol and --rtol values (Polygraphy's habit): `1e-3` for every output, `logits=1e-3` (or
 * `logits:1e-3`) for one; repeatable, or comma-separated (`1e-4,logits=1e-3`) where every piece
 * is a number or OUTPUT=X (else the commas belong to the output's name). The separator is the last
 * '=' (output names may hold ':'), else the last ':'. A bare value and an output may each be given
 * once.
 */
export function parseToleranceFlag(flag: string, values: string | readonly string[] | undefined): ToleranceFlag {
  const out: ToleranceFlag = { outputs: {} };
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  for (const value of list) {
    const pieces = value.split(',');
    // Commas separate specs only where every piece is one: an output name may hold commas and
    // colons (openWakeWord's timer head names its output by a JSON object of its labels).
    const specs = pieces.length > 1 && pieces.every(isSpecText) ? pieces : [value];
    for (const spec of specs) {
      if (!/[=:]/.test(spec) || isNumberText(spec)) {
        const x = parseTolerance(flag, spec);
        if (out.all !== undefined) throw bad(flag, spec, `a tolerance for every output is given twice (${out.all} and ${x}); give it once`);
        out.all = x;
        continue;
      }
      const at = separatorAt(spec);
      const name = spec.slice(0, at);
      const text = spec.slice(at + 1);
      if (name === '') throw bad(flag, spec, `expected OUTPUT=X or a number, e.g. ${flag} logits=1e-3 or ${flag} 1e-3`);
      if (!isNumberText(text)) throw bad(flag, spec, `'${text}' is not a number`);
      const x = Number(text);
      if (x < 0) throw bad(flag, spec, 'must not be negative');
      if (name in out.outputs) throw bad(flag, spec, `output '${name}' is given more than one ${flag}`);
      out.outputs[name] = x;
    }
  }
  return out;
}

/** Output names --atol/--rtol give that the model lacks: an OPTION error naming its outputs. */
export function checkToleranceOutputs(opts: ToleranceOptions, outputs: readonly string[]): void {
  for (const [flag, t] of [
    ['--atol', opts.atol],
    ['--rtol', opts.rtol],
  ] as const) {
    const unknown = Object.keys(t.outputs).find((n) => !outputs.includes(n));
    if (unknown !== undefined) {
      throw bad(flag, `${unknown}=${t.outputs[unknown]}`, `the model has no output '${unknown}' (its outputs: ${outputs.join(', ')})`);
    }
  }
}

/** One output's --compare tolerance; `scaled`: atol is the default, to be scaled by the reference (scaledAtol). */
export interface OutputTolerance {
  atol: number;
  rtol: number;
  scaled: boolean;
}

/**
 * An output's --compare tolerances: its own --atol/--rtol, else the bare ones, else the defaults
 * for the precisions the engines compute in (the default atol then scales with the output).
 */
export function compareTolerance(opts: ToleranceOptions, computed: readonly Precision[], output: string): OutputTolerance {
  const d = isReduced(computed) ? DEFAULT_TOLERANCE.reduced : DEFAULT_TOLERANCE.fp32;
  const atol = opts.atol.outputs[output] ?? opts.atol.all;
  const rtol = opts.rtol.outputs[output] ?? opts.rtol.all;
  return { atol: atol ?? d.atol, rtol: rtol ?? d.rtol, scaled: atol === undefined };
}
