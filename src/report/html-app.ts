/**
 * The HTML report's in-page script (plain browser JavaScript, kept as strings so that the
 * page stays one self-contained file): lays the graph out with the inlined dagre bundle
 * (html-layout.ts), folds a tall layout into columns (html-fold.ts), draws it as SVG (one
 * `g.node` per graph node, filled with its segment's colour), shows node and segment panels (html-panels.ts), and wires pan/zoom, search and the
 * legend. The fragments share one function scope: this file's prelude declares the state they
 * use, and function declarations are hoisted across fragments.
 *
 * The first view fits the whole graph, folded, and centres it in the drawing area (never
 * magnified past 1:1), however large the graph: segments show as blocks of colour even where
 * boxes are too small to read; zoom in from there.
 * Clicking a legend entry highlights its segment, opens its panel, and brings the segment into
 * view where it is not already.
 *
 * NOTE: no backticks or dollar-brace sequences below: these are String.raw templates.
 */
import { HTML_FOLD } from './html-fold.js';
import { HTML_LAYOUT } from './html-layout.js';
import { HTML_PANELS } from './html-panels.js';

const PRELUDE = String.raw`
  'use strict';
  var payload = JSON.parse(document.getElementById('report-data').textContent);
  var data = payload.report;
  var colors = payload.colors;
  var views = payload.views;
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
  var view = { x: 0, y: 0, w: 1, h: 1 };
  var full = { w: 1, h: 1 };
  // Whether the view is still the fitted first view (a resize fits again until the user moves).
  var fitted = true;
  var current = null;

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
`;

const MAIN = String.raw`
  function draw(l) {
    var g = l.g;
    var fold = planFold(g, aspect());
    var root = el('g', { id: 'viewport' }, svg);
    for (var c = 1; c < fold.cols.length; c++) {
      var fx = fold.cols[c].offset - FOLD_GAP / 2;
      el('line', { x1: fx, y1: 0, x2: fx, y2: fold.height, class: 'fold-line' }, root);
    }
    var edgeLayer = el('g', { class: 'edges' }, root);
    var labelLayer = el('g', { class: 'edge-labels' }, root);
    var nodeLayer = el('g', { class: 'nodes' }, root);
    g.edges().forEach(function (e) {
      var pts = g.edge(e).points || [];
      var d = foldPath(fold, pts).map(function (piece) {
        return piece.map(function (p, i) { return (i ? 'L' : 'M') + p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join('');
      }).join('');
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
        mid = place(fold, mid.x, mid.y);
        var label = el('text', { x: mid.x + 4, y: mid.y, class: 'edge-label' }, labelLayer);
        label.textContent = bytes(t.bytes);
      }
    });
    g.nodes().forEach(function (id) {
      var n = g.node(id), at = place(fold, n.x, n.y);
      var translate = 'translate(' + at.x.toFixed(1) + ',' + at.y.toFixed(1) + ')';
      if (n.io !== undefined) {
        var io = el('g', { class: 'io', transform: translate }, nodeLayer);
        el('ellipse', { rx: n.width / 2, ry: n.height / 2 }, io);
        var it = el('text', { y: 4, 'text-anchor': 'middle' }, io);
        it.textContent = clip(n.io, 30);
        el('title', {}, io).textContent = (id[0] === 'i' ? 'graph input ' : 'graph output ') + n.io + ' ' + typeText(n.io);
        return;
      }
      var node = n.node;
      var cls = 'node' + (node.supported ? '' : ' unsupported') + (node.demoted ? ' demoted' : '');
      var ge = el('g', { class: cls, transform: translate, 'data-node': node.name, 'data-segment': node.segment }, nodeLayer);
      el('rect', { x: -n.width / 2, y: -n.height / 2, width: n.width, height: n.height, rx: 5, fill: colors[node.segment] }, ge);
      var t1 = el('text', { y: -3, 'text-anchor': 'middle', class: 'op' }, ge);
      t1.textContent = op(node);
      var t2 = el('text', { y: 11, 'text-anchor': 'middle', class: 'name' }, ge);
      t2.textContent = clip(node.name, 26);
      el('title', {}, ge).textContent = node.name + ' (' + op(node) + '), segment #' + node.segment + ' ' + data.segments[node.segment].kind + (node.reason ? ': ' + node.reason : '');
      ge.addEventListener('click', function (ev) { ev.stopPropagation(); select(node.name, false); });
      elements.set(node.name, { g: ge, x: at.x, y: at.y, w: n.width, h: n.height });
    });
    full = { w: fold.width, h: fold.height };
  }

  function setView(v) {
    view = v;
    svg.setAttribute('viewBox', [v.x, v.y, v.w, v.h].map(function (x) { return x.toFixed(1); }).join(' '));
  }
  function aspect() {
    var r = svg.getBoundingClientRect();
    return { w: r.width || 800, h: r.height || 600 };
  }
  // Shows the box (user units) whole and centred, at most at 1:1 so one node is not blown up.
  function fitBox(x, y, w, h) {
    var a = aspect();
    var s = Math.max(w / a.w, h / a.h, 1);
    setView({ x: x + w / 2 - (a.w * s) / 2, y: y + h / 2 - (a.h * s) / 2, w: a.w * s, h: a.h * s });
  }
  function fit() {
    fitBox(0, 0, full.w, full.h);
    fitted = true;
  }
  function center(x, y) { fitted = false; setView({ x: x - view.w / 2, y: y - view.h / 2, w: view.w, h: view.h }); }
  function zoom(factor, cx, cy) {
    fitted = false;
    var nx = cx - (cx - view.x) * factor, ny = cy - (cy - view.y) * factor;
    setView({ x: nx, y: ny, w: view.w * factor, h: view.h * factor });
  }
  // Brings a segment's nodes into view where some are outside it (the view is left alone otherwise).
  function revealSegment(id) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    data.segments[id].nodes.forEach(function (name) {
      var e = elements.get(name);
      if (!e) return;
      x0 = Math.min(x0, e.x - e.w / 2); x1 = Math.max(x1, e.x + e.w / 2);
      y0 = Math.min(y0, e.y - e.h / 2); y1 = Math.max(y1, e.y + e.h / 2);
    });
    if (!(x1 > x0)) return;
    if (x0 >= view.x && y0 >= view.y && x1 <= view.x + view.w && y1 <= view.y + view.h) return;
    fitted = false;
    fitBox(x0 - 20, y0 - 20, x1 - x0 + 40, y1 - y0 + 40);
  }

  function highlight(segment) {
    current = segment;
    svg.classList.toggle('focus', segment !== null);
    elements.forEach(function (e, name) { e.g.classList.toggle('lit', segment !== null && nodeByName.get(name).segment === segment); });
    document.querySelectorAll('[data-legend-segment]').forEach(function (item) {
      item.classList.toggle('current', Number(item.getAttribute('data-legend-segment')) === segment);
    });
  }
  function openSegment(id) {
    highlight(id);
    showSegment(id);
    revealSegment(id);
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
      fitted = false;
      var r = svg.getBoundingClientRect();
      setView({ x: drag.v.x - (ev.clientX - drag.x) / r.width * drag.v.w, y: drag.v.y - (ev.clientY - drag.y) / r.height * drag.v.h, w: drag.v.w, h: drag.v.h });
    });
    window.addEventListener('resize', function () { if (fitted) fit(); });
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
    document.querySelectorAll('[data-legend-segment]').forEach(function (item) {
      item.addEventListener('click', function () {
        var s = Number(item.getAttribute('data-legend-segment'));
        if (current === s) highlight(null);
        else openSegment(s);
      });
    });
    details.addEventListener('click', function (ev) {
      var t = ev.target;
      if (t.hasAttribute('data-seg')) openSegment(Number(t.getAttribute('data-seg')));
      else if (t.hasAttribute('data-node-link')) select(t.getAttribute('data-node-link'), true);
    });
  }

  function start() {
    try {
      var t0 = performance.now();
      var l = layout();
      draw(l);
      fit();
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
`;

export const HTML_APP = ['(function () {', PRELUDE, HTML_LAYOUT, HTML_FOLD, HTML_PANELS, MAIN, '})();', ''].join('\n');
