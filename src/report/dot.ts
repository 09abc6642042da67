/**
 * The Graphviz DOT partition report: one cluster per segment, nodes filled with their
 * segment's colour (unsupported nodes outlined in red), graph inputs and outputs as ellipses,
 * and boundary edges drawn bold with the tensor's name and bytes (red where the transfer is a
 * host<->device copy). Initializers (weights) are not drawn. Render with `dot -Tsvg`.
 */
import { segmentColors } from './colors.js';
import { formatBytes, formatTensorType, opLabel, plural } from './format.js';
import { type ReportData, fixedInputsLine, profileLines } from './model.js';

/** A DOT quoted ID: backslashes and quotes escaped, newlines as \n. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function renderDot(d: ReportData): string {
  const lines: string[] = [];
  const id = (kind: 'n' | 'in' | 'out', name: string) => dotString(`${kind}:${name}`);
  const label = (...parts: string[]) => dotString(parts.join('\n'));
  const s = d.summary;
  lines.push(`digraph ${dotString(d.model.graphName)} {`);
  lines.push(
    `  graph [rankdir=TB, fontname="Helvetica", labelloc=t, label=${label(
      `${d.model.file}: ${s.engineNodes}/${s.nodes} nodes on ${s.engineSegments} engine segment(s), ${s.fallbackSegments} fallback segment(s)`,
      ...(d.model.profiles ? profileLines(d.model.profiles).map((l) => `shape range: ${l}`) : []),
      ...(d.model.fixedInputs ? [`fixed inputs: ${fixedInputsLine(d.model.fixedInputs)}`] : []),
    )}];`,
  );
  lines.push('  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];');
  lines.push('  edge [fontname="Helvetica", fontsize=9, color="#757575"];');

  const producer = new Map<string, string>();
  for (const n of d.nodes) for (const o of n.outputs) producer.set(o, n.name);
  const segOf = new Map(d.nodes.map((n) => [n.name, n.segment]));
  const graphInputs = new Set(d.model.inputs.map((i) => i.name));

  for (const i of d.model.inputs)
    lines.push(`  ${id('in', i.name)} [shape=ellipse, fillcolor="#ffffff", label=${label(i.name, formatTensorType(i))}];`);
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const colors = segmentColors(d.segments, d.transfers);
  for (const seg of d.segments) {
    const color = colors[seg.id]!;
    lines.push(`  subgraph ${dotString(`cluster_${seg.id}`)} {`);
    lines.push(
      `    label=${label(`#${seg.id} ${seg.kind} (${plural(seg.nodes.length, 'op')})`)}; style="rounded,dashed"; color=${dotString(color)};`,
    );
    for (const name of seg.nodes) {
      const n = byName.get(name)!;
      const extra = n.supported ? '' : ', color="#c62828", penwidth=2';
      lines.push(`    ${id('n', name)} [label=${label(name, opLabel(n.opType, n.domain))}, fillcolor=${dotString(color)}${extra}];`);
    }
    lines.push('  }');
  }
  for (const o of d.model.outputs)
    lines.push(`  ${id('out', o.name)} [shape=ellipse, fillcolor="#ffffff", label=${label(o.name, formatTensorType(o))}];`);

  const transfers = new Map(d.transfers.map((t) => [`${t.name}->${t.to}`, t]));
  const seen = new Set<string>();
  for (const n of d.nodes) {
    for (const v of n.inputs) {
      const from = producer.get(v);
      const src = from !== undefined ? id('n', from) : graphInputs.has(v) ? id('in', v) : undefined;
      if (!src) continue; // an initializer
      const key = `${src}->${n.name}:${v}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const t = from !== undefined && segOf.get(from) !== n.segment ? transfers.get(`${v}->${n.segment}`) : undefined;
      const attrs = t
        ? ` [label=${label(v, formatBytes(t.bytes))}, style=bold, penwidth=2, color=${t.copy === 'none' ? '"#1565c0"' : '"#c62828"'}]`
        : '';
      lines.push(`  ${src} -> ${id('n', n.name)}${attrs};`);
    }
  }
  for (const o of d.model.outputs) {
    const from = producer.get(o.name);
    const src = from !== undefined ? id('n', from) : graphInputs.has(o.name) ? id('in', o.name) : undefined;
    if (src) lines.push(`  ${src} -> ${id('out', o.name)};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
