/**
 * config.json's `gpus` (one copy of the model per listed GPU, `instances` runs on each): its
 * checks, a model on the cpu backend refusing it with the reason, and the scheduler handing runs
 * to any copy with a free instance (never more than `instances` on one). The copies on real GPUs
 * are test/gpu/device.test.ts's.
 */
import fs from 'node:fs';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompiledModel } from '../../src/compiler/compile.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { cudaAvailable } from '../../src/engine/engine.js';
import { Scheduler } from '../../src/serve/batcher.js';
import { parseConfig } from '../../src/serve/config.js';
import { type ServedVersion, loadVersion } from '../../src/serve/repository.js';
import type { CheckedRequest } from '../../src/serve/request.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { makeRepository } from './helpers.js';

const parse = (json: unknown, artifact = false) => parseConfig(json, 'm/config.json', artifact);

describe('config.json gpus', () => {
  it('takes distinct device ordinals, for model.onnx and model.hybrid; absent, none (device 0 only)', () => {
    expect(parse({ gpus: [1, 0], instances: 2 }).gpus).toEqual([1, 0]);
    expect(parse({ gpus: [0] }, true).gpus).toEqual([0]);
    expect(parse({}).gpus).toBeUndefined();
  });

  it('refuses what is not a list of distinct ordinals, naming the file and the key', () => {
    expect(() => parse({ gpus: [] })).toThrow(/^m\/config.json: gpus must be an array of 1 to 64 CUDA device ordinals, e\.g\. \[0, 1\]; got \[\]/);
    expect(() => parse({ gpus: 1 })).toThrow(/gpus must be an array of 1 to 64 CUDA device ordinals/);
    expect(() => parse({ gpus: [0, -1] })).toThrow(/^m\/config.json: gpus\[1\] must be a device ordinal, a non-negative integer .*got -1/);
    expect(() => parse({ gpus: ['0'] })).toThrow(/gpus\[0\] must be a device ordinal/);
    expect(() => parse({ gpus: [0, 1, 0] })).toThrow(/^m\/config.json: gpus lists device 0 twice/);
  });

  it('refuses gpus where config.json asks for the cpu backend', () => {
    expect(() => parse({ backend: 'cpu', gpus: [0] })).toThrow(
      /^m\/config.json: gpus needs the cuda backend; the model is asked to run on backend 'cpu'/,
    );
  });
});

/** A stand-in model counting its runs in flight (and the most at once). */
function copy(runMs: number) {
  let inFlight = 0;
  const seen = { runs: 0, most: 0 };
  const model = {
    async run(feeds: Record<string, TensorData>) {
      seen.most = Math.max(seen.most, ++inFlight);
      seen.runs++;
      await new Promise((r) => setTimeout(r, runMs));
      inFlight--;
      return { y: new ort.Tensor('float32', feeds.x!.data as Float32Array, feeds.x!.dims) };
    },
  };
  return { model: model as unknown as CompiledModel, seen };
}

function request(seed: number): CheckedRequest {
  return { feeds: { x: { dtype: 'float32', dims: [1, 2], data: Float32Array.from([seed, -seed]) } }, batch: 1, key: '2', outputs: ['y'] };
}

describe('Scheduler over copies', () => {
  it('runs on every copy, at most `instances` at once on each, each request answered its own', async () => {
    const a = copy(20);
    const b = copy(20);
    const s = new Scheduler([a.model, b.model], { maxBatchSize: 0, instances: 2, label: 'model' });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => s.submit(request(i + 1), 60_000)));
    answers.forEach((r, i) => expect(Array.from(r.outputs.y!.data as Float32Array)).toEqual([i + 1, -(i + 1)]));
    expect(a.seen.runs + b.seen.runs).toBe(12);
    // 12 requests on 2 x 2 instances: both copies busy, neither past its 2.
    expect(a.seen.runs).toBeGreaterThan(0);
    expect(b.seen.runs).toBeGreaterThan(0);
    expect(a.seen.most).toBe(2);
    expect(b.seen.most).toBe(2);
  });
});

describeIf(HAS_NATIVE, 'a served model with gpus on the cpu backend', NATIVE_MISSING, () => {
  const dir = makeRepository({
    cpu: { config: { backend: 'cpu', gpus: [0] } },
    auto: { config: { gpus: [1] } },
    auto0: { config: { gpus: [0] } },
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is UNAVAILABLE, saying gpus needs cuda (an explicit cpu backend in config.json)', async () => {
    const v: ServedVersion = { name: 'cpu', version: '1', state: 'LOADING' };
    await loadVersion(dir, v, {});
    expect(v.state).toBe('UNAVAILABLE');
    expect(v.reason).toMatch(/config.json: gpus needs the cuda backend; the model is asked to run on backend 'cpu'/);
  });

  // Where cuda runs, auto takes it (and device 1 is test/gpu/device.test.ts's).
  it.skipIf(HAS_NATIVE && cudaAvailable())('is UNAVAILABLE where backend auto takes cpu (no GPU here), naming the device', async () => {
    const v: ServedVersion = { name: 'auto', version: '1', state: 'LOADING' };
    await loadVersion(dir, v, {});
    expect(v.state).toBe('UNAVAILABLE');
    expect(v.reason).toMatch(/device 1 needs the cuda backend \(the cpu backend has only device 0\)/);
    // gpus [0] compiles (device 0 is cpu's too), and the model on cpu is then refused.
    const v0: ServedVersion = { name: 'auto0', version: '1', state: 'LOADING' };
    await loadVersion(dir, v0, {});
    expect(v0.state).toBe('UNAVAILABLE');
    expect(v0.reason).toBe("config.json lists gpus, but the model runs on backend 'cpu'; gpus needs cuda");
    expect(v0.model).toBeUndefined();
  });
});
