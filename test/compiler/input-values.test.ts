// Compile-time input values (compile's inputValues, src/compiler/input-values.ts): a model whose
// body sits in an If on `sr == 16000` (Silero VAD v5's form, test/helpers/rate-gated.ts) runs
// wholly on engines once `sr` is fixed, and agrees with onnxruntime on the original model with
// the same feeds (relative error within FP32_TOL, test/engine/helpers/compare.ts). A run may
// leave `sr` out; feeding another value is an INPUT error naming both values; bad names, dtypes
// and shapes are OPTION errors before any work; the engine cache keys on the value; save()/load()
// keep the value and the check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { load } from '../../src/artifact/load.js';
import { readContainer, writeContainer } from '../../src/artifact/container.js';
import { HybridError } from '../../src/errors.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { reportProblems } from '../../src/report/validate.js';
import { BACKEND, FP32_TOL } from '../engine/helpers/compare.js';
import { RATE_GATED } from '../helpers/rate-gated.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, sine } from '../runtime/helpers.js';

const model = encodeModel(buildModel(RATE_GATED));
const sr = (v: bigint) => new ort.Tensor('int64', BigInt64Array.of(v), []);

async function error(p: Promise<unknown> | (() => unknown)): Promise<HybridError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof HybridError) return e;
    throw e;
  }
  throw new Error('expected a HybridError');
}

it('analyze: without inputValues the If stays on onnxruntime; with sr fixed every node is on an engine and the report lists it', async () => {
  const before = await analyze(model, { minBlockSize: 1, probe: false });
  expect(before.report.summary.fallbackSegments).toBeGreaterThan(0);
  expect(before.report.nodes.find((n) => n.opType === 'If')?.segment).toBeDefined();
  const after = await analyze(model, { minBlockSize: 1, probe: false, inputValues: { sr: 16000 } });
  const s = after.report.summary;
  expect([s.engineNodes, s.fallbackSegments, s.engineSegments]).toEqual([s.nodes, 0, 1]);
  // The taken branch only (MatMul + Add become a Gemm): no If, no Equal, nothing of the other branch.
  expect(after.report.nodes.map((n) => n.opType).sort()).toEqual(['Gemm', 'Sigmoid']);
  expect(after.report.model.fixedInputs).toEqual([{ name: 'sr', dtype: 'int64', shape: [], value: '16000' }]);
  expect(after.report.model.inputs.map((i) => i.name)).toEqual(['x']);
  expect(reportProblems(after.report)).toEqual([]);
});

it('bad inputValues are OPTION errors naming the input and what is wrong', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ rs: 16000 }, /no input 'rs'; did you mean 'sr'\?/],
    [{ w: 1 }, /'w' is an initializer/],
    [{ sr: 1.5 }, /inputValues\.sr: 1\.5 is not an integer of int64/],
    [{ sr: true }, /a boolean for an input of dtype int64/],
    [{ sr: Float32Array.of(16000) }, /a Float32Array, the input is int64\[\] \(give a BigInt64Array\)/],
    [{ sr: { dtype: 'int32', dims: [], data: Int32Array.of(16000) } }, /dtype int32, the input is int64\[\]/],
    [{ sr: { dtype: 'int64', dims: [1], data: BigInt64Array.of(16000n) } }, /shape \[1\] does not fit the input's \[\]/],
    [{ sr: BigInt64Array.of(16000n, 8000n) }, /2 element\(s\), the input is \[\]/],
    [{ x: Float32Array.of(1, 2) }, /2 element\(s\), the input is \[1,8\]/],
    [16000, /inputValues must be an object/],
  ];
  for (const [inputValues, message] of cases) {
    const e = await error(analyze(model, { probe: false, inputValues: inputValues as never }));
    expect(
      [e.code, e.message],
      JSON.stringify(inputValues, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    ).toEqual(['OPTION', expect.stringMatching(message)]);
  }
  const shape = await error(analyze(model, { probe: false, inputs: { sr: [1] }, inputValues: { sr: 16000 } }));
  expect([shape.code, shape.message]).toEqual([
    'OPTION',
    expect.stringContaining("'sr' is given the shape [1], and inputValues a value of shape []"),
  ]);
});

describeIf(HAS_NATIVE, `compile with inputValues (${BACKEND})`, NATIVE_MISSING, () => {
  it('runs wholly on engines, agrees with onnxruntime with sr fed or left out, and refuses another sr', async () => {
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputValues: { sr: 16000n } });
    try {
      const s = m.report.data.summary;
      expect([s.engineNodes, s.nodes, s.fallbackSegments]).toEqual([s.nodes, s.nodes, 0]);
      expect(m.inputs.find((i) => i.name === 'sr')?.value?.data).toEqual(BigInt64Array.of(16000n));
      for (const phase of [0, 1, 2]) {
        const feeds = { x: sine([1, 8], phase), sr: sr(16000n) };
        const want = await ortRun(model, feeds);
        expect(relativeError((await m.run(feeds)).y!, want.y!), `phase ${phase}`).toBeLessThan(FP32_TOL);
        expect(relativeError((await m.run({ x: feeds.x })).y!, want.y!), `phase ${phase}, sr left out`).toBeLessThan(FP32_TOL);
      }
      const e = await error(m.run({ x: sine([1, 8]), sr: sr(8000n) }));
      expect(e.code).toBe('INPUT');
      expect(e.message).toContain("input 'sr' was fixed at compile time to 16000 (inputValues), and this run fed 8000");
    } finally {
      await m.dispose();
    }
  });

  it('the engine cache keys on the value: another value compiles again, the same one loads', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-input-values-'));
    try {
      const logs: string[] = [];
      const onLog = (m: string) => logs.push(m);
      for (const v of [16000, 8000, 16000]) {
        const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputValues: { sr: v }, cacheDir, onLog });
        expect(m.inputs.find((i) => i.name === 'sr')?.value?.data).toEqual(BigInt64Array.of(BigInt(v)));
        await m.dispose();
      }
      expect(logs.filter((l) => l.startsWith('engine cache hit')).length).toBe(1);
      expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.hybrid'))).toHaveLength(2);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('save/load keeps the value and the check; the cache key and recorded options carry it', async () => {
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputValues: { sr: 16000 } });
    const bytes = await m.toBytes({ embedSource: true });
    await m.dispose();
    // A manifest whose value is not a tensor of the input's dtype and shape is refused (PLAN).
    const forged = (edit: (value: { dtype: string; dims: number[]; data: string }) => void) => {
      const sections = readContainer(bytes, 'saved');
      const manifest = JSON.parse(new TextDecoder().decode(sections[0]!.bytes));
      edit(manifest.inputs.find((i: { name: string }) => i.name === 'sr').value);
      return writeContainer([{ kind: sections[0]!.kind, bytes: new TextEncoder().encode(JSON.stringify(manifest)) }, ...sections.slice(1)]);
    };
    for (const edit of [
      (v: { data: string }) => (v.data = Buffer.from(Int32Array.of(16000).buffer).toString('base64')),
      (v: { dtype: string }) => (v.dtype = 'int32'),
      (v: { dims: number[] }) => (v.dims = [1]),
    ]) {
      const e = await error(load(forged(edit as never)));
      expect([e.code, e.message]).toEqual(['PLAN', expect.stringContaining("inputs[1].value is not a tensor of the input's dtype and shape")]);
    }
    const loaded = await load(bytes);
    try {
      expect(loaded.inputs.find((i) => i.name === 'sr')?.value).toEqual({ dtype: 'int64', dims: [], data: BigInt64Array.of(16000n) });
      expect(loaded.report.data.model.fixedInputs?.[0]?.value).toBe('16000');
      const feeds = { x: sine([1, 8], 3), sr: sr(16000n) };
      const want = await ortRun(model, feeds);
      expect(relativeError((await loaded.run(feeds)).y!, want.y!)).toBeLessThan(FP32_TOL);
      expect(relativeError((await loaded.run({ x: feeds.x })).y!, want.y!)).toBeLessThan(FP32_TOL);
      const e = await error(loaded.run({ x: feeds.x, sr: sr(8000n) }));
      expect([e.code, e.message]).toEqual(['INPUT', expect.stringContaining('fixed at compile time to 16000')]);
    } finally {
      await loaded.dispose();
    }
  });
});
