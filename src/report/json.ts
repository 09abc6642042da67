/**
 * The JSON partition report: the report data as is (schema in docs/reports.md), for machines.
 */
import type { ReportData } from './model.js';

export function renderJson(d: ReportData): string {
  return JSON.stringify(d, null, 2) + '\n';
}
