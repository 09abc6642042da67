/**
 * Child process of memory.test.ts (run with --expose-gc): compiles transformer_block with a
 * forced fallback (engine, onnxruntime and engine segments), warms up WARMUP runs, then runs it
 * RUNS times, each on a fresh input, and prints resident memory before and after as one JSON
 * line. Usage: node --expose-gc --import tsx memory-child.ts [RUNS] [WARMUP]
 */
import { compile } from '../../src/compiler/compile.js';
import { sine, transformer } from './helpers.js';

const RUNS = Number(process.argv[2] ?? 10_000);
const WARMUP = Number(process.argv[3] ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function settle(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().rss;
}

const model = await compile(transformer, { inputs: { hidden_states: [1, 16, 64] }, fallbackOps: ['Softmax'], minBlockSize: 1, threads: 1 });
const run = (i: number) => model.run({ hidden_states: sine([1, 16, 64], i * 0.01) });
for (let i = 0; i < WARMUP; i++) await run(i);
const before = settle();
const t0 = performance.now();
for (let i = 0; i < RUNS; i++) await run(i);
const ms = performance.now() - t0;
const after = settle();
const stats = model.stats;
await model.dispose();
console.log(JSON.stringify({ before, after, runs: stats.runs, contexts: stats.contexts, segments: stats.lastRun?.segments.length, ms }));
