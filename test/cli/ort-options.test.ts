/**
 * --ort-providers and --ort-graph-optimization (issue 17, point 4, on the command line): they
 * reach the onnxruntime sessions of the fallback segments, or the whole model's with --backend
 * ort, observed on InferenceSession.create itself; --compare's reference keeps onnxruntime's
 * defaults; a provider onnxruntime-node does not offer is a usage error naming those it does.
 */
import ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HAS_NATIVE } from '../helpers/skip.js';
import { type CliResult, expectOneLineError, resnet, runMain, runOrt } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

const SHAPE = ['--shape', 'input=1x3x64x64'];

async function sessionOptionsOf(run: () => Promise<CliResult>): Promise<{ r: CliResult; options: ort.InferenceSession.SessionOptions[] }> {
  const create = vi.spyOn(ort.InferenceSession, 'create');
  const r = await run();
  const options = create.mock.calls.map((c) => (c[1] ?? {}) as ort.InferenceSession.SessionOptions);
  create.mockRestore();
  return { r, options };
}

describe('--ort-providers and --ort-graph-optimization', () => {
  it('--backend ort: the whole model runs with them; --compare runs its reference without', async () => {
    const { r, options } = await sessionOptionsOf(() =>
      runOrt(resnet, ...SHAPE, '--ort-providers', 'cpu', '--ort-graph-optimization', 'basic', '--compare'),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(options).toHaveLength(2);
    expect(options.filter((o) => o.graphOptimizationLevel === 'basic' && o.executionProviders?.join() === 'cpu')).toHaveLength(1);
    expect(options.filter((o) => o.graphOptimizationLevel === undefined && o.executionProviders === undefined)).toHaveLength(1);
  });

  it.skipIf(!HAS_NATIVE)('the hybrid executor: every fallback segment gets them, and --compare still passes', async () => {
    const { r, options } = await sessionOptionsOf(() =>
      runMain(
        resnet,
        ...SHAPE,
        '--backend',
        'cpu',
        '--fallback-ops',
        'Add',
        '--min-block-size',
        '1',
        '--ort-graph-optimization',
        'disabled',
        '--compare',
      ),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const fallbacks = Number(/^partition .*; \d+ segments: \d+ engines, (\d+) fallback$/m.exec(r.out)?.[1]);
    expect(fallbacks).toBeGreaterThan(0);
    expect(options.filter((o) => o.graphOptimizationLevel === 'disabled')).toHaveLength(fallbacks);
    expect(r.out).toMatch(/^ {2}logits {2}PASS /m);
  });

  it('refuses a provider onnxruntime-node does not offer, and an unknown level (exit 2)', async () => {
    const offered = ort.listSupportedBackends().map((b) => b.name);
    const r = await runOrt(resnet, ...SHAPE, '--ort-providers', 'cpu,nnapi');
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.err)).toBe(
      `hybrid-run: --ort-providers cpu,nnapi: execution provider 'nnapi' is not one onnxruntime-node ${ort.env.versions.node} offers here (it offers: ${offered.join(', ')})`,
    );
    const level = await runOrt(resnet, ...SHAPE, '--ort-graph-optimization', 'max');
    expect(level.code).toBe(2);
    expect(expectOneLineError(level.err)).toMatch(/^hybrid-run: option '--ort-graph-optimization <level>' argument 'max' is invalid/);
  });
});
