/**
 * The report's int8 section (ReportData.int8): of the quantizable nodes (Conv, MatMul, Gemm),
 * how many run as int8 engine layers, and every one kept above int8 with why: the backend has
 * no int8 kernel, the node runs on onnxruntime, the Q/DQ model leaves an input float, the
 * builder's qdq pass did not fold it, a precision policy kept it, or the int8 precision policy
 * kept it by sensitivity; with int8Sensitivity or accuracyTarget, what each layer alone in
 * int8 costs and what the target came to (src/quantize/policy.ts). compile() fills it where
 * int8 was asked for or the model carries Q/DQ nodes (src/compiler/int8-report.ts); its schema
 * and text form are here.
 */
import type pc from 'picocolors';
import type { LayerSensitivity, PolicyOutcome } from '../quantize/policy.js';

type Colors = ReturnType<typeof pc.createColors>;

/** Why a quantizable node is not an int8 layer. */
export type Int8KeptKind = 'backend' | 'fallback' | 'not-quantized' | 'qdq-pass' | 'policy' | 'sensitivity';

export interface ReportInt8Kept {
  node: string;
  opType: string;
  segment: number;
  /** The engine layer that computes it (absent on onnxruntime). */
  layer?: string;
  /** What it computes in: the layer's precision ('fp32', 'fp16'...), or 'onnxruntime'. */
  precision: string;
  kind: Int8KeptKind;
  reason: string;
}

export interface ReportInt8 {
  /** Whether precisions asked for int8 (else: the model's own Q/DQ nodes brought the section). */
  requested: boolean;
  /** Conv, MatMul and Gemm nodes of the compiled graph. */
  quantizable: number;
  /** Of them, those an int8 engine layer computes. */
  int8: number;
  kept: ReportInt8Kept[];
  /**
   * int8Sensitivity (or an accuracyTarget that needed it): each quantizable layer alone in
   * int8, its model's agreement with the fp32 model on the calibration data, most sensitive first.
   */
  sensitivity?: LayerSensitivity[];
  /** accuracyTarget: what the all-int8 model came to, the layers kept and what was compiled. */
  policy?: PolicyOutcome;
}

/** An agreement measure: a number, or null where it was NaN (JSON has no NaN). */
const MEASURE = { type: ['number', 'null'] } as const;
const AGREEMENT = {
  type: 'object',
  additionalProperties: false,
  required: ['cosine', 'maxAbsError', 'top1'],
  properties: { cosine: MEASURE, maxAbsError: MEASURE, top1: MEASURE },
} as const;

/** REPORT_SCHEMA's `int8` property (schema.ts). */
export const INT8_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['requested', 'quantizable', 'int8', 'kept'],
  properties: {
    requested: { type: 'boolean' },
    quantizable: { $ref: '#/definitions/count' },
    int8: { $ref: '#/definitions/count' },
    kept: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['node', 'opType', 'segment', 'precision', 'kind', 'reason'],
        properties: {
          node: { type: 'string' },
          opType: { type: 'string' },
          segment: { $ref: '#/definitions/count' },
          layer: { type: 'string' },
          precision: { type: 'string' },
          kind: { enum: ['backend', 'fallback', 'not-quantized', 'qdq-pass', 'policy', 'sensitivity'] },
          reason: { type: 'string' },
        },
      },
    },
    sensitivity: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['node', 'opType', 'cosine', 'maxAbsError', 'top1'],
        properties: { node: { type: 'string' }, opType: { type: 'string' }, ...AGREEMENT.properties },
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      required: ['target', 'allInt8', 'final', 'kept', 'outcome', 'evaluations'],
      properties: {
        target: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { cosine: { type: 'number' }, top1: { type: 'number' } },
        },
        allInt8: AGREEMENT,
        final: AGREEMENT,
        kept: { type: 'array', items: { type: 'string' } },
        outcome: { enum: ['met', 'met-as-is', 'all-kept'] },
        evaluations: { $ref: '#/definitions/count' },
      },
    },
  },
} as const;

const fmt = (v: number | null) => (v === null || Number.isNaN(v) ? 'NaN' : Number(v.toPrecision(6)).toString());
const measures = (a: { cosine: number; maxAbsError: number; top1: number }) =>
  `cosine ${fmt(a.cosine)}, max abs error ${fmt(a.maxAbsError)}, top-1 ${fmt(a.top1)}`;

/** An accuracy target as text: `cosine >= 0.999`. */
export function targetText(t: PolicyOutcome['target']): string {
  return Object.entries(t)
    .map(([k, v]) => `${k} >= ${v}`)
    .join(' and ');
}

/** The policy's outcome in a line (text and HTML). */
export function policyLine(p: PolicyOutcome): string {
  const target = targetText(p.target);
  const verdict =
    p.outcome === 'met-as-is'
      ? 'met with every layer int8; none kept'
      : p.outcome === 'all-kept'
        ? `met only with all ${p.kept.length} layer(s) kept in float (the fp32 model)`
        : `met with ${p.kept.length} layer(s) kept in float by sensitivity: ${measures(p.final)}`;
  return `accuracy target ${target} on the calibration data: all int8 ${measures(p.allInt8)}; ${verdict} (${p.evaluations} pass(es))`;
}

/** The sensitivity lines (cut at `max`), most sensitive first. */
export function sensitivityLines(s: readonly LayerSensitivity[], max: number): string[] {
  return s.slice(0, max).map((l) => `${l.node} (${l.opType}): ${measures(l)}`);
}

/** The text report's section: the count, then each node kept above int8 and why (cut at `max`). */
export function int8Lines(s: ReportInt8 | undefined, c: Colors, max: number): string[] {
  if (!s) return [];
  const head = `${c.bold('INT8:')} ${s.int8}/${s.quantizable} quantizable layer(s) (Conv, MatMul, Gemm) run int8`;
  const lines = [s.kept.length ? `${head}; kept above int8:` : head];
  lines.push(...s.kept.slice(0, max).map((k) => `  - ${k.node} (${k.opType}, #${k.segment}, ${k.precision}): ${k.reason}`));
  if (s.kept.length > max) lines.push(c.dim(`  ... ${s.kept.length - max} more`));
  if (s.policy) lines.push(`  ${policyLine(s.policy)}`);
  if (s.sensitivity) {
    lines.push('  sensitivity (each layer alone in int8, against fp32 on the calibration data), most sensitive first:');
    lines.push(...sensitivityLines(s.sensitivity, max).map((l) => `    ${l}`));
    if (s.sensitivity.length > max) lines.push(c.dim(`    ... ${s.sensitivity.length - max} more`));
  }
  return lines;
}

/** The HTML report's panel of the same (escape: the page's HTML escaping). */
export function int8Html(s: ReportInt8 | undefined, escape: (text: string) => string): string {
  if (!s) return '';
  const items = s.kept.map(
    (k) => `<li><b>${escape(k.node)}</b> (${escape(k.opType)}, #${k.segment}, ${escape(k.precision)}): ${escape(k.reason)}</li>`,
  );
  const policy = s.policy ? `<p>${escape(policyLine(s.policy))}</p>` : '';
  const sensitivity = s.sensitivity
    ? `<p>Sensitivity (each layer alone in int8, against fp32 on the calibration data), most sensitive first:</p><ol>${sensitivityLines(
        s.sensitivity,
        s.sensitivity.length,
      )
        .map((l) => `<li>${escape(l)}</li>`)
        .join('')}</ol>`
    : '';
  return `<details open><summary>INT8: ${s.int8}/${s.quantizable} quantizable layers run int8</summary>${items.length ? `<p>Kept above int8:</p><ul>${items.join('')}</ul>` : ''}${policy}${sensitivity}</details>`;
}
