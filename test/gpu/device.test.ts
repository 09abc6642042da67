/**
 * The device ordinal on the GPU (src/engine/device.ts; native: BackendOptions::device, the
 * DeviceScope of backend.h): `device: 0` given explicitly builds and matches onnxruntime; a
 * device past the machine's GPUs is a BACKEND error naming it and how many there are; where there
 * are two GPUs or more, device 1 builds, runs and matches, its plans load on device 0 (the same
 * GPU model), and hybrid-serve's `gpus: [0, 1]` serves a copy on each. fp32 within 1e-4 of the
 * output's scale against onnxruntime (cuDNN and cuBLASLt in FMA arithmetic, never TF32).
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { load } from '../../src/artifact/load.js';
import { buildEngine, deserializeEngine, deviceQuery } from '../../src/engine/engine.js';
import { type ServedVersion, loadVersion } from '../../src/serve/repository.js';
import { describeIf, itIf } from '../helpers/skip.js';
import { rejection } from '../helpers/errors.js';
import { ortRun, relativeError, resnet, sine } from '../runtime/helpers.js';
import { smallCnn, smallCnnInputs } from '../engine/helpers/small-cnn.js';
import { makeRepository } from '../serve/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';

const GPUS = CUDA ? deviceQuery('cuda').devices : 0;
const ONE_GPU = `only ${GPUS} GPU here: device 1 needs two`;
const inputs = { input: [1, 3, 64, 64] };
const TOL = 1e-4;

async function expectMatchesOrt(device: number): Promise<void> {
  const model = await compile(resnet, { backend: 'cuda', device, inputs });
  try {
    const feeds = { input: sine([1, 3, 64, 64]) };
    const [got, want] = [await model.run(feeds), await ortRun(resnet, feeds)];
    expect(relativeError(got.logits!, want.logits!)).toBeLessThanOrEqual(TOL);
    // Its file keeps no ordinal: loaded on device 0, it computes the same.
    const again = await load(await model.toBytes(), { device: 0 });
    try {
      expect(relativeError((await again.run(feeds)).logits!, got.logits!)).toBeLessThan(1e-5);
    } finally {
      await again.dispose();
    }
  } finally {
    await model.dispose();
  }
}

describeIf(CUDA, 'the cuda device ordinal', NO_CUDA, () => {
  it('counts the GPUs', () => {
    console.log(`GPUs: ${GPUS}`);
    expect(GPUS).toBeGreaterThanOrEqual(1);
  });

  it('device 0, given explicitly, builds and matches onnxruntime', () => expectMatchesOrt(0));

  it('a device past the GPUs is a BACKEND error naming it and how many GPUs there are', async () => {
    const count = GPUS === 1 ? 'this machine has 1 GPU \\(device 0\\)' : `this machine has ${GPUS} GPUs \\(devices 0 to ${GPUS - 1}\\)`;
    const want = new RegExp(`^device ${GPUS}: there is no cuda device ${GPUS}: ${count}$`);
    const e = await rejection(compile(resnet, { backend: 'cuda', device: GPUS, inputs }));
    expect(e.code).toBe('BACKEND');
    expect(e.message).toMatch(want);
    expect((await rejection(buildEngine(smallCnn(), { backend: 'cuda', device: GPUS }))).message).toMatch(want);
    // The addon's own check (a plan asked onto that device).
    const engine = await buildEngine(smallCnn(), { backend: 'cuda' });
    try {
      const plan = await rejection(deserializeEngine(engine.serialize(), { device: GPUS }));
      expect(plan.message).toMatch(new RegExp(`there is no cuda device ${GPUS}: ${count}`));
    } finally {
      engine.dispose();
    }
  });

  itIf(GPUS >= 2, 'device 1 builds, runs and matches onnxruntime; its plans load on device 0', ONE_GPU, async () => {
    await expectMatchesOrt(1);
    const cpu = await buildEngine(smallCnn(), { backend: 'cpu', threads: 1 });
    const gpu1 = await buildEngine(smallCnn(), { backend: 'cuda', device: 1 });
    const gpu0 = await deserializeEngine(gpu1.serialize(), { device: 0 });
    try {
      expect(gpu1.info().device).toBe(1);
      expect(gpu0.info().device).toBe(0);
      const [c, g1, g0] = [cpu.createContext(), gpu1.createContext(), gpu0.createContext()];
      for (const seed of [1, 2]) {
        const want = (await c.run(smallCnnInputs(seed))) as Float32Array[];
        const on1 = (await g1.run(smallCnnInputs(seed))) as Float32Array[];
        const on0 = (await g0.run(smallCnnInputs(seed))) as Float32Array[];
        on1.forEach((t, i) => {
          const scale = Math.max(...want[i]!.map(Math.abs));
          const diff = Math.max(...t.map((v, k) => Math.abs(v - want[i]![k]!)));
          expect(diff / scale, `output ${i}`).toBeLessThanOrEqual(TOL);
        });
        expect(on0.map((t) => Array.from(t))).toEqual(on1.map((t) => Array.from(t)));
      }
    } finally {
      cpu.dispose();
      gpu1.dispose();
      gpu0.dispose();
    }
  });

  itIf(GPUS >= 2, "hybrid-serve's gpus [0, 1]: a copy on each GPU, both matching onnxruntime", ONE_GPU, async () => {
    const dir = makeRepository({
      two: { versions: { 1: { file: 'model.onnx', bytes: fs.readFileSync(resnet) } }, config: { backend: 'cuda', inputs, gpus: [0, 1] } },
    });
    const v: ServedVersion = { name: 'two', version: '1', state: 'LOADING' };
    try {
      await loadVersion(dir, v, {});
      expect(v.reason).toBeUndefined();
      expect(v.state).toBe('READY');
      expect(v.copies?.length).toBe(2);
      const feeds = { input: sine([1, 3, 64, 64]) };
      const want = await ortRun(resnet, feeds);
      for (const copy of v.copies!) expect(relativeError((await copy.run(feeds)).logits!, want.logits!)).toBeLessThanOrEqual(TOL);
    } finally {
      for (const m of v.copies ?? []) await m.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
