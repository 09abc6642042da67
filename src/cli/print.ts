/**
 * hybrid-run's printout, as plain lines: the model, the backend, each input with its source,
 * each output with its summary, and the timing. Names are padded into a column so that a
 * model with many outputs stays readable.
 */
import type { Graph } from '../ir/graph.js';
import type { TensorData } from '../onnx/tensor.js';
import type { Feed } from './inputs.js';
import { formatNumber, formatStats, formatTop, summarize } from './summary.js';

export const typeText = (t: TensorData) => `${t.dtype}[${t.dims.join(',')}]`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function modelLine(path: string, graph: Graph): string {
  const facts = [
    `opset ${graph.opset('') ?? '?'}`,
    plural(graph.nodes.length, 'node'),
    plural(graph.inputs.length, 'input'),
    plural(graph.outputs.length, 'output'),
  ];
  return `model    ${path}  (${facts.join(', ')})`;
}

function pad(names: string[]): (s: string) => string {
  const width = Math.max(0, ...names.map((n) => n.length));
  return (s) => s.padEnd(width);
}

export function inputLines(feeds: Feed[]): string[] {
  const p = pad(feeds.map((f) => f.name));
  return ['inputs', ...feeds.map((f) => `  ${p(f.name)}  ${typeText(f.tensor)}  ${f.source}`)];
}

export function outputLines(outputs: ReadonlyMap<string, TensorData>): string[] {
  const names = [...outputs.keys()];
  const p = pad(names);
  const lines = ['outputs'];
  for (const [name, t] of outputs) {
    const s = summarize(t);
    lines.push(`  ${p(name)}  ${typeText(t)}  ${formatStats(s)}`);
    const top = formatTop(s);
    if (top) lines.push(`  ${p('')}  ${top}`);
  }
  return lines;
}

export const ms = (t: number) => `${formatNumber(Number(t.toFixed(t < 10 ? 2 : 1)))} ms`;

export interface Timing {
  load: number;
  /** Opening the backend: an onnxruntime session, or compile() for the hybrid backends. */
  open: number;
  openPhase: string;
  run: number;
}

export function timingLine(t: Timing): string {
  return `time     load ${ms(t.load)}, ${t.openPhase} ${ms(t.open)}, run ${ms(t.run)}`;
}
