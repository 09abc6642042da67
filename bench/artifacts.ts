/**
 * What a saved model and the engine cache are worth: a cold compile, a
 * compile that hits the engine cache, and load() of the saved file plus its first run, each
 * timed in a fresh process (median of --repeat), and the .hybrid file's bytes against the
 * ONNX file's.
 *
 *   npx tsx bench/artifacts.ts [--model .zoo/models/resnet50.onnx] [--shape input=1x3x224x224] [--repeat 5]
 *                              [--backend cpu|cuda] [--precision fp16] [--dtype float32|int64]
 *
 * Each step writes its outputs' bytes; the last line says whether load() in a fresh process
 * computed bit for bit what the compile that saved the file did, and a cache hit what the
 * compile that filled the cache did (on cuda, two compiles may time their way to other tactics).
 * --dtype int64 feeds token ids (BERT's input_ids) instead of floats.
 * Results and the machine they came from: docs/benchmarks.md ("Saved models").
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './cli-args.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const zoo = path.join(root, '.zoo', 'models', 'resnet50.onnx');
const model = path.resolve(arg('model', fs.existsSync(zoo) ? zoo : path.join(root, 'examples', 'resnet_mini.onnx')));
const shapeArg = arg('shape', fs.existsSync(zoo) && model === zoo ? 'input=1x3x128x128' : 'input=1x3x64x64');
const [inputName, dimsText] = shapeArg.split('=') as [string, string];
const dims = dimsText.split('x').map(Number);
const repeat = Number(arg('repeat', '5'));
const dtype = arg('dtype', 'float32');
const count = dims.reduce((a, b) => a * b, 1);
const inputSource =
  dtype === 'int64'
    ? `BigInt64Array.from({ length: ${count} }, (_, i) => BigInt((i * 7919) % 30000) + 1n)`
    : `new Float32Array(${count}).map((_, i) => Math.sin(0.37 * i))`;
const backend = arg('backend', 'cpu');
const precisions = arg('precision', '') ? `, precisions: [${JSON.stringify(arg('precision', ''))}]` : '';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-bench-artifacts-'));
const saved = path.join(work, 'model.hybrid');
const cacheDir = path.join(work, 'cache');

interface StepResult {
  /** compile() or load() plus the first run. */
  ms: number;
  /** The process's start and imports, before the step began. */
  startMs: number;
  /** The model's compileMs: a compile's phases, a hit's own load and total (a load's are the saving compile's). */
  phases: Record<string, number>;
}

/** One step in a fresh process; it prints what it took. */
function step(kind: 'compile' | 'cached' | 'load', tag: string = kind): StepResult {
  const src = `
    const { compile, load } = await import(${JSON.stringify(path.join(root, 'src', 'index.ts'))});
    const { writeFileSync } = await import('node:fs');
    const startMs = performance.now(); // since the process started: its start and these imports
    const input = ${inputSource};
    const feeds = { ${JSON.stringify(inputName)}: { dtype: ${JSON.stringify(dtype)}, dims: ${JSON.stringify(dims)}, data: input } };
    const t0 = performance.now();
    const m = ${
      kind === 'load'
        ? `await load(${JSON.stringify(saved)})`
        : `await compile(${JSON.stringify(model)}, { backend: ${JSON.stringify(backend)}${precisions}, inputs: { ${JSON.stringify(inputName)}: ${JSON.stringify(dims)} }${kind === 'cached' ? `, cacheDir: ${JSON.stringify(cacheDir)}` : ''} })`
    };
    const outputs = await m.run(feeds);
    const ms = performance.now() - t0;
    writeFileSync(${JSON.stringify(path.join(work, `${tag}.out`))}, Buffer.concat(
      Object.keys(outputs).sort().map((k) => { const d = outputs[k].data; return Buffer.from(d.buffer, d.byteOffset, d.byteLength); })));
    ${kind === 'compile' ? `await m.save(${JSON.stringify(saved)});` : ''}
    await m.dispose();
    console.log(JSON.stringify({ ms, startMs: startMs + 0, phases: m.report.compileMs }));`;
  const file = path.join(work, `${kind}.mts`);
  fs.writeFileSync(file, src);
  const out = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as StepResult;
}

/** The run of median time among `repeat` fresh processes. */
const runs = (kind: 'compile' | 'cached' | 'load') => {
  const all = Array.from({ length: repeat }, () => step(kind)).sort((a, b) => a.ms - b.ms);
  return all[Math.floor(all.length / 2)]!;
};
const phases = (r: StepResult) =>
  Object.entries(r.phases)
    .filter(([, v]) => v >= 1)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');

console.log(
  `model ${path.relative(root, model)} ${shapeArg}, ${backend} backend${precisions ? ` ${arg('precision', '')}` : ''}, ${os.cpus().length} cores, median of ${repeat} fresh processes`,
);
const cold = runs('compile');
step('cached', 'fill'); // fills the cache
const cached = runs('cached');
const loaded = runs('load');
const onnxBytes = fs.statSync(model).size;
const hybridBytes = fs.statSync(saved).size;
console.log(`cold compile + first run     ${cold.ms.toFixed(0)} ms  (phases, ms: ${phases(cold)})`);
console.log(`cache-hit compile + first run ${cached.ms.toFixed(0)} ms  (${((100 * cached.ms) / cold.ms).toFixed(1)}% of cold; ${phases(cached)})`);
console.log(`load() + first run           ${loaded.ms.toFixed(0)} ms  (${((100 * loaded.ms) / cold.ms).toFixed(1)}% of cold)`);
console.log(
  `process start and imports before each: ${cold.startMs.toFixed(0)} / ${cached.startMs.toFixed(0)} / ${loaded.startMs.toFixed(0)} ms (not counted above)`,
);
console.log(`bytes: .onnx ${onnxBytes}, .hybrid ${hybridBytes} (${(hybridBytes / onnxBytes).toFixed(2)}x)`);
const bytesOf = (tag: string) => fs.readFileSync(path.join(work, `${tag}.out`));
const same = (tag: string, as: string) => (bytesOf(tag).equals(bytesOf(as)) ? 'bit-identical' : 'DIFFERENT');
// Each compile on cuda times its tactics afresh, so two compiles may choose differently: a hit
// is held to the compile that stored the entry, a load to the compile that saved the file.
console.log(
  `load() against the compile that saved the file: ${same('load', 'compile')}; cache hit against the compile that filled the cache: ${same('cached', 'fill')}`,
);
fs.rmSync(work, { recursive: true, force: true });
