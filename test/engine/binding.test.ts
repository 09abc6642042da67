/**
 * The addon binding (src/engine/native.ts, engine.ts): what the addon reports about
 * itself and its devices, engine info, and the error for a missing addon.
 */
import { describe, expect, it, vi } from 'vitest';
import { buildEngine, compiledBackends, cudaAvailable, deviceQuery } from '../../src/engine/engine.js';
import { loadNative } from '../../src/engine/native.js';
import { HAS_NATIVE, itIf } from '../helpers/skip.js';
import { NetDraft } from './helpers/net.js';
import { smallCnn } from './helpers/small-cnn.js';

describe('native binding', () => {
  it('reports its version, backends and format versions', () => {
    const addon = loadNative();
    expect(addon.version()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compiledBackends()).toContain('cpu');
    expect(addon.planFormatVersion).toBe(2);
    expect(addon.networkFormatVersion).toBe(1);
  });

  it('answers device queries; cuda is false with a reason on a cpu-only build', () => {
    const cpu = deviceQuery('cpu');
    expect(cpu.available).toBe(true);
    expect(cpu.arch).not.toBe('');
    const cuda = deviceQuery('cuda');
    expect(cudaAvailable()).toBe(cuda.available);
    if (!compiledBackends().includes('cuda')) {
      expect(cuda.available).toBe(false);
      expect(cuda.reason).toContain('built without the cuda backend');
    }
  });

  // The cpu kernel form is a process-wide choice the binding reads once, when the addon loads
  // (engine/backend.h SetKernelForm; children with the variable set at load: kernels.test.ts).
  it('reads HYBRIDRT_CPU_KERNEL once, at load: setting it later changes neither deviceQuery nor envSwitches()', () => {
    const addon = loadNative();
    const before = [deviceQuery('cpu').description, addon.envSwitches()];
    const saved = process.env.HYBRIDRT_CPU_KERNEL;
    process.env.HYBRIDRT_CPU_KERNEL = before[0]!.includes('portable sgemm') ? 'avx2' : 'portable';
    try {
      expect([deviceQuery('cpu').description, addon.envSwitches()]).toEqual(before);
    } finally {
      if (saved === undefined) delete process.env.HYBRIDRT_CPU_KERNEL;
      else process.env.HYBRIDRT_CPU_KERNEL = saved;
    }
  });

  itIf(
    !HAS_NATIVE || !compiledBackends().includes('cuda'),
    'building for cuda on a cpu-only build is a BACKEND error',
    'the addon is built with the cuda backend',
    async () => {
      await expect(buildEngine(smallCnn(), { backend: 'cuda' })).rejects.toMatchObject({
        code: 'BACKEND',
        message: expect.stringContaining("backend 'cuda' is not available"),
      });
    },
  );

  // The addon's own guard on integer options (TypeScript checks them first; a caller of the
  // addon itself must not reach an undefined cast): each names its key.
  it('refuses a build config whose threads or device is not a small non-negative integer', async () => {
    const addon = loadNative();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ threads: -1 }, 'threads'],
      [{ threads: 1.5 }, 'threads'],
      [{ threads: 5000 }, 'threads'],
      [{ device: -2 }, 'device'],
      [{ device: 'x' }, 'device'],
    ];
    for (const [config, key] of cases) {
      const build = Promise.resolve().then(() => addon.buildEngine(smallCnn(), config as never));
      await expect(build, JSON.stringify(config)).rejects.toThrow(new RegExp(`build config: '${key}' must be`));
    }
  });

  it('engine info lists bindings, layers with tactics, and memory', async () => {
    const engine = await buildEngine(smallCnn(), { threads: 1 });
    const info = engine.info();
    expect(info.backend).toBe('cpu');
    expect(info.threads).toBe(1);
    expect(info.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: [1, 3, 16, 16] },
      { name: 'ids', dtype: 'int64', shape: [4] },
    ]);
    expect(info.outputs.map((o) => o.name)).toEqual(['prob', 'pool_ids']);
    const conv2 = info.layers.find((l) => l.name === 'conv2')!;
    expect(conv2).toMatchObject({ kind: 'convolution', precision: 'fp32' });
    expect(['im2col_gemm', 'direct', 'gemm_1x1']).toContain(conv2.tactic);
    expect(info.memory.arenaBytes).toBeGreaterThan(0);
    expect(info.memory.arenaBytes).toBeLessThanOrEqual(info.memory.activationBytes);
    expect(info.memory.weightBytes).toBeGreaterThanOrEqual((216 + 8 + 144 + 2560 + 10 + 54) * 4);
    engine.dispose();
  });

  // `layout` marks a channels-last layer (native.ts); an explicit 'nchw' is the default layout,
  // not a mark (it was reported as given: the key read by hand beside layers/window.h ReadNhwc).
  it("engine info names no layout for a convolution given layout 'nchw'", async () => {
    const d = new NetDraft('nchw');
    const x = d.input('x', 'float32', [1, 2, 5, 5]);
    const w = d.constant('w', 'float32', [3, 2, 1, 1], new Float32Array(6).fill(0.5));
    const conv = { kernel: [1, 1], strides: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], groups: 1, layout: 'nchw' };
    d.output(d.layer('convolution', 'conv', [x, w], conv, [{ dtype: 'float32', shape: [1, 3, 5, 5] }])[0]!);
    const engine = await buildEngine(d.finish(), { backend: 'cpu', fusion: false });
    try {
      expect(engine.info().layers.find((l) => l.name === 'conv')).not.toHaveProperty('layout');
    } finally {
      engine.dispose();
    }
  });

  it('a missing addon is a NATIVE error that says what to do (here: the path HYBRIDRT_NATIVE names is wrong)', async () => {
    vi.resetModules();
    const before = process.env.HYBRIDRT_NATIVE;
    process.env.HYBRIDRT_NATIVE = '/nonexistent/hybridrt.node';
    try {
      const fresh = await import('../../src/engine/native.js');
      expect(() => fresh.loadNative()).toThrow(
        /^native addon not found at \/nonexistent\/hybridrt.node \(HYBRIDRT_NATIVE names it\): point HYBRIDRT_NATIVE to a built hybridrt.node, or unset it$/,
      );
      expect(fresh.nativeAvailable()).toBe(false);
    } finally {
      if (before === undefined) delete process.env.HYBRIDRT_NATIVE;
      else process.env.HYBRIDRT_NATIVE = before;
    }
  });
});
