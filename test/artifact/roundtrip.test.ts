/**
 * save -> load -> run equals compile -> run, bit for bit, on both examples and every
 * conformance light_* model (cpu backend, static shapes, and shape ranges at opt, min and max), also
 * with many fallback segments; the report, inputs and outputs survive; a file built for what
 * this machine lacks is refused saying what differs, or rebuilt from its embedded source; a
 * model compiled with a custom converter needs it registered to load.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { writeContainer, readContainer } from '../../src/artifact/container.js';
import { LIMITS } from '../../src/limits.js';
import { load } from '../../src/artifact/load.js';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { lightModels } from '../helpers/conformance.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { dataInputs, withDynamicBatch } from '../helpers/dynamic-batch.js';
import { resnet, sine, transformer } from '../runtime/helpers.js';
import { reseal } from '../engine/helpers/xxh64.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-artifact-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Runs both models on the same seeded feeds, at the compiled shapes and, for a model with shape
 * ranges, at each profile's min and max too; every output must be equal bit for bit.
 */
async function expectSameRuns(a: CompiledModel, b: CompiledModel): Promise<void> {
  const ends = a.inputs[0]?.ranges
    ? a.inputs[0].ranges.flatMap((_, p) => [
        (i: CompiledModel['inputs'][number]) => i.ranges![p]!.min,
        (i: CompiledModel['inputs'][number]) => i.ranges![p]!.max,
      ])
    : [];
  for (const shapeOf of [(i: CompiledModel['inputs'][number]) => i.shape, ...ends]) await expectSameRun(a, b, shapeOf);
}

async function expectSameRun(a: CompiledModel, b: CompiledModel, shapeOf: (i: CompiledModel['inputs'][number]) => number[]): Promise<void> {
  const feeds: Record<string, ort.Tensor> = {};
  a.inputs.forEach((i, k) => (feeds[i.name] = sine(shapeOf(i), k)));
  const x = await a.run(feeds);
  const y = await b.run(feeds);
  expect(Object.keys(y).sort()).toEqual(Object.keys(x).sort());
  for (const name of Object.keys(x)) {
    expect(y[name]!.dims, name).toEqual(x[name]!.dims);
    expect(
      Buffer.from((y[name]!.data as Float32Array).buffer).equals(Buffer.from((x[name]!.data as Float32Array).buffer)),
      `${name} bit for bit`,
    ).toBe(true);
  }
}

async function roundTrip(model: string | Uint8Array, options: Parameters<typeof compile>[1], name = String(model)): Promise<void> {
  const compiled = await compile(model, { backend: 'cpu', threads: 1, ...options });
  const file = path.join(dir, `${path.basename(name)}.hybrid`);
  try {
    await compiled.save(file);
    const loaded = await load(file, { threads: 1 });
    try {
      await expectSameRuns(compiled, loaded);
      expect(loaded.inputs).toEqual(compiled.inputs);
      expect(loaded.outputs).toEqual(compiled.outputs);
      expect(loaded.report.data).toEqual(JSON.parse(JSON.stringify(compiled.report.data)));
      expect(loaded.report.engines.map((e) => e.layers)).toEqual(compiled.report.engines.map((e) => e.layers));
    } finally {
      await loaded.dispose();
    }
  } finally {
    await compiled.dispose();
  }
}

/** A container whose manifest `edit` changed, sealed again (checksums recomputed). */
function withManifest(bytes: Uint8Array, edit: (m: Record<string, unknown>) => void): Uint8Array {
  const sections = readContainer(bytes, 'test');
  const manifest = JSON.parse(new TextDecoder().decode(sections[0]!.bytes));
  edit(manifest);
  sections[0] = { kind: 'manifest', bytes: new TextEncoder().encode(JSON.stringify(manifest)) };
  return writeContainer(sections);
}

describe('the container size limit', () => {
  it('a file over LIMITS.artifactBytes, header and padding counted, is refused before it is allocated', () => {
    // Sections that only claim a length: the check must come before any byte is copied.
    const claim = (n: number) => ({ length: n }) as Uint8Array;
    const manifest = { kind: 'manifest' as const, bytes: new Uint8Array(10) };
    // Section bytes alone fit by 10 bytes; the header, table and alignment push the file over.
    const plan = { kind: 'plan' as const, bytes: claim(LIMITS.artifactBytes - 20) };
    expect(() => writeContainer([manifest, plan])).toThrow(
      expect.objectContaining({ code: 'MODEL_SAVE', message: expect.stringMatching(/a \.hybrid file holds at most 2147483647 bytes/) }),
    );
  });
});

describeIf(HAS_NATIVE, 'save and load', NATIVE_MISSING, () => {
  it('resnet_mini and transformer_block: the same outputs bit for bit, report and interface kept', async () => {
    await roundTrip(resnet, { inputs: { input: [2, 3, 64, 64] } });
    await roundTrip(transformer, { inputs: { hidden_states: [1, 16, 64] } });
  });

  it("load(bytes) copies the caller's bytes: overwriting them while the plans load changes nothing", async () => {
    // load(path) lends the file it read to the addon; a caller's buffer must not be lent.
    const compiled = await compile(resnet, { backend: 'cpu', threads: 1, inputs: { input: [1, 3, 64, 64] } });
    const bytes = await compiled.toBytes();
    const loading = load(bytes, { threads: 1 });
    bytes.fill(0);
    const loaded = await loading;
    try {
      await expectSameRun(compiled, loaded, (i) => i.shape);
    } finally {
      await loaded.dispose();
      await compiled.dispose();
    }
  });

  it('with many segments: 40% of nodes forced to onnxruntime', async () => {
    const probe = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] } });
    const names = probe.report.data.nodes.map((n) => n.name).filter((_, i) => i % 5 < 2);
    await probe.dispose();
    await roundTrip(resnet, { inputs: { input: [1, 3, 64, 64] }, fallbackNodes: names, minBlockSize: 1 });
  });

  for (const { name, model } of lightModels()) {
    it(`${name}: the same outputs bit for bit`, () => roundTrip(model, {}), 120_000);
  }

  it('with shape ranges: resnet_mini (batch) and transformer_block (batch and sequence), at opt, min and max', async () => {
    await roundTrip(resnet, { inputs: { input: { min: [1, 3, 64, 64], opt: [2, 3, 64, 64], max: [4, 3, 64, 64] } } });
    await roundTrip(transformer, { inputs: { hidden_states: { min: [1, 1, 64], opt: [2, 16, 64], max: [3, 40, 64] } } });
  });

  for (const { name, model } of lightModels()) {
    it(
      `${name} with a dynamic batch (1 to 3): the same outputs bit for bit at opt, min and max`,
      () =>
        roundTrip(
          withDynamicBatch(model),
          { inputs: { [dataInputs(model)[0]!]: { min: [1, 3, 224, 224], opt: [2, 3, 224, 224], max: [3, 3, 224, 224] } } },
          `${name}-dynamic`,
        ),
      180_000,
    );
  }

  it('stores each weight once, and constant outputs with the model', async () => {
    // y = x + w and z = w: the weight feeds an engine and is an output of its own.
    const w = { dtype: 'float32' as const, dims: [1024], data: Float32Array.from({ length: 1024 }, (_, i) => i / 7) };
    const bytes = encodeModel(
      buildModel({
        inputs: [{ name: 'x', shape: [1024] }],
        outputs: [{ name: 'y' }, { name: 'c' }],
        initializers: { w, c: w },
        nodes: [
          { op: 'Add', inputs: ['x', 'w'], outputs: ['a'] },
          { op: 'Relu', inputs: ['a'], outputs: ['y'] },
        ],
      }),
    );
    const m = await compile(bytes, { backend: 'cpu', minBlockSize: 0 });
    const saved = await m.toBytes({ embedSource: true });
    const weights = readContainer(saved, 'x')[1]!.bytes;
    // The source's w and c are one tensor; the constant output is that same tensor.
    expect(weights.length).toBeLessThan(2 * 4096);
    const loaded = await load(saved);
    await expectSameRuns(m, loaded);
    expect(Array.from((await loaded.run({ x: sine([1024]) })).c!.data as Float32Array)).toEqual(Array.from(w.data));
    await m.dispose();
    await loaded.dispose();
  });

  it('refuses a file built for a backend this machine lacks, saying what differs; rebuilds from an embedded source', async () => {
    const m = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] } });
    const plain = withManifest(await m.toBytes(), (j) => {
      j.backend = 'cuda';
      j.device = 'NVIDIA H200 (sm_90)';
    });
    await expect(load(plain)).rejects.toMatchObject({
      code: 'PLAN',
      message: expect.stringMatching(
        /^<bytes>: built for cuda \(NVIDIA H200 \(sm_90\)\), this machine has cpu only: .*compile the ONNX model on this machine, or load with rebuild: 'if-needed'/,
      ),
    });
    await expect(load(plain, { rebuild: 'if-needed' })).rejects.toThrow(/save it with embedSource: true to let load\(\) rebuild it/);
    const embedded = withManifest(await m.toBytes({ embedSource: true }), (j) => {
      j.backend = 'cuda';
    });
    const logs: string[] = [];
    const rebuilt = await load(embedded, { rebuild: 'if-needed', onLog: (msg) => logs.push(msg) });
    expect(rebuilt.backend).toBe('cpu');
    expect(logs.join('\n')).toMatch(/compiling it again from the embedded source model/);
    await expectSameRuns(m, rebuilt);
    // Another plan format is refused the same way.
    await expect(load(withManifest(await m.toBytes(), (j) => (j.planFormat = 999)))).rejects.toThrow(
      /its plans are of format 999; this hybridrt reads format/,
    );
    await m.dispose();
    await rebuilt.dispose();
  });

  it('refuses a file whose plans were built for another device architecture, saying so; rebuilds from an embedded source', async () => {
    const m = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] } });
    // The plan names its device architecture after its header (test/engine/plan.test.ts).
    const otherArch = (bytes: Uint8Array) =>
      writeContainer(
        readContainer(bytes, 'test').map((s) => {
          if (s.kind !== 'plan') return s;
          const plan = s.bytes.slice();
          plan.set(new TextEncoder().encode('x86_63'), 43);
          return { kind: s.kind, bytes: reseal(plan) };
        }),
      );
    await expect(load(otherArch(await m.toBytes()))).rejects.toMatchObject({
      code: 'PLAN',
      message: expect.stringMatching(/engine segment \d+: plan: built for cpu architecture 'x86_63'; this device is 'x86_64'/),
    });
    const logs: string[] = [];
    const rebuilt = await load(otherArch(await m.toBytes({ embedSource: true })), { rebuild: 'if-needed', onLog: (msg) => logs.push(msg) });
    try {
      expect(logs.join('\n')).toMatch(/architecture 'x86_63'.*compiling it again from the embedded source model/s);
      await expectSameRuns(m, rebuilt);
    } finally {
      await m.dispose();
      await rebuilt.dispose();
    }
  });

  it('rebuilds a model of several optimization profiles with its profiles', async () => {
    const profiles = [
      { input: { min: [1, 3, 64, 64], opt: [1, 3, 64, 64], max: [2, 3, 64, 64] } },
      { input: { min: [3, 3, 64, 64], opt: [4, 3, 64, 64], max: [5, 3, 64, 64] } },
    ];
    const m = await compile(resnet, { backend: 'cpu', profiles });
    const embedded = withManifest(await m.toBytes({ embedSource: true }), (j) => {
      expect((j.options as { profiles?: unknown }).profiles).toEqual(profiles);
      j.backend = 'cuda';
    });
    const rebuilt = await load(embedded, { rebuild: 'if-needed' });
    try {
      expect(rebuilt.inputs[0]!.ranges).toEqual(profiles.map((p) => p.input));
      for (const batch of [2, 4]) {
        const feeds = { input: sine([batch, 3, 64, 64]) };
        const [a, b] = [await m.runWithStats(feeds), await rebuilt.runWithStats(feeds)];
        expect(b.stats.profile).toBe(a.stats.profile);
        expect(Array.from(b.outputs.logits!.data as Float32Array)).toEqual(Array.from(a.outputs.logits!.data as Float32Array));
      }
    } finally {
      await m.dispose();
      await rebuilt.dispose();
    }
  });

  it('needs the custom converters a model was compiled with', async () => {
    const m = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] } });
    const bytes = withManifest(await m.toBytes(), (j) => {
      j.converters = [{ opType: 'MyRelu', domain: 'com.example', sinceVersion: 1 }];
    });
    await expect(load(bytes)).rejects.toMatchObject({ code: 'CONVERTER', message: expect.stringContaining('com.example::MyRelu (since 1)') });
    await m.dispose();
  });
});
