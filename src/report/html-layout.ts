/**
 * The HTML report's layout, a fragment of the in-page script (html-app.ts joins the fragments
 * into one function scope): `layout()` gives dagre the graph (graph inputs, nodes, graph
 * outputs; one edge per producer-consumer pair, with the values it carries) and returns the
 * laid-out graph.
 *
 * Large graphs: dagre's default ranking, acyclic pass and ordering recurse along paths and
 * sweep many times, which overflows the browser's stack past ~2,000 nodes and takes seconds
 * well before that. Above LARGE nodes the script gives dagre an iterative longest-path ranker,
 * the greedy acyclicer and one barycentric ordering pass (dagre's `ranker` and `customOrder`
 * hooks); dagre still routes edges and assigns coordinates.
 *
 * Uses from the prelude: data, producer, graphInputs, op, clip.
 * NOTE: no backticks or dollar-brace sequences below: this is a String.raw template.
 */
export const HTML_LAYOUT = String.raw`
  var LARGE = 300;

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
`;
