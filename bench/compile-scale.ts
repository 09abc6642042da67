/**
 * Compile time against graph size: chains and ladders of 1k to 64k nodes through analyze()
 * (lowering, shape inference, partitioning, the report) and compile() (engines on the cpu
 * backend), to show that every step is near-linear in nodes. Prints one row per size with the
 * time per node; a pass that grows faster than the graph shows as a rising ms/node column.
 *
 *   npx tsx bench/compile-scale.ts [--sizes 1000,2000,...] [--shape chain|ladder|identity] [--build]
 *
 * Results and the machine they came from: docs/benchmarks.md ("Compile time against graph size").
 */
import { analyze } from '../src/compiler/analyze.js';
import { compile } from '../src/compiler/compile.js';
import { buildModel, type NodeSpec } from '../src/ir/model-builder.js';
import { encodeModel } from '../src/onnx/model.js';
import { arg } from './cli-args.js';

/** n nodes: `chain` alternates Relu/Neg/Add, `ladder` reads two earlier values per node, `identity` is Identity only. */
function model(n: number, shape: string): Uint8Array {
  const nodes: NodeSpec[] = [];
  let prev = 'x';
  for (let i = 0; i < n; i++) {
    const out = i === n - 1 ? 'y' : `v${i}`;
    if (shape === 'identity') nodes.push({ op: 'Identity', inputs: [prev], outputs: [out] });
    else if (shape === 'ladder' && i >= 2) nodes.push({ op: 'Add', inputs: [prev, i % 7 === 0 ? 'x' : `v${i - 2}`], outputs: [out] });
    else nodes.push({ op: i % 3 === 0 ? 'Relu' : i % 3 === 1 ? 'Neg' : 'Sigmoid', inputs: [prev], outputs: [out] });
    prev = out;
  }
  return encodeModel(buildModel({ inputs: [{ name: 'x', shape: [1, 8] }], outputs: [{ name: 'y' }], nodes }));
}

const sizes = arg('sizes', '1000,2000,4000,8000,16000,32000,64000').split(',').map(Number);
const shape = arg('shape', 'chain');
const build = process.argv.includes('--build');
console.log(`shape ${shape}${build ? ', compile() with engines on cpu' : ', analyze()'}`);
console.log('nodes      ms   ms/node');
for (const n of sizes) {
  const bytes = model(n, shape);
  const t0 = performance.now();
  if (build) {
    const m = await compile(bytes, { backend: 'cpu', threads: 1 });
    await m.dispose();
  } else {
    await analyze(bytes, { probe: false });
  }
  const ms = performance.now() - t0;
  console.log(`${String(n).padStart(6)} ${ms.toFixed(0).padStart(7)} ${(ms / n).toFixed(4).padStart(9)}`);
}
