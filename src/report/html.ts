/**
 * The HTML partition report: one self-contained page (no network access: the dagre layout
 * bundle is read from node_modules and inlined at render time, CSS and script inline). The
 * summary, the colour key, the segment legend (every segment, wrapping), unsupported ops,
 * recommendations and warnings are rendered here as static HTML, so they show even without
 * JavaScript; the graph is laid out and drawn in the page (html-app.ts), which also gets each
 * segment's panel lines (segment-view.ts) and colours (colors.ts). Every string from the
 * model is escaped: names are data, never markup.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { paletteOf, segmentColors } from './colors.js';
import { formatBytes, opLabel, percent, plural } from './format.js';
import { int8Html } from './int8.js';
import { HTML_APP } from './html-app.js';
import { STYLE } from './html-style.js';
import { type ReportData, fixedInputsLine, profileLines } from './model.js';
import { segmentTitle, segmentViews } from './segment-view.js';

let dagreSource: string | undefined;

/** The browser bundle of @dagrejs/dagre (defines the global `dagre`). */
function dagreBundle(): string {
  if (dagreSource === undefined) {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@dagrejs/dagre');
    dagreSource = fs.readFileSync(path.join(path.dirname(main), 'dagre.min.js'), 'utf8');
  }
  return dagreSource;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Text safe inside a <script> element: no '</script', no '<!--'. */
function scriptSafe(s: string): string {
  return s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** A swatch striped with up to three of `colors`. */
function stripes(colors: readonly string[]): string {
  const c = [...new Set(colors)].slice(0, 3);
  const stops = c.map((x, i) => `${x} ${((i * 100) / c.length).toFixed(0)}% ${(((i + 1) * 100) / c.length).toFixed(0)}%`);
  return `background:linear-gradient(90deg,${stops.join(',')})`;
}

/** The colour key: what segments of each kind, unsupported and demoted nodes and boundary edges look like. */
function keyHtml(d: ReportData, colors: readonly string[]): string {
  const of = (kind: 'engine' | 'fallback') => {
    const used = d.segments.filter((s) => s.kind === kind).map((s) => colors[s.id]!);
    return stripes(used.length ? used : paletteOf(kind));
  };
  return `<div class="key" id="key"><b>Key</b>
<span data-key="engine"><i class="sw" style="${of('engine')}"></i>engine segment (greens, blues)</span>
<span data-key="fallback"><i class="sw" style="${of('fallback')}"></i>fallback segment, onnxruntime (oranges, reds)</span>
<span data-key="unsupported"><i class="sw unsupported"></i>unsupported node</span>
<span data-key="demoted"><i class="sw demoted"></i>supported, below minBlockSize</span>
<span data-key="edge"><i class="line"></i>tensor within a segment</span>
<span data-key="boundary"><i class="line boundary"></i>boundary, no copy (engine&rarr;engine)</span>
<span data-key="copy"><i class="line copy"></i>host&harr;device copy, labelled with its bytes</span>
</div>`;
}

function summaryHtml(d: ReportData, colors: readonly string[]): { header: string; notes: string } {
  const s = d.summary;
  const e = escapeHtml;
  const opsets = Object.entries(d.model.opsets)
    .map(([dom, v]) => `${dom || 'ai.onnx'} ${v}`)
    .join(', ');
  const unsupported = d.unsupported.length
    ? `<details open><summary>Unsupported ops (${d.unsupported.reduce((a, u) => a + u.count, 0)} nodes)</summary><ul>${d.unsupported
        .map(
          (u) =>
            `<li><b>${e(opLabel(u.opType, u.domain))}</b> &times;${u.count}<ul>${u.reasons
              .slice(0, 5)
              .map((r) => `<li>${e(r.reason)} <small>(${e(r.nodes.slice(0, 5).join(', '))}${r.nodes.length > 5 ? ', &hellip;' : ''})</small></li>`)
              .join('')}${u.reasons.length > 5 ? `<li>&hellip; ${u.reasons.length - 5} more reasons (see the JSON report)</li>` : ''}</ul></li>`,
        )
        .join('')}</ul></details>`
    : '';
  const recs = d.recommendations.length
    ? `<details open><summary>Recommendations (${d.recommendations.length})</summary><ul>${d.recommendations.map((r) => `<li>${e(r.message)}</li>`).join('')}</ul></details>`
    : '';
  const warnings = d.warnings.length
    ? `<details open><summary>Warnings</summary><ul>${d.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul></details>`
    : '';
  const legend = d.segments
    .map(
      (seg) =>
        `<span class="${seg.kind}" data-legend-segment="${seg.id}" style="background:${colors[seg.id]}" title="${e(segmentTitle(seg))}: click for its panel">#${seg.id} &middot; ${seg.nodes.length}</span>`,
    )
    .join('');
  const header = `<header>
<h1>hybridrt partition report: ${e(d.model.file)}</h1>
<p class="facts">graph '${e(d.model.graphName)}'${d.model.producer ? `, producer ${e(d.model.producer)}` : ''}, opset ${e(opsets)}, ${plural(s.nodes, 'node')}${d.lowering ? ` (${d.lowering.nodesBefore} before lowering)` : ''}; minBlockSize ${d.options.minBlockSize}</p>${
    d.model.profiles
      ? profileLines(d.model.profiles)
          .map((l) => `\n<p class="facts">shape range: ${e(l)}</p>`)
          .join('')
      : ''
  }${d.model.fixedInputs ? `\n<p class="facts">fixed inputs: ${e(fixedInputsLine(d.model.fixedInputs))}</p>` : ''}
<div class="bar" title="nodes on engines"><div style="width:${(s.coverage * 100).toFixed(2)}%"></div></div>
<div class="stats" id="summary">
<span>coverage <b>${percent(s.coverage)}</b> (${s.engineNodes}/${s.nodes} nodes on engines)</span>
<span><b>${s.supportedNodes}</b> supported by converters</span>
<span><b>${s.engineSegments}</b> engine / <b>${s.fallbackSegments}</b> fallback segments</span>
<span><b>${s.boundaryTransfers}</b> boundary transfers (${formatBytes(s.boundaryBytes)}${s.unknownBytesTransfers ? ` + ${s.unknownBytesTransfers} of unknown size` : ''}), ${s.hostDeviceCopies} host&harr;device copies (${formatBytes(s.hostDeviceBytes)})</span>
</div>
${keyHtml(d, colors)}
<div class="legend" id="legend" title="segments: #id &middot; ops">${legend}</div>
</header>`;
  return { header, notes: `${unsupported}${int8Html(d.int8, e)}${recs}${warnings}` };
}

/** The self-contained HTML page. */
export function renderHtml(d: ReportData): string {
  const colors = segmentColors(d.segments, d.transfers);
  const parts = summaryHtml(d, colors);
  const payload = { report: d, colors, views: segmentViews(d) };
  // '<' escaped inside JSON keeps any '</script>' in a node name from ending the element.
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hybridrt partition report: ${escapeHtml(d.model.file)}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.header}
<main>
<div id="graph">
<div id="toolbar"><button id="fit" title="show the whole graph">fit</button><button id="zoom-in">+</button><button id="zoom-out">&minus;</button><input id="search" placeholder="find node (Enter)" size="22"></div>
<svg id="graph-svg" xmlns="http://www.w3.org/2000/svg"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#757575"/></marker></defs></svg>
<div id="status">Loading&hellip;</div>
</div>
<aside><div id="details"><p>Click a node for its details, or a segment in the legend for its panel (its nodes, boundary tensors and why it was cut).</p></div>
${parts.notes}</aside>
</main>
<script type="application/json" id="report-data">${json}</script>
<script>${scriptSafe(dagreBundle())}</script>
<script>${scriptSafe(HTML_APP)}</script>
</body>
</html>
`;
}
