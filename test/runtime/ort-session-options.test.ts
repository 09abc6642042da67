/**
 * compile()'s and load()'s `ortSessionOptions` (issue 17, point 4): onnxruntime-node's session
 * options reach InferenceSession.create for every fallback segment (observed on the call
 * itself), `threads` is the sessions' default and ortSessionOptions.intraOpNumThreads their own,
 * outputs stay onnxruntime's, and bad options are OPTION errors before any work.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { load } from '../../src/artifact/load.js';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, sine } from './helpers.js';
import { optionRejection as optionError } from '../helpers/errors.js';

/** x -> Relu -> Sigmoid -> Tanh -> Exp -> y: with Sigmoid and Exp forced off engines, two fallback segments around an engine. */
const model = encodeModel(
  buildModel({
    inputs: [{ name: 'x', shape: [2, 8] }],
    outputs: [{ name: 'y' }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'] },
      { op: 'Sigmoid', inputs: ['r'], outputs: ['s'] },
      { op: 'Tanh', inputs: ['s'], outputs: ['t'] },
      { op: 'Exp', inputs: ['t'], outputs: ['y'] },
    ],
  }),
);
const FORCED = { backend: 'cpu' as const, minBlockSize: 1, fallbackOps: ['Sigmoid', 'Exp'] };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-ort-options-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The options of every InferenceSession.create call made while `f` runs. */
async function sessionOptionsOf<T>(f: () => Promise<T>): Promise<{ result: T; options: ort.InferenceSession.SessionOptions[] }> {
  const create = vi.spyOn(ort.InferenceSession, 'create');
  const result = await f();
  const options = create.mock.calls.map((c) => (c[1] ?? {}) as ort.InferenceSession.SessionOptions);
  create.mockRestore();
  return { result, options };
}

const GIVEN = { graphOptimizationLevel: 'disabled', executionProviders: ['cpu'], executionMode: 'sequential', enableMemPattern: false } as const;

describeIf(HAS_NATIVE, 'ortSessionOptions on fallback segments', NATIVE_MISSING, () => {
  it("reaches every fallback segment's session, and the outputs stay onnxruntime's", async () => {
    const { result: m, options } = await sessionOptionsOf(() => compile(model, { ...FORCED, ortSessionOptions: { ...GIVEN } }));
    try {
      const fallbacks = m.report.data.summary.fallbackSegments;
      expect(fallbacks).toBe(2);
      const passed = options.filter((o) => o.graphOptimizationLevel === 'disabled');
      expect(passed).toHaveLength(fallbacks);
      for (const o of passed) expect(o).toMatchObject({ ...GIVEN, executionProviders: ['cpu'], logSeverityLevel: 4 });
      const feeds = { x: sine([2, 8]) };
      const want = await ortRun(model, feeds);
      expect(relativeError((await m.run(feeds)).y!, want.y!)).toBeLessThan(1e-6);
    } finally {
      await m.dispose();
    }
    // Without it, no session is given a level: onnxruntime's default stays.
    const plain = await sessionOptionsOf(() => compile(model, FORCED));
    await plain.result.dispose();
    expect(plain.options.length).toBeGreaterThanOrEqual(2);
    expect(plain.options.filter((o) => o.graphOptimizationLevel !== undefined || o.executionProviders !== undefined)).toEqual([]);
  });

  it("takes threads as the sessions' default and ortSessionOptions.intraOpNumThreads as their own", async () => {
    const a = await sessionOptionsOf(() => compile(model, { ...FORCED, threads: 1 }));
    await a.result.dispose();
    expect(a.options.map((o) => o.intraOpNumThreads)).toEqual(a.options.map(() => 1));
    const b = await sessionOptionsOf(() =>
      compile(model, { ...FORCED, threads: 1, ortSessionOptions: { intraOpNumThreads: 2, interOpNumThreads: 1 } }),
    );
    await b.result.dispose();
    const sessions = b.options.filter((o) => o.interOpNumThreads === 1);
    expect(sessions).toHaveLength(2);
    expect(sessions.map((o) => o.intraOpNumThreads)).toEqual([2, 2]);
  });

  it('load() passes them to the sessions of a saved model, which does not keep them', async () => {
    const m = await compile(model, { ...FORCED, ortSessionOptions: { graphOptimizationLevel: 'basic' } });
    const file = path.join(dir, 'm.hybrid');
    await m.save(file);
    await m.dispose();
    const loaded = await sessionOptionsOf(() => load(file, { ortSessionOptions: { graphOptimizationLevel: 'extended' } }));
    await loaded.result.dispose();
    expect(loaded.options.map((o) => o.graphOptimizationLevel)).toEqual(['extended', 'extended']);
    const plain = await sessionOptionsOf(() => load(file));
    await plain.result.dispose();
    expect(plain.options.map((o) => o.graphOptimizationLevel)).toEqual([undefined, undefined]);
  });

  it("analyze()'s checkFallbacks opens its sessions with them, as compile() does", async () => {
    const { options } = await sessionOptionsOf(() =>
      analyze(model, {
        minBlockSize: 1,
        fallbackOps: ['Sigmoid', 'Exp'],
        checkFallbacks: true,
        ortSessionOptions: { graphOptimizationLevel: 'all' },
      }),
    );
    expect(options.filter((o) => o.graphOptimizationLevel === 'all')).toHaveLength(2);
  });
});

describe('ortSessionOptions refused', () => {
  it('names the nearest option, the providers onnxruntime-node offers, and why an option is not passed through', async () => {
    expect(await optionError(compile(model, { ortSessionOptions: { graphOptimisationLevel: 'all' } as never }))).toBe(
      "ortSessionOptions: unknown option 'graphOptimisationLevel'; did you mean 'graphOptimizationLevel'?",
    );
    const offered = ort.listSupportedBackends().map((b) => b.name);
    expect(offered).not.toContain('nnapi');
    expect(await optionError(compile(model, { ortSessionOptions: { executionProviders: ['nnapi'] } }))).toBe(
      `ortSessionOptions: execution provider 'nnapi' is not one onnxruntime-node ${ort.env.versions.node} offers here (it offers: ${offered.join(', ')})`,
    );
    expect(await optionError(compile(model, { ortSessionOptions: { executionProviders: [{ name: 'nnapi' }] } }))).toMatch(/'nnapi' is not one/);
    expect(await optionError(compile(model, { ortSessionOptions: { executionProviders: [] } }))).toMatch(
      /^ortSessionOptions: executionProviders must be a non-empty array/,
    );
    expect(await optionError(compile(model, { ortSessionOptions: { graphOptimizationLevel: 'max' as never } }))).toBe(
      "ortSessionOptions: graphOptimizationLevel must be one of 'disabled', 'basic', 'extended', 'layout', 'all', got 'max'",
    );
    expect(await optionError(compile(model, { ortSessionOptions: { intraOpNumThreads: 0 } }))).toBe(
      'ortSessionOptions: intraOpNumThreads must be an integer from 1 to 256, got 0',
    );
    expect(await optionError(compile(model, { ortSessionOptions: { optimizedModelFilePath: 'o.onnx' } as never }))).toBe(
      "ortSessionOptions: 'optimizedModelFilePath' is not passed through: every fallback segment would write its optimized sub-model over the same file",
    );
    expect(await optionError(compile(model, { ortSessionOptions: 'cuda' as never }))).toBe(
      'ortSessionOptions: must be an object of onnxruntime session options',
    );
    expect(await optionError(load(path.join(dir, 'none.hybrid'), { ortSessionOptions: { executionMode: 'fast' as never } }))).toBe(
      "ortSessionOptions: executionMode must be one of 'sequential', 'parallel', got 'fast'",
    );
  });

  it("points onnxruntime's own options given to compile() at ortSessionOptions", async () => {
    expect(await optionError(compile(model, { executionProviders: ['cuda'] } as never))).toMatch(
      /^compile options: unknown option 'executionProviders'; onnxruntime's session options go in ortSessionOptions \(e\.g\. \{ ortSessionOptions: \{ executionProviders: \['cuda'\] \} \}\)/,
    );
    expect(await optionError(compile(model, { graphOptimizationLevel: 'all' } as never))).toMatch(/go in ortSessionOptions/);
  });
});
