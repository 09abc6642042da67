/**
 * Partition reports: `buildReport` makes the data once; `renderReport` draws it as text (a
 * terminal), JSON (machines; schema in docs/reports.md), DOT (Graphviz) or HTML (a
 * self-contained page with the graph drawn).
 */
import { HybridError } from '../errors.js';
import { renderDot } from './dot.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import type { ReportData } from './model.js';
import { renderText, type TextOptions } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'html', 'dot'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** Text only: colour escape codes (default: when stdout is a colour terminal). Pass false when writing a file. */
  color?: boolean;
}

/** The report in `format`. An unknown format is an OPTION error listing the known ones. */
export function renderReport(data: ReportData, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(data, options as TextOptions);
    case 'json':
      return renderJson(data);
    case 'dot':
      return renderDot(data);
    case 'html':
      return renderHtml(data);
    default:
      throw new HybridError('OPTION', `unknown report format '${String(format)}' (use ${REPORT_FORMATS.join(', ')})`);
  }
}

export {
  buildReport,
  REPORT_SCHEMA_VERSION,
  summarize,
  type BuildReportOptions,
  type ReportData,
  type ReportNode,
  type ReportSegment,
  type ReportSummary,
  type ReportLowering,
  type UnsupportedOp,
} from './model.js';
export type { Recommendation } from './recommend.js';
export type { CopyDirection, ReportTransfer } from './transfers.js';
export { renderDot, renderHtml, renderJson, renderText };
