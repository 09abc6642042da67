/**
 * Folding a tall layout into columns, a fragment of the HTML report's in-page script
 * (html-app.ts joins the fragments into one function scope).
 *
 * Why: the first view fits the whole graph, and a model's layout is a tall, narrow strip (a
 * backbone of hundreds of ranks, a few nodes wide). Fitted as it is into a wide window, a
 * 1,500-node strip is a line one pixel wide. Cutting it into k columns side by side, read left
 * to right like newspaper columns, divides the height by k and multiplies the width by k: the
 * fitted scale improves by about the square root of the strip's aspect ratio over the
 * window's, so segments show as blocks of colour and a few clicks of zoom reach the labels.
 *
 * `planFold(g, a)` picks k: the fewest columns that show the graph at 1:1 where some k does,
 * else the k with the largest fitted scale. Cuts fall midway between two ranks, never
 * through a row of nodes. Each column is as wide as what it holds (nodes, and edges where they
 * pass), not as the whole layout: a skip connection drawn far to the side in one stretch of
 * the graph widens only the columns it passes through. `place` maps a layout point to the
 * folded drawing; `foldPath` maps an edge's polyline, breaking it where it leaves one column's
 * bottom and going on from the next column's top.
 *
 * Uses nothing from the prelude.
 * NOTE: no backticks or dollar-brace sequences below: this is a String.raw template.
 */
export const HTML_FOLD = String.raw`
  var FOLD_GAP = 60, FOLD_MARGIN = 20, MAX_COLUMNS = 64;

  function bandOf(bounds, y) {
    var lo = 0, hi = bounds.length - 2;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (y >= bounds[mid]) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  // Cuts for k columns: the gaps between ranks nearest to even heights, strictly increasing.
  function cutsFor(ys, h, k) {
    var bounds = [0];
    for (var i = 1; i < k; i++) {
      var target = (i * h) / k, cut = null;
      for (var j = 0; j + 1 < ys.length; j++) {
        var mid = (ys[j] + ys[j + 1]) / 2;
        if (mid <= bounds[bounds.length - 1]) continue;
        if (cut === null || Math.abs(mid - target) < Math.abs(cut - target)) cut = mid;
      }
      if (cut === null) break;
      bounds.push(cut);
    }
    bounds.push(h);
    return bounds;
  }
  // The columns for these cuts: each one's x extent (what it holds, with a margin) and offset.
  function columnsFor(g, items, bounds) {
    var cols = [];
    for (var c = 0; c + 1 < bounds.length; c++) cols.push({ top: bounds[c], bottom: bounds[c + 1], x0: Infinity, x1: -Infinity });
    function extend(c, x0, x1) { cols[c].x0 = Math.min(cols[c].x0, x0); cols[c].x1 = Math.max(cols[c].x1, x1); }
    items.forEach(function (it) { extend(bandOf(bounds, it.y), it.x0, it.x1); });
    // An edge passing a cut is drawn down to the bottom of one column and on from the next one's top.
    g.edges().forEach(function (e) {
      var pts = g.edge(e).points || [];
      for (var i = 1; i < pts.length; i++) {
        var q = pts[i - 1], p = pts[i], cq = bandOf(bounds, q.y), cp = bandOf(bounds, p.y), step = cp > cq ? 1 : -1;
        for (var c = cq; c !== cp; c += step) {
          var by = step > 0 ? cols[c].bottom : cols[c].top;
          var bx = q.x + ((by - q.y) / (p.y - q.y)) * (p.x - q.x);
          extend(c, bx, bx);
          extend(c + step, bx, bx);
        }
      }
    });
    var offset = 0, height = 0;
    cols.forEach(function (col, c) {
      if (!(col.x1 >= col.x0)) { col.x0 = 0; col.x1 = 0; }
      col.x0 -= FOLD_MARGIN;
      col.x1 += FOLD_MARGIN;
      col.offset = offset;
      offset += col.x1 - col.x0 + FOLD_GAP;
      height = Math.max(height, col.bottom - col.top + (c ? FOLD_MARGIN : 0));
    });
    return { cols: cols, width: offset - FOLD_GAP, height: height };
  }
  function planFold(g, a) {
    var h = g.graph().height || 1;
    var items = [];
    g.nodes().forEach(function (v) { var n = g.node(v); items.push({ y: n.y, x0: n.x - n.width / 2, x1: n.x + n.width / 2 }); });
    g.edges().forEach(function (e) { (g.edge(e).points || []).forEach(function (p) { items.push({ y: p.y, x0: p.x, x1: p.x }); }); });
    var ys = Array.from(new Set(g.nodes().map(function (v) { return g.node(v).y; }))).sort(function (p, q) { return p - q; });
    var best = null, bestScale = Infinity;
    for (var k = 1; k <= Math.min(MAX_COLUMNS, Math.max(ys.length, 1)) && bestScale > 1; k++) {
      var fold = columnsFor(g, items, cutsFor(ys, h, k));
      if (fold.cols.length < k) break;
      var s = Math.max(fold.width / a.w, fold.height / a.h);
      if (s < bestScale) { best = fold; bestScale = s; }
    }
    return best || columnsFor(g, items, [0, h]);
  }
  function placeIn(fold, c, x, y) {
    var col = fold.cols[c];
    return { x: x - col.x0 + col.offset, y: y - col.top + (c ? FOLD_MARGIN : 0) };
  }
  function colOf(fold, y) {
    for (var c = fold.cols.length - 1; c > 0; c--) if (y >= fold.cols[c].top) return c;
    return 0;
  }
  function place(fold, x, y) { return placeIn(fold, colOf(fold, y), x, y); }
  // An edge's polyline as pieces of the folded drawing (one piece where it stays in a column).
  function foldPath(fold, pts) {
    var out = [], cur = [];
    pts.forEach(function (p, i) {
      if (i > 0) {
        var q = pts[i - 1], cq = colOf(fold, q.y), cp = colOf(fold, p.y), step = cp > cq ? 1 : -1;
        for (var c = cq; c !== cp; c += step) {
          var by = step > 0 ? fold.cols[c].bottom : fold.cols[c].top;
          var bx = q.x + ((by - q.y) / (p.y - q.y)) * (p.x - q.x);
          cur.push(placeIn(fold, c, bx, by));
          out.push(cur);
          cur = [placeIn(fold, c + step, bx, by)];
        }
      }
      cur.push(place(fold, p.x, p.y));
    });
    out.push(cur);
    return out;
  }
`;
