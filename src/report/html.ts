/**
 * The HTML partition report: one self-contained page (no network access: the dagre layout
 * bundle is read from node_modules and inlined at render time, CSS and script inline). The
 * summary, unsupported ops, recommendations and segment legend are rendered here as static
 * HTML, so they show even without JavaScript; the graph is laid out and drawn in the page
 * (html-app.ts). Every string from the model is escaped: names are data, never markup.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { segmentColors } from './colors.js';
import { formatBytes, opLabel, percent, plural } from './format.js';
import { HTML_APP } from './html-app.js';
import { type ReportData, profileLines } from './model.js';

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

const STYLE = `
* { box-sizing: border-box; }
html, body { height: 100%; }
body { display: flex; flex-direction: column; margin: 0; font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #212121; background: #fafafa; }
header { padding: 10px 20px; background: #fff; border-bottom: 1px solid #ddd; }
h1 { font-size: 18px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 15px; margin: 12px 0 6px; word-break: break-all; }
.facts { color: #555; margin: 0 0 8px; }
.bar { height: 12px; background: #ffcc80; border-radius: 6px; overflow: hidden; max-width: 640px; }
.bar > div { height: 100%; background: #66bb6a; }
.stats { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 8px 0; }
.stats b { font-size: 16px; }
details { margin: 6px 0; }
summary { cursor: pointer; font-weight: 600; }
ul { margin: 4px 0; padding-left: 20px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; max-height: 58px; overflow-y: auto; }
.legend span { cursor: pointer; padding: 2px 8px; border-radius: 10px; border: 1px solid #bbb; font-size: 12px; }
main { display: flex; flex: 1; min-height: 420px; }
#graph { flex: 1; position: relative; background: #fff; border-right: 1px solid #ddd; }
#graph-svg { width: 100%; height: 100%; display: block; cursor: grab; user-select: none; }
#toolbar { position: absolute; top: 8px; left: 8px; display: flex; gap: 4px; z-index: 1; }
#toolbar button, #toolbar input { font: inherit; padding: 2px 8px; }
#status { position: absolute; bottom: 6px; left: 10px; color: #666; font-size: 12px; background: rgba(255,255,255,.85); }
aside { width: 380px; overflow: auto; padding: 4px 14px 10px; font-size: 13px; }
aside ul { padding-left: 16px; }
#details { border-bottom: 1px solid #ddd; padding-bottom: 8px; }
aside table { border-collapse: collapse; width: 100%; }
aside td { border-top: 1px solid #eee; padding: 2px 4px; vertical-align: top; word-break: break-all; }
aside td:first-child, aside td:last-child { white-space: nowrap; word-break: normal; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; border: 1px solid #888; }
.ok { color: #2e7d32; } .bad { color: #c62828; } .reason { background: #fff3e0; padding: 4px 6px; border-radius: 4px; }
.node rect { stroke: #546e7a; stroke-width: 1; }
.node.unsupported rect { stroke: #c62828; stroke-width: 2.5; }
.node.demoted rect { stroke-dasharray: 4 2; }
.node { cursor: pointer; }
.node:hover rect { stroke: #000; stroke-width: 2; }
.node.selected rect { stroke: #1a237e; stroke-width: 3.5; }
.node text { font-size: 11px; pointer-events: none; }
.node text.op { font-weight: 600; }
.node text.name { fill: #37474f; font-size: 10px; }
.io ellipse { fill: #fff; stroke: #607d8b; }
.io text { font-size: 11px; }
.edge { fill: none; stroke: #9e9e9e; stroke-width: 1.2; }
.edge.boundary { stroke: #1565c0; stroke-width: 2.5; }
.edge.boundary.copy { stroke: #c62828; }
.edge-label { font-size: 10px; fill: #b71c1c; }
svg.focus .node:not(.lit) { opacity: .25; }
`;

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
        `<span data-legend-segment="${seg.id}" style="background:${colors[seg.id]}" title="click to highlight">#${seg.id} ${seg.kind}, ${plural(seg.nodes.length, 'op')}</span>`,
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
  }
<div class="bar" title="nodes on engines"><div style="width:${(s.coverage * 100).toFixed(2)}%"></div></div>
<div class="stats" id="summary">
<span>coverage <b>${percent(s.coverage)}</b> (${s.engineNodes}/${s.nodes} nodes on engines)</span>
<span><b>${s.supportedNodes}</b> supported by converters</span>
<span><b>${s.engineSegments}</b> engine / <b>${s.fallbackSegments}</b> fallback segments</span>
<span><b>${s.boundaryTransfers}</b> boundary transfers (${formatBytes(s.boundaryBytes)}${s.unknownBytesTransfers ? ` + ${s.unknownBytesTransfers} of unknown size` : ''}), ${s.hostDeviceCopies} host&harr;device copies (${formatBytes(s.hostDeviceBytes)})</span>
</div>
<div class="legend">${legend}</div>
</header>`;
  return { header, notes: `${unsupported}${recs}${warnings}` };
}

/** The self-contained HTML page. */
export function renderHtml(d: ReportData): string {
  const colors = segmentColors(d.segments, d.transfers);
  const parts = summaryHtml(d, colors);
  const payload = { report: d, colors };
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
<aside><div id="details"><p>Click a node for its details; click a segment in the legend to highlight it.</p></div>
${parts.notes}</aside>
</main>
<script type="application/json" id="report-data">${json}</script>
<script>${scriptSafe(dagreBundle())}</script>
<script>${scriptSafe(HTML_APP)}</script>
</body>
</html>
`;
}
