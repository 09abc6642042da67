/**
 * The device ordinal option (src/engine/device.ts) on a machine of any kind: compile(), load(),
 * buildEngine() and deserializeEngine() refuse a device that is not a non-negative integer
 * (naming the option) and a device other than 0 on the cpu backend; `device: 0` is today's
 * behaviour (a cpu compile matches onnxruntime). The cuda side (a device past the GPUs, device 1
 * where there are two) is test/gpu/device.test.ts.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { load } from '../../src/artifact/load.js';
import { buildEngine, deserializeEngine, deviceQuery } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { rejection, thrown } from '../helpers/errors.js';
import { resnet, sine, ortRun, worstError } from '../runtime/helpers.js';
import { smallCnn } from '../engine/helpers/small-cnn.js';

const inputs = { input: [1, 3, 64, 64] };

describeIf(HAS_NATIVE, 'the device option', NATIVE_MISSING, () => {
  it('compile() refuses a device that is not a non-negative integer, naming the option', async () => {
    for (const device of [-1, 1.5, Number.NaN, '1', null]) {
      const e = await rejection(compile(resnet, { inputs, backend: 'cpu', device: device as number }));
      expect(e.code).toBe('OPTION');
      expect(e.message).toMatch(/^device must be a device ordinal, a non-negative integer/);
    }
  });

  it('compile() refuses a device other than 0 on the cpu backend, before any work', async () => {
    const e = await rejection(compile(resnet, { inputs, backend: 'cpu', device: 1 }));
    expect(e.code).toBe('OPTION');
    expect(e.message).toBe('device 1 needs the cuda backend (the cpu backend has only device 0)');
  });

  it('device 0 on cpu is the default: the compiled model matches onnxruntime (1e-4 of the output scale)', async () => {
    const model = await compile(resnet, { inputs, backend: 'cpu', device: 0, threads: 1 });
    try {
      const feeds = { input: sine([1, 3, 64, 64]) };
      const want = await ortRun(resnet, feeds);
      expect(worstError(await model.run(feeds), want).error).toBeLessThanOrEqual(1e-4);
      // The file keeps no ordinal: loading it with device 1 fails on the cpu backend, as compile does.
      const bytes = await model.toBytes();
      const e = await rejection(load(bytes, { device: 1 }));
      expect(e.code).toBe('OPTION');
      expect(e.message).toBe('device 1 needs the cuda backend (the cpu backend has only device 0)');
      expect((await rejection(load(bytes, { device: -2 }))).message).toMatch(/^device must be a device ordinal/);
      const again = await load(bytes, { device: 0 });
      try {
        expect(worstError(await again.run(feeds), want).error).toBeLessThanOrEqual(1e-4);
      } finally {
        await again.dispose();
      }
    } finally {
      await model.dispose();
    }
  });

  it('buildEngine() and deserializeEngine() refuse device 1 on cpu; the addon refuses it too', async () => {
    expect((await rejection(buildEngine(smallCnn(), { backend: 'cpu', device: 1 }))).message).toBe(
      'device 1 needs the cuda backend (the cpu backend has only device 0)',
    );
    expect((await rejection(buildEngine(smallCnn(), { backend: 'cpu', device: -1 }))).code).toBe('OPTION');
    const engine = await buildEngine(smallCnn(), { backend: 'cpu', threads: 1, device: 0 });
    try {
      expect(engine.info().device).toBe(0);
      // A cpu plan asked onto device 1: the addon's own check (backend_registry.cc), a BACKEND error.
      const e = await rejection(deserializeEngine(engine.serialize(), { device: 1 }));
      expect(e.code).toBe('BACKEND');
      expect(e.message).toMatch(/the cpu backend has one device \(0\), not device 1/);
    } finally {
      engine.dispose();
    }
  });

  // chooseBackend asks cuda about the device asked for, not device 0: where there is no device 1
  // (any machine but one with two usable GPUs), the error names device 1 and why, whatever
  // device 0 is; with 'auto', no device 1 means cpu, which has only device 0.
  it('backend cuda or auto with a device that cannot run: the error names that device', async () => {
    if (deviceQuery('cuda', 1).available) return; // two GPUs: device 1 runs (test/gpu/device.test.ts)
    const e = await rejection(compile(resnet, { inputs, backend: 'cuda', device: 1 }));
    expect(e.code).toBe('BACKEND');
    expect(e.message).toMatch(/^device 1: /);
    const auto = await rejection(compile(resnet, { inputs, backend: 'auto', device: 1 }));
    expect(auto.message).toBe('device 1 needs the cuda backend (the cpu backend has only device 0)');
  });

  it('deviceQuery counts the devices, and refuses a bad ordinal', () => {
    expect(deviceQuery('cpu').devices).toBe(1);
    expect(deviceQuery('cpu', 1).available).toBe(false);
    expect(thrown(() => deviceQuery('cpu', -1)).code).toBe('OPTION');
  });
});
