/**
 * hybrid-run through the hybrid executor (the default backend), in-process: it compiles for
 * the feeds' shapes, prints the partition summary and compile/run times, and --compare checks
 * it against onnxruntime alone, exit 0 on a pass and 1 on a fail, with fallbacks forced too.
 */
import { expect, it } from 'vitest';
import { deviceQuery } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { expectOneLineError, resnet, runMain, transformer } from './helpers.js';

const COMPARE_LINE = /^ {2}(\S+) {2}(PASS|FAIL) {2}max abs (\S+) {2}max rel (\S+) {2}mean abs (\S+) {2}cosine (\S+)/m;

describeIf(HAS_NATIVE, 'hybrid-run on the hybrid executor', NATIVE_MISSING, () => {
  it('runs resnet_mini on engines and passes --compare (exit 0)', async () => {
    const r = await runMain(resnet, '--shape', 'input=1x3x64x64', '--compare');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const cpuOnly = !deviceQuery('cuda').available;
    if (cpuOnly) expect(r.out).toMatch(/^backend {2}cpu \(hybrid executor.*\n {9}backend auto: using cpu, because cuda is not available: /m);
    expect(r.out).toMatch(/^partition {2}23\/23 nodes on engines \(100\.0%\); 1 segment: 1 engine, 0 fallback$/m);
    expect(r.out).toMatch(/^time {5}load [\d.]+ ms, compile [\d.]+ ms, run [\d.]+ ms$/m);
    const m = COMPARE_LINE.exec(r.out);
    expect(m?.[1]).toBe('logits');
    expect(m?.[2]).toBe('PASS');
    expect(Number(m?.[6])).toBeGreaterThan(0.999999);
  });

  it('runs with forced fallbacks (--fallback-ops, --min-block-size 1) and still passes --compare', async () => {
    const r = await runMain(transformer, '--shape', 'hidden_states=2x8x64', '--fallback-ops', 'Softmax,Add', '--min-block-size', '1', '--compare');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const p = /^partition {2}(\d+)\/(\d+) nodes on engines .*; (\d+) segments: (\d+) engines, (\d+) fallback$/m.exec(r.out);
    expect(p, r.out).not.toBeNull();
    expect(Number(p![5])).toBeGreaterThan(0); // fallback segments
    expect(Number(p![4])).toBeGreaterThan(1); // engine segments around them
    expect(r.out).toMatch(/^ {11}\d+ boundary transfers \([\d.]+ KiB\)$/m);
    expect(COMPARE_LINE.exec(r.out)?.[2]).toBe('PASS');
  });

  it('fails --compare (exit 1) when the tolerance is tighter than fp32 rounding', async () => {
    // The engines sum in another order than onnxruntime: last-bit differences, so atol = rtol = 0 fails.
    const r = await runMain(resnet, '--shape', 'input=1x3x64x64', '--compare', '--atol', '0', '--rtol', '0');
    expect(r.code).toBe(1);
    expect(COMPARE_LINE.exec(r.out)?.[2]).toBe('FAIL');
    expect(expectOneLineError(r.err)).toBe('hybrid-run: logits: output differs from onnxruntime beyond atol 0 / rtol 0');
  });

  it('--backend cuda without cuda is a one-line error with the reason (exit 1)', async () => {
    const cuda = deviceQuery('cuda');
    if (cuda.available) return; // the GPU machine: test/gpu runs it
    const r = await runMain(resnet, '--backend', 'cuda', '--shape', 'input=1x3x64x64');
    expect(expectOneLineError(r.err)).toBe(`hybrid-run: backend 'cuda' is not available: ${cuda.reason}`);
    expect(r.code).toBe(1);
  });

  it('--backend cpu says no more than the backend, and --require-full-compilation names what cannot run', async () => {
    const r = await runMain(resnet, '--backend', 'cpu', '--shape', 'input=1x3x64x64');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('backend auto');
    const full = await runMain(resnet, '--shape', 'input=1x3x64x64', '--fallback-ops', 'Relu', '--require-full-compilation');
    expect(full.code).toBe(1);
    expect(expectOneLineError(full.err)).toMatch(
      /requireFullCompilation: 7 nodes cannot run on an engine: '\/relu\/Relu' \(Relu\): forced to fallback by fallbackOps \('Relu'\)/,
    );
  });
});
