/**
 * hybridrt without its native addon (an install that could not build it): the loader's
 * message names a command that builds it, backend 'auto' says in one warning that every
 * segment runs on onnxruntime, 'cpu' and 'cuda' are NATIVE errors saying why, and analyze()
 * and `hybrid-run --dry-run` still partition (every node on onnxruntime, each saying why),
 * and compile() and `hybrid-run` run the model on onnxruntime alone.
 * The addon is made missing by HYBRIDRT_NATIVE naming a file that does not exist; nothing in
 * this file loads the real one first (the loader keeps what it loaded).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { NO_ADDON_DEVICE, chooseBackend, deviceDescription, noEnginesNotice } from '../../src/compiler/backend.js';
import { loadNative, nativeAvailable, nativeBuildHint, nativeUnavailableReason } from '../../src/engine/native.js';
import { main } from '../../src/cli/main.js';
import { rejection, thrown } from '../helpers/errors.js';
import { ortRun, resnet, sine, worstError } from '../runtime/helpers.js';

const MISSING = path.join(os.tmpdir(), 'hybridrt-no-addon', 'hybridrt.node');
const MISSING_MESSAGE = `native addon not found at ${MISSING} (HYBRIDRT_NATIVE names it): point HYBRIDRT_NATIVE to a built hybridrt.node, or unset it`;
const before = process.env.HYBRIDRT_NATIVE;
beforeAll(() => {
  process.env.HYBRIDRT_NATIVE = MISSING;
});
afterAll(() => {
  if (before === undefined) delete process.env.HYBRIDRT_NATIVE;
  else process.env.HYBRIDRT_NATIVE = before;
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--threads', '1'], {
    out: (s) => (out += s),
    err: (s) => (err += s),
  });
  return { code, out, err };
}

describe('the build command in messages', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-hint-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an installed package: npm rebuild --build-from-source, or the build script by its path from the working folder', () => {
    const root = path.join(dir, 'app', 'node_modules', 'hybridrt');
    fs.mkdirSync(root, { recursive: true });
    expect(nativeBuildHint(root, path.join(dir, 'app'))).toBe(
      'install cmake and a C++17 compiler, then run `npm rebuild hybridrt --build-from-source` (or `node node_modules/hybridrt/scripts/build-native.mjs`)',
    );
    expect(nativeBuildHint(root, path.join(dir, 'app', 'src'))).toContain('(or `node ../node_modules/hybridrt/scripts/build-native.mjs`)');
  });

  it('a checkout (a .git or test/ folder): npm run build:native', () => {
    const root = path.join(dir, 'clone');
    fs.mkdirSync(path.join(root, '.git'), { recursive: true });
    expect(nativeBuildHint(root, root)).toBe('run `npm run build:native`');
  });
});

describe('without the native addon', () => {
  it('the loader refuses with a NATIVE error that says what to do', () => {
    const e = thrown(() => loadNative());
    expect(e.code).toBe('NATIVE');
    expect(e.message).toBe(MISSING_MESSAGE);
    expect(nativeAvailable()).toBe(false);
    expect(nativeUnavailableReason()).toBe(MISSING_MESSAGE);
  });

  it("backend 'auto' warns once that every segment runs on onnxruntime, and why", () => {
    const logs: Array<[string, string]> = [];
    expect(chooseBackend('auto', (m, l) => logs.push([m, l]))).toBe('cpu');
    expect(logs).toEqual([[`engines are unavailable, so every segment runs on onnxruntime: ${MISSING_MESSAGE}`, 'warn']]);
    expect(logs[0]![0]).toBe(noEnginesNotice(MISSING_MESSAGE));
    expect(deviceDescription('cpu')).toBe(NO_ADDON_DEVICE);
  });

  it("backends 'cpu' and 'cuda' are NATIVE errors naming the missing addon", () => {
    for (const backend of ['cpu', 'cuda'] as const) {
      const e = thrown(() => chooseBackend(backend, () => {}));
      expect(e.code).toBe('NATIVE');
      expect(e.message).toBe(`backend '${backend}' needs hybridrt's native addon, which is unavailable: ${MISSING_MESSAGE}`);
    }
  });

  it('analyze() puts every node on onnxruntime, each with the reason', async () => {
    const { partition, report } = await analyze(resnet, {
      inputs: { input: [1, 3, 64, 64] },
    });
    expect(partition.segments.map((s) => s.kind)).toEqual(['fallback']);
    expect(report.nodes.length).toBeGreaterThan(10);
    for (const n of report.nodes) {
      expect(n.supported).toBe(false);
      expect(n.reason).toBe(`${n.opType}: ${MISSING_MESSAGE}`);
    }
  });

  it('compile() runs every segment on onnxruntime, says so in one warning, and caches nothing', async () => {
    const logs: Array<[string, string]> = [];
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-no-addon-cache-'));
    try {
      const model = await compile(resnet, {
        inputs: { input: [1, 3, 64, 64] },
        precisions: ['fp16'],
        threads: 1,
        cacheDir,
        onLog: (m, l) => logs.push([m, l]),
      });
      try {
        expect(logs).toEqual([[noEnginesNotice(MISSING_MESSAGE), 'warn']]);
        expect(model.report.data.summary).toMatchObject({
          engineSegments: 0,
          fallbackSegments: 1,
          engineNodes: 0,
        });
        const feeds = { input: sine([1, 3, 64, 64]) };
        const out = await model.run(feeds);
        expect(worstError(out, await ortRun(resnet, feeds)).error).toBeLessThan(1e-5);
      } finally {
        await model.dispose();
      }
      expect(fs.readdirSync(cacheDir)).toEqual([]);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it("compile()'s implicit int8 calibrates on onnxruntime too (the 'engines' runner's compile has no engines either)", async () => {
    const logs: Array<[string, string]> = [];
    const feeds = { input: sine([1, 3, 64, 64]) };
    const model = await compile(resnet, {
      inputs: { input: [1, 3, 64, 64] },
      precisions: ['int8'],
      calibration: { data: [feeds], method: 'minmax', progress: false },
      threads: 1,
      onLog: (m, l) => logs.push([m, l]),
    });
    try {
      expect(logs.filter(([, l]) => l === 'warn')).toEqual([[noEnginesNotice(MISSING_MESSAGE), 'warn']]);
      expect(model.report.data.summary).toMatchObject({ engineSegments: 0, fallbackSegments: 1 });
      const out = await model.run(feeds);
      // The Q/DQ model on onnxruntime: int8 rounding, not fp32 agreement.
      expect(Object.keys(out)).toEqual(Object.keys(await ortRun(resnet, feeds)));
    } finally {
      await model.dispose();
    }
  });

  it('compile() under requireFullCompilation refuses, each node saying the addon is missing', async () => {
    const e = await rejection(
      compile(resnet, {
        inputs: { input: [1, 3, 64, 64] },
        requireFullCompilation: true,
        onLog: () => {},
      }),
    );
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain(`Conv: ${MISSING_MESSAGE}`);
  });

  it('hybrid-run runs on onnxruntime with the warning, --dry-run prints the report, --backend cpu fails naming the addon', async () => {
    const dry = await cli(resnet, '--shape', 'input=1x3x64x64', '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('0 engine segments, 1 fallback segment');
    expect(dry.out).toContain(`Conv: ${MISSING_MESSAGE}`);

    const run = await cli(resnet, '--shape', 'input=1x3x64x64', '--compare');
    expect(run.code).toBe(0);
    expect(run.err).toBe(`hybrid-run: warning: ${noEnginesNotice(MISSING_MESSAGE)}\n`);
    expect(run.out).toMatch(/logits +PASS/);
    expect(run.out).toContain(
      '\nbackend  onnxruntime only (hybrid executor without engines: the native addon is unavailable, so every segment runs on onnxruntime-node)\n',
    );

    const cpu = await cli(resnet, '--shape', 'input=1x3x64x64', '--backend', 'cpu');
    expect(cpu.code).not.toBe(0);
    expect(cpu.err).toContain(`backend 'cpu' needs hybridrt's native addon, which is unavailable: native addon not found at ${MISSING}`);
  });
});
