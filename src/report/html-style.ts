/**
 * The HTML report's stylesheet. The marks that tell nodes and edges apart (the red outline of
 * an unsupported node, the dashes of a demoted one, the colours of boundary edges) are CSS
 * variables used both by the graph and by the colour key, so the key cannot drift from what
 * the graph draws. The page is one column: header (summary, key, legend), then the graph and
 * the side panel filling the rest of the window; the graph's toolbar and status line sit
 * above and below the drawing, not over it, so the first view can use the whole drawing area.
 */
export const STYLE = `
:root { --unsupported: #c62828; --unsupported-width: 2.5px; --node-stroke: #546e7a; --edge: #9e9e9e; --boundary: #1565c0; --copy: #c62828; }
* { box-sizing: border-box; }
html, body { height: 100%; }
body { display: flex; flex-direction: column; margin: 0; font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #212121; background: #fafafa; }
header { padding: 8px 20px; background: #fff; border-bottom: 1px solid #ddd; }
h1 { font-size: 18px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 15px; margin: 12px 0 6px; word-break: break-all; }
h3 { font-size: 13px; margin: 10px 0 4px; }
.facts { color: #555; margin: 0 0 6px; }
.bar { height: 12px; background: #ffcc80; border-radius: 6px; overflow: hidden; max-width: 640px; }
.bar > div { height: 100%; background: #66bb6a; }
.stats { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 6px 0; }
.stats b { font-size: 16px; }
details { margin: 6px 0; }
summary { cursor: pointer; font-weight: 600; }
ul { margin: 4px 0; padding-left: 20px; }
.key { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 16px; font-size: 12px; color: #444; margin: 4px 0; }
.key > span { display: inline-flex; align-items: center; gap: 5px; }
.key .sw { display: inline-block; width: 26px; height: 14px; border-radius: 3px; border: 1px solid var(--node-stroke); }
.key .sw.unsupported { background: #eee; border: var(--unsupported-width) solid var(--unsupported); }
.key .sw.demoted { background: #eee; border: 1px dashed var(--node-stroke); }
.key .line { display: inline-block; width: 26px; height: 0; border-top: 1.2px solid var(--edge); }
.key .line.boundary { border-top: 2.5px solid var(--boundary); }
.key .line.copy { border-top: 2.5px solid var(--copy); }
.legend { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; max-height: 30vh; overflow-y: auto; }
.legend span { cursor: pointer; padding: 1px 7px; border-radius: 9px; border: 1px solid #bbb; font-size: 11px; white-space: nowrap; }
.legend span.fallback { border-color: #8d6e63; border-style: dashed; }
.legend span.current { outline: 2px solid #1a237e; }
main { display: flex; flex: 1; min-height: 320px; }
#graph { flex: 1; min-width: 0; display: flex; flex-direction: column; background: #fff; border-right: 1px solid #ddd; }
#graph-svg { flex: 1; min-height: 0; width: 100%; display: block; cursor: grab; user-select: none; }
#toolbar { display: flex; gap: 4px; padding: 4px 8px; border-bottom: 1px solid #eee; }
#toolbar button, #toolbar input { font: inherit; padding: 1px 8px; }
#status { padding: 2px 10px; color: #666; font-size: 12px; border-top: 1px solid #eee; min-height: 21px; }
aside { width: 380px; overflow: auto; padding: 4px 14px 10px; font-size: 13px; }
aside ul { padding-left: 16px; }
#details { border-bottom: 1px solid #ddd; padding-bottom: 8px; }
aside table { border-collapse: collapse; width: 100%; }
aside td { border-top: 1px solid #eee; padding: 2px 4px; vertical-align: top; word-break: break-all; }
aside td:first-child, aside td:last-child { white-space: nowrap; word-break: normal; }
a.seg, a.node-link { color: #1a237e; cursor: pointer; text-decoration: underline; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; border: 1px solid #888; }
.ok { color: #2e7d32; } .bad { color: #c62828; } .reason { background: #fff3e0; padding: 4px 6px; border-radius: 4px; }
.cut li { margin: 2px 0; }
.node rect { stroke: var(--node-stroke); stroke-width: 1; }
.node.unsupported rect { stroke: var(--unsupported); stroke-width: var(--unsupported-width); }
.node.demoted rect { stroke-dasharray: 4 2; }
.node { cursor: pointer; }
.node:hover rect { stroke: #000; stroke-width: 2; }
.node.selected rect { stroke: #1a237e; stroke-width: 3.5; }
.node text { font-size: 11px; pointer-events: none; }
.node text.op { font-weight: 600; }
.node text.name { fill: #37474f; font-size: 10px; }
.io ellipse { fill: #fff; stroke: #607d8b; }
.io text { font-size: 11px; }
.edge { fill: none; stroke: var(--edge); stroke-width: 1.2; }
.edge.boundary { stroke: var(--boundary); stroke-width: 2.5; }
.edge.boundary.copy { stroke: var(--copy); }
.edge-label { font-size: 10px; fill: #b71c1c; }
svg.focus .node:not(.lit) { opacity: .25; }
.fold-line { stroke: #d0d0d0; stroke-width: 1.5; stroke-dasharray: 8 6; }
`;
