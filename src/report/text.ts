/**
 * The text partition report, for a terminal: header, coverage, unsupported ops with counts
 * and reasons, every segment (engines and fallbacks) with its ops, why it was cut
 * (segment-view.ts) and its boundary tensors, boundary transfers, recommendations and
 * warnings. Colour (picocolors) only when asked or, by default, when picocolors finds a colour
 * terminal; piped output has no escape codes.
 * Long lists are cut with "... N more": the JSON report has everything.
 */
import pc from 'picocolors';
import { formatBytes, formatTensorType, opLabel, percent, plural } from './format.js';
import { type ReportData, type ReportSegment, fixedInputsLine, profileLines } from './model.js';
import { type BoundaryRow, type SegmentView, segmentViews } from './segment-view.js';
import { int8Lines } from './int8.js';

export interface TextOptions {
  /** Colour escape codes (default: picocolors' detection, i.e. a colour TTY on stdout). */
  color?: boolean;
  /** Most boundary tensors listed per segment side, transfers, etc. (default 12). */
  maxList?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

function table(rows: string[][], indent: string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(c))));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - visibleLength(c))))
        .join('  ')
        .trimEnd(),
  );
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

function cutList<T>(items: readonly T[], max: number): { shown: readonly T[]; more: number } {
  return items.length > max ? { shown: items.slice(0, max), more: items.length - max } : { shown: items, more: 0 };
}

function header(d: ReportData, c: Colors): string[] {
  const m = d.model;
  const opsets = Object.entries(m.opsets)
    .map(([dom, v]) => `${dom || 'ai.onnx'} ${v}`)
    .join(', ');
  const facts = [m.producer && `producer ${m.producer}`, m.irVersion !== undefined && `IR ${m.irVersion}`, `opset ${opsets}`]
    .filter(Boolean)
    .join(', ');
  const lowered = d.lowering ? ` (${d.lowering.nodesBefore} before lowering)` : '';
  const o = d.options;
  const opts = [
    `minBlockSize ${o.minBlockSize}`,
    o.fallbackOps.length ? `fallbackOps ${o.fallbackOps.join(',')}` : '',
    o.fallbackNodes.length ? `fallbackNodes ${o.fallbackNodes.join(',')}` : '',
    o.requireFullCompilation ? 'requireFullCompilation' : '',
  ].filter(Boolean);
  return [
    c.bold(`hybridrt partition report: ${m.file}`),
    `  graph '${m.graphName}' (${facts}), ${plural(d.summary.nodes, 'node')}${lowered}`,
    ...(m.profiles ? profileLines(m.profiles).map((l) => `  shape range: ${l}`) : []),
    ...(m.fixedInputs ? [`  fixed inputs: ${fixedInputsLine(m.fixedInputs)}`] : []),
    c.dim(`  options: ${opts.join(', ')}`),
  ];
}

function coverage(d: ReportData, c: Colors): string[] {
  const s = d.summary;
  const pct = percent(s.coverage);
  const colored = s.coverage >= 0.9 ? c.green(pct) : s.coverage >= 0.5 ? c.yellow(pct) : c.red(pct);
  return [
    `${c.bold('Coverage:')} ${s.engineNodes}/${s.nodes} nodes on engines (${colored}), ${s.supportedNodes} supported by converters; ` +
      `${plural(s.engineSegments, 'engine segment')}, ${plural(s.fallbackSegments, 'fallback segment')}`,
  ];
}

function unsupported(d: ReportData, c: Colors, max: number): string[] {
  if (!d.unsupported.length) return [];
  const total = d.unsupported.reduce((a, u) => a + u.count, 0);
  const out = [c.bold(`Unsupported ops (${plural(total, 'node')}):`)];
  for (const u of d.unsupported) {
    out.push(`  ${c.red(opLabel(u.opType, u.domain))} x${u.count}`);
    const reasons = cutList(u.reasons, 3);
    for (const r of reasons.shown) {
      const { shown, more } = cutList(r.nodes, 4);
      out.push(`    ${r.reason}`);
      out.push(c.dim(`      nodes: ${shown.join(', ')}${more ? ` ... ${more} more` : ''}`));
    }
    if (reasons.more) {
      const nodes = reasons.shown.reduce((a, r) => a - r.nodes.length, u.count);
      out.push(c.dim(`    ... ${reasons.more} more reasons (${plural(nodes, 'node')}; see the JSON report)`));
    }
  }
  const demoted = d.nodes.filter((n) => n.demoted);
  if (demoted.length) {
    const { shown, more } = cutList(
      demoted.map((n) => n.name),
      max,
    );
    out.push(
      `  ${c.yellow('below minBlockSize')} x${demoted.length} (supported, but in engine blocks smaller than ${d.options.minBlockSize} compute nodes)`,
    );
    out.push(c.dim(`      nodes: ${shown.join(', ')}${more ? ` ... ${more} more` : ''}`));
  }
  return out;
}

function segment(s: ReportSegment, v: SegmentView, c: Colors, max: number): string[] {
  const ops = Object.entries(s.ops);
  const opText = cutList(ops, 8);
  const kind = s.kind === 'engine' ? c.green('engine') : c.yellow('fallback');
  const out = [
    `  ${c.bold(`#${s.id}`)} ${kind}, ${plural(s.nodes.length, 'op')}: ${opText.shown.map(([op, n]) => (n > 1 ? `${op} x${n}` : op)).join(', ')}${opText.more ? `, ... ${opText.more} more op types` : ''}`,
  ];
  const names = cutList(s.nodes, 6);
  out.push(c.dim(`     nodes: ${names.shown.join(', ')}${names.more ? ` ... ${names.more} more` : ''}`));
  const why = cutList(v.cut, 4);
  why.shown.forEach((line, i) => out.push(c.dim(`     ${i ? '    ' : 'cut:'} ${line}`)));
  if (why.more) out.push(c.dim(`          ... ${why.more} more`));
  const rows = (dir: 'in' | 'out', list: BoundaryRow[]): string[][] => {
    const { shown, more } = cutList(list, max);
    const r = shown.map((t) => [dir, t.name, t.type, t.bytes, c.dim(t.where)]);
    if (more) r.push([dir, c.dim(`... ${more} more`), '', '', '']);
    return r;
  };
  out.push(...table([...rows('in', v.inputs), ...rows('out', v.outputs)], '     '));
  return out;
}

function transfers(d: ReportData, c: Colors, max: number): string[] {
  const s = d.summary;
  const unknown = s.unknownBytesTransfers ? ` + ${s.unknownBytesTransfers} of unknown size` : '';
  const out = [
    `${c.bold('Boundary transfers:')} ${s.boundaryTransfers} (${formatBytes(s.boundaryBytes)}${unknown}), ` +
      `of which ${plural(s.hostDeviceCopies, 'host<->device copy', 'host<->device copies')} (${formatBytes(s.hostDeviceBytes)})`,
  ];
  const { shown, more } = cutList(d.transfers, max);
  const kindOf = (id: number) => d.segments[id]!.kind;
  out.push(
    ...table(
      shown.map((t) => [
        t.name,
        `#${t.from} ${kindOf(t.from)} -> #${t.to} ${kindOf(t.to)}`,
        formatTensorType(t),
        formatBytes(t.bytes),
        t.copy === 'none' ? c.dim('no copy') : t.copy,
      ]),
      '  ',
    ),
  );
  if (more) out.push(c.dim(`  ... ${more} more`));
  return out;
}

function listSection(title: string, items: string[], c: Colors): string[] {
  return items.length ? [c.bold(title), ...items.map((m) => `  - ${m}`)] : [];
}

/** The text report. */
export function renderText(d: ReportData, options: TextOptions = {}): string {
  const c = pc.createColors(options.color ?? pc.isColorSupported);
  const max = options.maxList ?? 12;
  const views = segmentViews(d);
  const sections: string[][] = [
    header(d, c),
    coverage(d, c),
    unsupported(d, c, max),
    d.segments.length
      ? [c.bold('Segments:'), ...d.segments.flatMap((s) => segment(s, views[s.id]!, c, max))]
      : [c.bold('Segments:') + ' none (the graph has no nodes)'],
    transfers(d, c, max),
    int8Lines(d.int8, c, max),
    listSection(
      'Recommendations:',
      d.recommendations.map((r) => r.message),
      c,
    ),
    listSection('Warnings:', d.warnings, c),
  ];
  return (
    sections
      .filter((s) => s.length)
      .map((s) => s.join('\n'))
      .join('\n\n') + '\n'
  );
}
