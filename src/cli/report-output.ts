/**
 * --report and --report-file: renders the partition report in the chosen form and writes it
 * to the file (creating its folder) or to stdout. Without --report, the form follows the
 * file's extension (.json, .html, .dot, else text). Text is coloured only on a colour terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HybridError } from '../errors.js';
import { renderReport } from '../report/index.js';
import type { ReportData } from '../report/model.js';
import type { ReportFormat } from './options.js';

export interface ReportSink {
  out(text: string): void;
  /** Whether stdout takes colour escapes. */
  color?: boolean;
}

export function reportFormat(format: ReportFormat | undefined, file: string | undefined): ReportFormat {
  if (format) return format;
  const ext = file ? path.extname(file).toLowerCase() : '';
  return ext === '.json' ? 'json' : ext === '.html' || ext === '.htm' ? 'html' : ext === '.dot' || ext === '.gv' ? 'dot' : 'text';
}

/** Writes the report; returns the file written, if any. */
export function emitReport(data: ReportData, format: ReportFormat | undefined, file: string | undefined, sink: ReportSink): string | undefined {
  const form = reportFormat(format, file);
  const text = renderReport(data, form, { color: !file && form === 'text' && sink.color === true });
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (!file) {
    sink.out(body);
    return undefined;
  }
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, body);
  } catch (e) {
    throw new HybridError('OPTION', `--report-file ${file}: cannot write the report (${(e as Error).message})`, { cause: e });
  }
  return file;
}
