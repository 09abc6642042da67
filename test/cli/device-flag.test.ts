/**
 * hybrid-run --device (compile()'s and load()'s `device`): a malformed value is an OPTION error
 * naming the flag, --backend ort refuses it (no engines), --backend cpu refuses device 1 as
 * compile() does, and --device 0 on cpu runs as without it. On a GPU: test/gpu/device.test.ts.
 */
import { expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, runMain } from './helpers.js';

const shape = ['--shape', 'input=1x3x64x64'];

describeIf(HAS_NATIVE, 'hybrid-run --device', NATIVE_MISSING, () => {
  it('refuses what is not a device ordinal, naming the flag', async () => {
    for (const v of ['-1', 'one', '1.5']) {
      const r = await runMain(resnet, ...shape, '--backend', 'cpu', '--device', v);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/--device/);
    }
  });

  it('refuses --device with --backend ort, and device 1 on the cpu backend', async () => {
    const ort = await runMain(resnet, ...shape, '--backend', 'ort', '--device', '0');
    expect(ort.code).not.toBe(0);
    expect(ort.err).toMatch(/--device: --backend ort builds no engines/);
    const cpu = await runMain(resnet, ...shape, '--backend', 'cpu', '--device', '1');
    expect(cpu.code).not.toBe(0);
    expect(cpu.err).toMatch(/device 1 needs the cuda backend \(the cpu backend has only device 0\)/);
  });

  it('--device 0 on cpu runs', async () => {
    const r = await runMain(resnet, ...shape, '--backend', 'cpu', '--device', '0');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
