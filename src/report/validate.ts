/**
 * Checks report data against REPORT_SCHEMA (schema.ts). Ajv is loaded on first use, so that
 * only the callers that check a report (load() of a saved model) pay for it.
 */
import { createRequire } from 'node:module';
import { renderReport } from './index.js';
import type { ReportData } from './model.js';
import { REPORT_SCHEMA } from './schema.js';

type Validate = ((d: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
let validate: Validate | undefined;

/** What is wrong with `d` as report data against the schema, as "path message" lines; empty when nothing is. */
export function reportProblems(d: unknown): string[] {
  if (!validate) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(REPORT_SCHEMA) as Validate;
  }
  return validate(d) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/**
 * reportProblems, and then whether the data renders in every form: the schema cannot say that
 * a node's segment exists or that a transfer's ends are segments, which the renderers rely on
 * (a few milliseconds for a model of thousands of nodes).
 */
export function unusableReport(d: unknown): string[] {
  const problems = reportProblems(d);
  if (problems.length) return problems;
  try {
    for (const format of ['text', 'dot', 'html'] as const) renderReport(d as ReportData, format);
  } catch (e) {
    return [`it does not render (${(e as Error)?.message ?? String(e)}): its parts do not refer to each other consistently`];
  }
  return [];
}
