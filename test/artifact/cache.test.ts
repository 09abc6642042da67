/**
 * The engine cache (compile's cacheDir): a key that changes with each ingredient that changes
 * the result and only with those; a hit that loads instead of building; two processes
 * compiling the same model into one folder at once; a corrupt entry rebuilt with a warning;
 * compile-level misses (fallbackOps, an environment switch); a hit's load time and save;
 * least-recently-used eviction beyond cacheMaxBytes.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { ALL_CONVERTERS } from '../../converters/all.js';
import { ConverterRegistry } from '../../converters/registry.js';
import { cacheKey, type CacheKeyParts, evict } from '../../src/artifact/cache.js';
import { load } from '../../src/artifact/load.js';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { repoRoot, resnet, sine } from '../runtime/helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-cache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A one-Conv model whose weights are `w` everywhere. */
function convModel(w: number): Uint8Array {
  return encodeModel(
    buildModel({
      inputs: [{ name: 'x', shape: [1, 2, 4, 4] }],
      outputs: [{ name: 'y' }],
      initializers: { w: { dtype: 'float32', dims: [3, 2, 1, 1], data: new Float32Array(6).fill(w) } },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }],
    }),
  );
}

describeIf(HAS_NATIVE, 'the engine cache', NATIVE_MISSING, () => {
  const base: CacheKeyParts = {
    source: convModel(0.5),
    options: {
      inputs: { x: [1, 2, 4, 4] },
      precisions: ['fp32'],
      minBlockSize: 3,
      fallbackOps: [],
      fallbackNodes: [],
      requireFullCompilation: false,
      backend: 'auto',
    },
    registry: new ConverterRegistry(ALL_CONVERTERS),
    backend: 'cpu',
    device: 'x86-64 (avx512)',
  };
  const key = (over: Partial<CacheKeyParts>) => cacheKey({ ...base, ...over });

  it('keys agree for the same ingredients, in any key order of the options', () => {
    expect(key({})).toBe(key({}));
    expect(key({ options: Object.fromEntries(Object.entries(base.options).reverse()) })).toBe(key({}));
    expect(key({})).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['the weights only (the same graph)', { source: convModel(0.25) }],
    ['the input shapes', { options: { ...base.options, inputs: { x: [2, 2, 4, 4] } } }],
    ['an input range', { options: { ...base.options, inputs: { x: { min: [1, 2, 4, 4], opt: [1, 2, 4, 4], max: [2, 2, 4, 4] } } } }],
    [
      'the optimization profiles',
      { options: { ...base.options, inputs: undefined, profiles: [{ x: { min: [1, 2, 4, 4], opt: [1, 2, 4, 4], max: [2, 2, 4, 4] } }] } },
    ],
    ['the precisions', { options: { ...base.options, precisions: ['fp16', 'fp32'] } }],
    ['minBlockSize', { options: { ...base.options, minBlockSize: 1 } }],
    ['fallbackOps', { options: { ...base.options, fallbackOps: ['Conv'] } }],
    ['fallbackNodes', { options: { ...base.options, fallbackNodes: ['Conv_0'] } }],
    ['requireFullCompilation', { options: { ...base.options, requireFullCompilation: true } }],
    ['the requested backend', { options: { ...base.options, backend: 'cpu' } }],
    ['probe feeds', { probeFeeds: new Map([['x', { dtype: 'float32' as const, dims: [1, 2, 4, 4], data: new Float32Array(32) }]]) }],
    [
      'a custom converter (its code)',
      {
        registry: new ConverterRegistry([
          ...ALL_CONVERTERS,
          { opType: 'MyOp', domain: 'com.example', sinceVersion: 1, validate: () => ({ ok: true as const }), convert: () => undefined },
        ]),
      },
    ],
    ['the backend', { backend: 'cuda' as const }],
    ['the device', { device: 'NVIDIA H200 (sm_90)' }],
  ] as Array<[string, Partial<CacheKeyParts>]>)('the key changes with %s', (_, over) => {
    expect(key(over)).not.toBe(key({}));
  });

  it('the key changes with a custom converter whose code changes, not with one re-registered the same', () => {
    const conv = (body: string) => ({
      opType: 'MyOp',
      domain: 'com.example',
      sinceVersion: 1,
      validate: () => ({ ok: true as const }),
      // eslint-disable-next-line no-new-func
      convert: new Function(body) as never,
    });
    const a = key({ registry: new ConverterRegistry([...ALL_CONVERTERS, conv('return 1;')]) });
    expect(key({ registry: new ConverterRegistry([...ALL_CONVERTERS, conv('return 1;')]) })).toBe(a);
    expect(key({ registry: new ConverterRegistry([...ALL_CONVERTERS, conv('return 2;')]) })).not.toBe(a);
  });

  it('a second compile loads the entry the first saved, and gives the same outputs', async () => {
    const cacheDir = path.join(dir, 'hit');
    const logs: string[] = [];
    const first = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] }, cacheDir });
    const second = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] }, cacheDir, onLog: (m) => logs.push(m) });
    expect(logs.filter((l) => l.startsWith('engine cache hit: '))).toHaveLength(1);
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.hybrid'))).toHaveLength(1);
    const x = sine([1, 3, 64, 64]);
    expect(Array.from((await second.run({ input: x })).logits!.data as Float32Array)).toEqual(
      Array.from((await first.run({ input: x })).logits!.data as Float32Array),
    );
    // Another shape is another entry.
    const third = await compile(resnet, { backend: 'cpu', inputs: { input: [2, 3, 64, 64] }, cacheDir });
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.hybrid'))).toHaveLength(2);
    for (const m of [first, second, third]) await m.dispose();
  });

  it('another fallbackOps or HYBRIDRT_FUSION is a miss; a hit reports its load and saves its source, unless the file changed', async () => {
    const cacheDir = path.join(dir, 'ingredients');
    const src = path.join(dir, 'ingredients.onnx');
    fs.copyFileSync(resnet, src);
    const opts = { backend: 'cpu' as const, inputs: { input: [1, 3, 64, 64] }, cacheDir };
    const entries = () => fs.readdirSync(cacheDir).filter((f) => f.endsWith('.hybrid')).length;
    const first = await compile(src, opts);
    expect(entries()).toBe(1);
    const otherFallback = await compile(src, { ...opts, fallbackOps: ['Relu'] });
    expect(entries()).toBe(2);
    process.env.HYBRIDRT_FUSION = '0';
    try {
      const noFusion = await compile(src, opts);
      expect(entries()).toBe(3);
      await noFusion.dispose();
    } finally {
      delete process.env.HYBRIDRT_FUSION;
    }
    const logs: string[] = [];
    const hit = await compile(src, { ...opts, onLog: (m) => logs.push(m) });
    expect(logs.filter((l) => l.startsWith('engine cache hit: '))).toHaveLength(1);
    expect(entries()).toBe(3);
    const ms = hit.report.compileMs;
    expect(ms.load).toBeGreaterThan(0);
    expect(ms.total).toBeGreaterThanOrEqual(ms.load!);
    expect(ms.build).toBeUndefined();
    // Saved with its source embedded, the hit loads elsewhere and computes what the cold compile did.
    const saved = path.join(dir, 'ingredients.hybrid');
    await hit.save(saved, { embedSource: true });
    const loaded = await load(saved);
    const x = sine([1, 3, 64, 64]);
    const want = Array.from((await first.run({ input: x })).logits!.data as Float32Array);
    expect(Array.from((await loaded.run({ input: x })).logits!.data as Float32Array)).toEqual(want);
    // The source file changed (or went) after the compile: embedding it would pair new weights with old engines.
    fs.utimesSync(src, new Date(), new Date(Date.now() + 5000));
    await expect(hit.save(path.join(dir, 'changed.hybrid'), { embedSource: true })).rejects.toMatchObject({
      code: 'MODEL_SAVE',
      message: expect.stringMatching(/ingredients\.onnx changed since it was compiled; compile it again/),
    });
    fs.rmSync(src);
    await expect(hit.save(path.join(dir, 'changed.hybrid'), { embedSource: true })).rejects.toThrow(
      /ingredients\.onnx was removed since it was compiled/,
    );
    expect(fs.existsSync(path.join(dir, 'changed.hybrid'))).toBe(false);
    for (const m of [first, otherFallback, hit, loaded]) await m.dispose();
  }, 120_000);

  it('save({ embedSource }) refuses a source whose content changed since the compile, even without a path', async () => {
    const proto = loadModelProto(resnet);
    const m = await compile(proto, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] }, cacheDir: path.join(dir, 'proto') });
    try {
      const w = proto.graph!.initializer.find((t) => (t.rawData?.length ?? 0) >= 64)!;
      w.rawData![0] = w.rawData![0]! ^ 0xff;
      await expect(m.save(path.join(dir, 'proto.hybrid'), { embedSource: true })).rejects.toMatchObject({
        code: 'MODEL_SAVE',
        message: expect.stringContaining('the source model is not the one compiled (its content changed)'),
      });
    } finally {
      await m.dispose();
    }
  });

  it('rebuilds a corrupt or truncated entry with a warning', async () => {
    const cacheDir = path.join(dir, 'corrupt');
    const first = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] }, cacheDir });
    await first.dispose();
    const [entry] = fs.readdirSync(cacheDir);
    const file = path.join(cacheDir, entry!);
    fs.truncateSync(file, 1000);
    const warnings: string[] = [];
    const again = await compile(resnet, {
      backend: 'cpu',
      inputs: { input: [1, 3, 64, 64] },
      cacheDir,
      onLog: (m, level) => level === 'warn' && warnings.push(m),
    });
    expect(warnings.join('\n')).toMatch(/engine cache entry .* is unusable \(.*not a valid \.hybrid file.*\); compiling again/);
    // The entry is whole again.
    const loaded = await load(file);
    for (const m of [again, loaded]) await m.dispose();
  });

  it('two processes compiling the same model into one folder at once both succeed and leave one valid entry', async () => {
    const cacheDir = path.join(dir, 'concurrent');
    const script = path.join(dir, 'compile-child.mts');
    fs.writeFileSync(
      script,
      `import { compile } from ${JSON.stringify(path.join(repoRoot, 'src', 'compiler', 'compile.ts'))};\n` +
        `const m = await compile(${JSON.stringify(resnet)}, { backend: 'cpu', threads: 1, inputs: { input: [1, 3, 64, 64] }, cacheDir: ${JSON.stringify(cacheDir)} });\n` +
        `await m.dispose();\nconsole.log('ok');\n`,
    );
    const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot });
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.stdout.trim(), b.stdout.trim()]).toEqual(['ok', 'ok']);
    const entries = fs.readdirSync(cacheDir);
    expect(entries.filter((f) => f.endsWith('.hybrid'))).toHaveLength(1);
    expect(entries.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const loaded = await load(
      path.join(
        cacheDir,
        entries.find((f) => f.endsWith('.hybrid'))!,
      ),
    );
    await loaded.dispose();
  }, 120_000);

  it('evicts the least recently used entries beyond cacheMaxBytes', () => {
    const cacheDir = path.join(dir, 'evict');
    fs.mkdirSync(cacheDir);
    const names = ['a', 'b', 'c'].map((c) => path.join(cacheDir, `${c.repeat(64)}.hybrid`));
    names.forEach((f, i) => {
      fs.writeFileSync(f, new Uint8Array(100));
      fs.utimesSync(f, new Date(1000 * (i + 1)), new Date(1000 * (i + 1)));
    });
    // 'a' is the oldest; 250 bytes hold two of three.
    expect(evict({ dir: cacheDir, maxBytes: 250 })).toEqual([names[0]]);
    expect(evict({ dir: cacheDir, maxBytes: 0 }, names[2])).toEqual([names[1]]);
    expect(fs.readdirSync(cacheDir)).toEqual([path.basename(names[2]!)]);
  });

  it('refuses a cacheDir that is a file, and cacheMaxBytes without a cacheDir', async () => {
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    await expect(compile(resnet, { cacheDir: file })).rejects.toMatchObject({ code: 'OPTION' });
    await expect(compile(resnet, { cacheMaxBytes: 10 })).rejects.toMatchObject({
      code: 'OPTION',
      message: 'cacheMaxBytes needs cacheDir (or HYBRIDRT_CACHE_DIR)',
    });
  });
});
