/**
 * onnxruntime-node's conventions through the built package as a user's project loads it
 * (issue 17, point 4: "in ESM and CommonJS"): a project whose node_modules/hybridrt is this
 * package imports it (ESM) or requires it (CommonJS, Node's require of an ES module), and in
 * both `out.b instanceof Tensor` holds for an output an engine made and for one onnxruntime
 * made, run(feeds, fetches) gives the named outputs only, release() disposes; CommonJS's
 * Tensor is the very class ESM's import gives. Values are checked against onnxruntime-node run
 * alone in the same script. Needs dist/ (`npm run build:ts`; `npm ci` builds it in CI).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, describeIf } from '../helpers/skip.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const built = fs.existsSync(path.join(ROOT, 'dist', 'src', 'index.js'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-formats-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** x -> Relu -> a (an engine, minBlockSize 1); x -> Sigmoid -> b (onnxruntime: fallbackOps). */
const MODEL = encodeModel(
  buildModel({
    inputs: [{ name: 'x', shape: [2, 8] }],
    outputs: [{ name: 'a' }, { name: 'b' }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['a'] },
      { op: 'Sigmoid', inputs: ['x'], outputs: ['b'] },
    ],
  }),
);

/**
 * The body both scripts run, given `compile`, `Tensor` and onnxruntime-node's module `ort`;
 * prints one JSON line.
 */
const BODY = `
  const data = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i * 0.7) * 3);
  const m = await compile('model.onnx', { backend: 'cpu', minBlockSize: 1, fallbackOps: ['Sigmoid'], threads: 1 });
  const out = await m.run({ x: new Tensor('float32', data, [2, 8]) });
  const only = await m.run({ x: new Tensor('float32', data, [2, 8]) }, ['b']);
  const session = await ort.InferenceSession.create('model.onnx');
  const ref = await session.run({ x: new ort.Tensor('float32', data, [2, 8]) });
  const diff = (t, r) => Math.max(...Array.from(t.data, (v, i) => Math.abs(v - r.data[i])));
  const kinds = m.report.data.segments.map((s) => s.kind).sort();
  await m.release();
  console.log(JSON.stringify({
    instance: { a: out.a instanceof Tensor, b: out.b instanceof Tensor },
    fetched: Object.keys(only),
    diff: { a: diff(out.a, ref.a), b: diff(out.b, ref.b), fetchedB: diff(only.b, ref.b) },
    kinds,
    released: m.disposed,
  }));
`;

const SCRIPTS = {
  'esm.mjs': `import { compile, Tensor } from 'hybridrt';\nimport ort from 'onnxruntime-node';\n${BODY}`,
  'cjs.cjs':
    `const { compile, Tensor } = require('hybridrt');\nconst ort = require('onnxruntime-node');\n(async () => {\n${BODY}\n` +
    `  const esm = await import('hybridrt');\n  console.log(JSON.stringify({ sameClass: esm.Tensor === Tensor }));\n})();\n`,
};

async function runScript(file: string): Promise<Array<Record<string, unknown>>> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: dir });
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describeIf(built && HAS_NATIVE, 'the built package in ESM and CommonJS', 'dist/ or the native addon not built', () => {
  it('outputs are instances of the exported Tensor, run(feeds, fetches) and release() behave alike in both', async () => {
    // A user's project: its node_modules/hybridrt is this package (its own dependencies resolve
    // from here, as Node follows the link), onnxruntime-node beside it.
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'hybridrt'), 'dir');
    fs.symlinkSync(path.join(ROOT, 'node_modules', 'onnxruntime-node'), path.join(dir, 'node_modules', 'onnxruntime-node'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "formats", "private": true }\n');
    fs.writeFileSync(path.join(dir, 'model.onnx'), MODEL);
    for (const [file, text] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(dir, file), text);

    for (const file of Object.keys(SCRIPTS)) {
      const [result, ...rest] = await runScript(file);
      expect(result, file).toMatchObject({
        instance: { a: true, b: true },
        fetched: ['b'],
        kinds: ['engine', 'fallback'],
        released: true,
      });
      const diff = result!.diff as Record<string, number>;
      // Relu is exact; Sigmoid ran on onnxruntime itself.
      expect(diff, file).toEqual({ a: 0, b: 0, fetchedB: 0 });
      if (file.endsWith('.cjs')) expect(rest).toEqual([{ sameClass: true }]);
    }
  }, 60_000);
});
