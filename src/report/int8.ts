/**
 * The report's int8 section (ReportData.int8): of the quantizable nodes (Conv, MatMul, Gemm),
 * how many run as int8 engine layers, and every one kept above int8 with why: the backend has
 * no int8 kernel, the node runs on onnxruntime, the Q/DQ model leaves an input float, the
 * builder's qdq pass did not fold it, or a precision policy kept it. compile() fills it where
 * int8 was asked for or the model carries Q/DQ nodes (src/compiler/int8-report.ts); its schema
 * and text form are here.
 */
import type pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;

/** Why a quantizable node is not an int8 layer. */
export type Int8KeptKind = 'backend' | 'fallback' | 'not-quantized' | 'qdq-pass' | 'policy';

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
}

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
          kind: { enum: ['backend', 'fallback', 'not-quantized', 'qdq-pass', 'policy'] },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

/** The text report's section: the count, then each node kept above int8 and why (cut at `max`). */
export function int8Lines(s: ReportInt8 | undefined, c: Colors, max: number): string[] {
  if (!s) return [];
  const head = `${c.bold('INT8:')} ${s.int8}/${s.quantizable} quantizable layer(s) (Conv, MatMul, Gemm) run int8`;
  if (!s.kept.length) return [head];
  const lines = [
    `${head}; kept above int8:`,
    ...s.kept.slice(0, max).map((k) => `  - ${k.node} (${k.opType}, #${k.segment}, ${k.precision}): ${k.reason}`),
  ];
  if (s.kept.length > max) lines.push(c.dim(`  ... ${s.kept.length - max} more`));
  return lines;
}

/** The HTML report's panel of the same (escape: the page's HTML escaping). */
export function int8Html(s: ReportInt8 | undefined, escape: (text: string) => string): string {
  if (!s) return '';
  const items = s.kept.map(
    (k) => `<li><b>${escape(k.node)}</b> (${escape(k.opType)}, #${k.segment}, ${escape(k.precision)}): ${escape(k.reason)}</li>`,
  );
  return `<details open><summary>INT8: ${s.int8}/${s.quantizable} quantizable layers run int8</summary>${items.length ? `<p>Kept above int8:</p><ul>${items.join('')}</ul>` : ''}</details>`;
}
