/**
 * The HTML report's side panels, a fragment of the in-page script (html-app.ts joins the
 * fragments into one function scope):
 *   - `select(name)`: a node's panel (op, segment, why it is not on an engine, its inputs and
 *     outputs with types and where they come from);
 *   - `showSegment(id)`: a segment's panel, what the text report says of it: its ops, why it
 *     was cut, its boundary tensors with types, bytes and the segments they come from or go
 *     to, and its nodes. The lines come from src/report/segment-view.ts (the payload's
 *     `views`), which the text report prints too.
 * Segment numbers and node names in a panel are links (delegated clicks, see `wire`).
 *
 * Uses from the prelude: data, views, colors, details, nodeByName, producer, elements, html,
 * typeText, op, and from html-app.ts: center.
 * NOTE: no backticks or dollar-brace sequences below: this is a String.raw template.
 */
export const HTML_PANELS = String.raw`
  var MAX_PANEL_NODES = 300;
  var selected = null;

  function segLink(id) {
    var a = html('a', '#' + id, 'seg');
    a.setAttribute('data-seg', String(id));
    return a;
  }
  // Text with every '#N' made a link to segment N.
  function withLinks(text) {
    // "#12" as a word of its own (start, space, comma or bracket before it): a segment; a '#' inside
    // a tensor name ('x#12') stays text.
    var span = document.createElement('span'), re = /(^|[\s(,\[])#(\d+)\b/g, last = 0, m;
    while ((m = re.exec(text))) {
      var at = m.index + m[1].length;
      span.appendChild(document.createTextNode(text.slice(last, at)));
      span.appendChild(segLink(Number(m[2])));
      last = at + m[0].length - m[1].length;
    }
    span.appendChild(document.createTextNode(text.slice(last)));
    return span;
  }
  function row(table, cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) {
      var td = document.createElement('td');
      if (typeof c === 'string') td.textContent = c; else td.appendChild(c);
      tr.appendChild(td);
    });
    table.appendChild(tr);
    return tr;
  }
  function heading(seg, text) {
    var h = html('h2', text);
    var sw = html('span', '', 'swatch');
    sw.style.background = colors[seg.id];
    h.prepend(sw);
    return h;
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
    details.setAttribute('data-panel', 'node');
    details.appendChild(html('h2', n.name));
    var p = html('p', op(n) + ' \u2014 segment ');
    var sw = html('span', '', 'swatch');
    sw.style.background = colors[seg.id];
    p.prepend(sw);
    p.appendChild(segLink(seg.id));
    p.appendChild(document.createTextNode(' (' + seg.kind + ')'));
    details.appendChild(p);
    var state = seg.kind === 'engine' ? 'runs on an engine' : n.supported ? 'supported, runs in the fallback' : 'not supported, runs in the fallback';
    details.appendChild(html('p', state, seg.kind === 'engine' ? 'ok' : 'bad'));
    if (n.reason) details.appendChild(html('p', 'Reason: ' + n.reason, 'reason'));
    if (n.forced) details.appendChild(html('p', 'Forced by ' + n.forced));
    var table = document.createElement('table');
    n.inputs.forEach(function (v) {
      var from = producer.has(v) ? '#' + nodeByName.get(producer.get(v)).segment : (data.values[v] && data.values[v].initializer ? 'weight' : 'graph input');
      row(table, ['in', v, typeText(v), withLinks(from)]);
    });
    n.outputs.forEach(function (v) { row(table, ['out', v, typeText(v), '']); });
    details.appendChild(table);
  }

  function boundaryTable(rows, cls) {
    var table = document.createElement('table');
    table.className = cls;
    rows.forEach(function (r) { row(table, [r.name, r.type, r.bytes, withLinks(r.where)]); });
    return table;
  }

  function showSegment(id) {
    var seg = data.segments[id], v = views[id];
    if (!seg || !v) return;
    details.textContent = '';
    details.setAttribute('data-panel', 'segment');
    details.setAttribute('data-segment', String(id));
    details.appendChild(heading(seg, 'Segment #' + id + ' (' + seg.kind + ')'));
    var ops = Object.keys(seg.ops).map(function (k) { return seg.ops[k] > 1 ? k + ' x' + seg.ops[k] : k; });
    details.appendChild(html('p', seg.nodes.length + (seg.nodes.length === 1 ? ' op: ' : ' ops: ') + ops.join(', ')));
    details.appendChild(html('h3', 'Why it was cut'));
    var cut = html('ul', undefined, 'cut');
    v.cut.forEach(function (line) { cut.appendChild(html('li')).appendChild(withLinks(line)); });
    details.appendChild(cut);
    details.appendChild(html('h3', 'Inputs (' + v.inputs.length + ')'));
    details.appendChild(boundaryTable(v.inputs, 'seg-inputs'));
    details.appendChild(html('h3', 'Outputs (' + v.outputs.length + ')'));
    details.appendChild(boundaryTable(v.outputs, 'seg-outputs'));
    details.appendChild(html('h3', 'Nodes (' + seg.nodes.length + ')'));
    var list = html('ul', undefined, 'seg-nodes');
    seg.nodes.slice(0, MAX_PANEL_NODES).forEach(function (name) {
      var li = html('li');
      var a = html('a', name, 'node-link');
      a.setAttribute('data-node-link', name);
      li.appendChild(a);
      li.appendChild(document.createTextNode(' ' + op(nodeByName.get(name))));
      list.appendChild(li);
    });
    if (seg.nodes.length > MAX_PANEL_NODES) list.appendChild(html('li', '\u2026 ' + (seg.nodes.length - MAX_PANEL_NODES) + ' more (see the JSON report)'));
    details.appendChild(list);
  }
`;
