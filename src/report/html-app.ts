/**
 * The HTML report's in-page script (plain browser JavaScript, kept as a string so that the
 * page stays one self-contained file): lays the graph out with the inlined dagre bundle,
 * draws it as SVG (one `g.node` per graph node, filled with its segment's colour), and wires
 * pan/zoom, search, segment highlighting and the details panel.
 *
 * Large graphs: dagre's default ranking, acyclic pass and ordering recurse along paths and
 * sweep many times, which overflows the browser's stack past ~2,000 nodes and takes seconds
 * well before that. Above LARGE nodes the script gives dagre an iterative longest-path ranker,
 * the greedy acyclicer and one barycentric ordering pass (dagre's `ranker` and `customOrder`
 * hooks); dagre still routes edges and assigns coordinates.
 *
 * NOTE: no backticks or dollar-brace sequences below: this is a String.raw template.
 */
export const HTML_APP = String.raw`
(function () {
  'use strict';
  var LARGE = 300;
  var payload = JSON.parse(document.getElementById('report-data').textContent);
  var data = payload.report;
  var colors = payload.colors;
  var SVG = 'http://www.w3.org/2000/svg';
  var status = document.getElementById('status');
  var details = document.getElementById('details');
  var svg = document.getElementById('graph-svg');
  var nodeByName = new Map();
  data.nodes.forEach(function (n) { nodeByName.set(n.name, n); });
  var producer = new Map();
  data.nodes.forEach(function (n) { n.outputs.forEach(function (o) { producer.set(o, n.name); }); });
  var graphInputs = new Set(data.model.inputs.map(function (t) { return t.name; }));
  var transfers = new Map();
  data.transfers.forEach(function (t) { transfers.set(t.name + '->' + t.to, t); });
  var elements = new Map();
  var selected = null;
  var view = { x: 0, y: 0, w: 1, h: 1 };
  var full = { w: 1, h: 1 };
  var origin = { x: 0, y: Infinity };

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function bytes(b) {
    if (b === undefined) return '? B';
    var u = ['B', 'KiB', 'MiB', 'GiB'], i = 0;
    while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
    return i === 0 ? b + ' B' : b.toFixed(b < 10 ? 2 : b < 100 ? 1 : 0) + ' ' + u[i];
  }
  function typeText(v) {
    var t = data.values[v] || {};
    return (t.dtype || '?') + '[' + (t.shape ? t.shape.join(',') : '?') + ']';
  }
  function op(n) { return n.domain ? n.domain + '::' + n.opType : n.opType; }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }

  // An iterative longest-path ranking over dagre's layout graph (minlen respected).
  function ranker(g) {
    var nodes = g.nodes(), indeg = new Map(), rank = new Map(), queue = [];
    nodes.forEach(function (v) { indeg.set(v, 0); });
    g.edges().forEach(function (e) { indeg.set(e.w, indeg.get(e.w) + 1); });
    nodes.forEach(function (v) { if (indeg.get(v) === 0) { queue.push(v); rank.set(v, 0); } });
    for (var h = 0; h < queue.length; h++) {
      var v = queue[h];
      g.outEdges(v).forEach(function (e) {
        var r = rank.get(v) + g.edge(e).minlen;
        if (!(rank.get(e.w) >= r)) rank.set(e.w, r);
        indeg.set(e.w, indeg.get(e.w) - 1);
        if (indeg.get(e.w) === 0) queue.push(e.w);
      });
    }
    nodes.forEach(function (v) { g.node(v).rank = rank.has(v) ? rank.get(v) : 0; });
  }
  // One downward barycentric pass: each node sits near the mean position of its predecessors.
  // A long edge (a skip connection) is a chain of dummy nodes; each chain keeps one side of
  // the nodes it passes, chosen where fewer chains are open, so that overlapping skip
  // connections do not cross each other and push the drawing sideways rank after rank.
  function customOrder(g) {
    var layers = [], pos = new Map(), side = new Map(), open = [], flip = 1;
    g.nodes().forEach(function (v) { var r = g.node(v).rank; (layers[r] = layers[r] || []).push(v); });
    function spanOf(n) {
      var e = n.edgeObj, a = e && g.node(e.v), b = e && g.node(e.w);
      return a && b ? { from: a.rank, to: b.rank } : null;
    }
    layers.forEach(function (layer, rank) {
      if (!layer) return;
      var keyed = layer.map(function (v, i) {
        var ps = (g.predecessors(v) || []).filter(function (u) { return pos.has(u); });
        var bc = ps.length ? ps.reduce(function (a, u) { return a + pos.get(u); }, 0) / ps.length : i;
        var n = g.node(v), s = 0, span = n.dummy ? spanOf(n) : null;
        // Every edge spans two ranks at least (dagre doubles them): longer ones are skips.
        if (span && span.to - span.from > 2) {
          if (ps.length && side.has(ps[0])) s = side.get(ps[0]);
          else {
            open = open.filter(function (c) { return c.end > rank; });
            var left = open.filter(function (c) { return c.side < 0; }).length, right = open.length - left;
            s = left < right ? -1 : right < left ? 1 : (flip = -flip);
            open.push({ side: s, end: span.to });
          }
          side.set(v, s);
        }
        return [v, bc, s, i];
      });
      keyed.sort(function (a, b) { return a[1] - b[1] || a[2] - b[2] || a[3] - b[3]; });
      keyed.forEach(function (k, o) { g.node(k[0]).order = o; pos.set(k[0], o); });
    });
  }

  function layout() {
    var large = data.nodes.length > LARGE;
    var g = new dagre.graphlib.Graph();
    var opts = { rankdir: 'TB', nodesep: 18, ranksep: 26, marginx: 20, marginy: 20 };
    if (large) { opts.ranker = ranker; opts.acyclicer = 'greedy'; }
    g.setGraph(opts);
    g.setDefaultEdgeLabel(function () { return {}; });
    data.model.inputs.forEach(function (t) { g.setNode('i:' + t.name, { width: Math.max(60, 7 * t.name.length + 20), height: 26, io: t.name }); });
    data.nodes.forEach(function (n) {
      var w = Math.max(op(n).length, clip(n.name, 26).length) * 6.6 + 18;
      g.setNode('n:' + n.name, { width: Math.max(70, w), height: 34, node: n });
    });
    data.model.outputs.forEach(function (t) { g.setNode('o:' + t.name, { width: Math.max(60, 7 * t.name.length + 20), height: 26, io: t.name }); });
    var values = new Map();
    function edge(src, dst, v) {
      var key = src + '\u0000' + dst;
      if (!values.has(key)) { values.set(key, []); g.setEdge(src, dst); }
      values.get(key).push(v);
    }
    data.nodes.forEach(function (n) {
      n.inputs.forEach(function (v) {
        var p = producer.get(v);
        if (p !== undefined) edge('n:' + p, 'n:' + n.name, v);
        else if (graphInputs.has(v)) edge('i:' + v, 'n:' + n.name, v);
      });
    });
    data.model.outputs.forEach(function (t) {
      var p = producer.get(t.name);
      if (p !== undefined) edge('n:' + p, 'o:' + t.name, t.name);
      else if (graphInputs.has(t.name)) edge('i:' + t.name, 'o:' + t.name, t.name);
    });
    dagre.layout(g, large ? { customOrder: customOrder } : {});
    return { g: g, values: values };
  }

  function draw(l) {
    var g = l.g;
    var root = el('g', { id: 'viewport' }, svg);
    var edgeLayer = el('g', { class: 'edges' }, root);
    var labelLayer = el('g', { class: 'edge-labels' }, root);
    var nodeLayer = el('g', { class: 'nodes' }, root);
    g.edges().forEach(function (e) {
      var pts = g.edge(e).points || [];
      var d = pts.map(function (p, i) { return (i ? 'L' : 'M') + p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join('');
      var src = g.node(e.v).node, dst = g.node(e.w).node;
      var cls = 'edge';
      var t;
      if (src && dst && src.segment !== dst.segment) {
        var vs = l.values.get(e.v + '\u0000' + e.w) || [];
        for (var i = 0; i < vs.length && !t; i++) t = transfers.get(vs[i] + '->' + dst.segment);
        cls += t && t.copy !== 'none' ? ' boundary copy' : ' boundary';
      }
      el('path', { d: d, class: cls, 'marker-end': 'url(#arrow)' }, edgeLayer);
      if (t && pts.length) {
        var mid = pts[Math.floor(pts.length / 2)];
        var label = el('text', { x: mid.x + 4, y: mid.y, class: 'edge-label' }, labelLayer);
        label.textContent = bytes(t.bytes);
      }
    });
    g.nodes().forEach(function (id) {
      var n = g.node(id);
      if (n.io !== undefined) {
        var io = el('g', { class: 'io', transform: 'translate(' + n.x + ',' + n.y + ')' }, nodeLayer);
        el('ellipse', { rx: n.width / 2, ry: n.height / 2 }, io);
        var it = el('text', { y: 4, 'text-anchor': 'middle' }, io);
        it.textContent = clip(n.io, 30);
        el('title', {}, io).textContent = (id[0] === 'i' ? 'graph input ' : 'graph output ') + n.io + ' ' + typeText(n.io);
        return;
      }
      var node = n.node;
      var cls = 'node' + (node.supported ? '' : ' unsupported') + (node.demoted ? ' demoted' : '');
      var ge = el('g', { class: cls, transform: 'translate(' + n.x + ',' + n.y + ')', 'data-node': node.name, 'data-segment': node.segment }, nodeLayer);
      el('rect', { x: -n.width / 2, y: -n.height / 2, width: n.width, height: n.height, rx: 5, fill: colors[node.segment] }, ge);
      var t1 = el('text', { y: -3, 'text-anchor': 'middle', class: 'op' }, ge);
      t1.textContent = op(node);
      var t2 = el('text', { y: 11, 'text-anchor': 'middle', class: 'name' }, ge);
      t2.textContent = clip(node.name, 26);
      el('title', {}, ge).textContent = node.name + ' (' + op(node) + '), segment #' + node.segment + ' ' + data.segments[node.segment].kind + (node.reason ? ': ' + node.reason : '');
      ge.addEventListener('click', function (ev) { ev.stopPropagation(); select(node.name, false); });
      elements.set(node.name, { g: ge, x: n.x, y: n.y });
    });
    var gg = g.graph();
    full = { w: gg.width || 1, h: gg.height || 1 };
    g.nodes().forEach(function (id) { var n = g.node(id); if (n.y < origin.y) origin = { x: n.x, y: n.y }; });
  }

  function setView(v) {
    view = v;
    svg.setAttribute('viewBox', [v.x, v.y, v.w, v.h].map(function (x) { return x.toFixed(1); }).join(' '));
  }
  function aspect() {
    var r = svg.getBoundingClientRect();
    return { w: r.width || 800, h: r.height || 600 };
  }
  function fit() {
    var a = aspect();
    var s = Math.max(full.w / a.w, full.h / a.h);
    setView({ x: 0, y: 0, w: a.w * s, h: a.h * s });
  }
  function top() {
    var a = aspect();
    // Readable first view: the whole width when it fits at a legible scale, from the top;
    // a wider graph (long skip connections drift sideways) starts at its first node.
    var s = Math.min(Math.max(full.w / a.w, 1), 2.5);
    var y = full.h <= a.h * s ? (full.h - a.h * s) / 2 : 0;
    var x = (full.w - a.w * s) / 2;
    if (full.w > a.w * s) x = origin.x - (a.w * s) / 2;
    setView({ x: x, y: y, w: a.w * s, h: a.h * s });
  }
  function center(x, y) { setView({ x: x - view.w / 2, y: y - view.h / 2, w: view.w, h: view.h }); }
  function zoom(factor, cx, cy) {
    var nx = cx - (cx - view.x) * factor, ny = cy - (cy - view.y) * factor;
    setView({ x: nx, y: ny, w: view.w * factor, h: view.h * factor });
  }

  function row(table, cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) { tr.appendChild(html('td', c)); });
    table.appendChild(tr);
  }
  function select(name, scroll) {
    var n = nodeByName.get(name);
    if (!n) return;
    if (selected) selected.g.classList.remove('selected');
    selected = elements.get(name);
    if (selected) {
      selected.g.classList.add('selected');
      if (scroll) center(selected.x, selected.y);
    }
    var seg = data.segments[n.segment];
    details.textContent = '';
    details.appendChild(html('h2', n.name));
    var p = html('p', op(n) + ' \u2014 segment #' + seg.id + ' (' + seg.kind + ')');
    var sw = html('span', '', 'swatch');
    sw.style.background = colors[seg.id];
    p.prepend(sw);
    details.appendChild(p);
    var state = n.segment !== undefined && seg.kind === 'engine' ? 'runs on an engine' : n.supported ? 'supported, runs in the fallback' : 'not supported, runs in the fallback';
    details.appendChild(html('p', state, seg.kind === 'engine' ? 'ok' : 'bad'));
    if (n.reason) details.appendChild(html('p', 'Reason: ' + n.reason, 'reason'));
    if (n.forced) details.appendChild(html('p', 'Forced by ' + n.forced));
    var table = document.createElement('table');
    n.inputs.forEach(function (v) {
      var from = producer.has(v) ? '#' + nodeByName.get(producer.get(v)).segment : (data.values[v] && data.values[v].initializer ? 'weight' : 'graph input');
      row(table, ['in', v, typeText(v), from]);
    });
    n.outputs.forEach(function (v) { row(table, ['out', v, typeText(v), '']); });
    details.appendChild(table);
  }
  function highlight(segment) {
    svg.classList.toggle('focus', segment !== null);
    elements.forEach(function (e, name) { e.g.classList.toggle('lit', segment !== null && nodeByName.get(name).segment === segment); });
    if (segment !== null) {
      var first = data.segments[segment].nodes[0];
      if (first) select(first, true);
    }
  }

  function wire() {
    svg.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var r = svg.getBoundingClientRect();
      var cx = view.x + (ev.clientX - r.left) / r.width * view.w;
      var cy = view.y + (ev.clientY - r.top) / r.height * view.h;
      zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, cx, cy);
    }, { passive: false });
    var drag = null;
    svg.addEventListener('pointerdown', function (ev) { drag = { x: ev.clientX, y: ev.clientY, v: view }; });
    window.addEventListener('pointerup', function () { drag = null; });
    window.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      setView({ x: drag.v.x - (ev.clientX - drag.x) / r.width * drag.v.w, y: drag.v.y - (ev.clientY - drag.y) / r.height * drag.v.h, w: drag.v.w, h: drag.v.h });
    });
    document.getElementById('fit').addEventListener('click', fit);
    document.getElementById('zoom-in').addEventListener('click', function () { zoom(1 / 1.5, view.x + view.w / 2, view.y + view.h / 2); });
    document.getElementById('zoom-out').addEventListener('click', function () { zoom(1.5, view.x + view.w / 2, view.y + view.h / 2); });
    document.getElementById('search').addEventListener('keydown', function (ev) {
      if (ev.key !== 'Enter') return;
      var q = ev.target.value.trim().toLowerCase();
      if (!q) return;
      var hit = data.nodes.find(function (n) { return n.name.toLowerCase() === q; }) ||
        data.nodes.find(function (n) { return n.name.toLowerCase().indexOf(q) >= 0 || n.opType.toLowerCase() === q; });
      if (hit) select(hit.name, true);
    });
    var current = null;
    document.querySelectorAll('[data-legend-segment]').forEach(function (item) {
      item.addEventListener('click', function () {
        var s = Number(item.getAttribute('data-legend-segment'));
        current = current === s ? null : s;
        highlight(current);
      });
    });
  }

  function start() {
    try {
      var t0 = performance.now();
      var l = layout();
      draw(l);
      top();
      wire();
      status.textContent = data.nodes.length + ' nodes laid out in ' + Math.round(performance.now() - t0) + ' ms. Scroll to zoom, drag to pan, click a node for details.';
      document.body.setAttribute('data-ready', 'true');
    } catch (e) {
      status.textContent = 'Could not draw the graph: ' + (e && e.message ? e.message : e);
      document.body.setAttribute('data-ready', 'error');
    }
  }
  status.textContent = 'Laying out ' + data.nodes.length + ' nodes\u2026';
  // Let the summary paint before the layout blocks the page.
  requestAnimationFrame(function () { setTimeout(start, 0); });
})();
`;
