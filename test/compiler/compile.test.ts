// compile() beyond whole models: the three model sources, progress and log callbacks, a user
// converter that puts a custom op on an engine, shape probing where inference has no rule, and
// a shape that depends on the data (its readers stay on onnxruntime).
import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import type { Converter } from '../../converters/types.js';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, resnet, sine } from '../runtime/helpers.js';

const opened: CompiledModel[] = [];
const keep = (m: CompiledModel) => (opened.push(m), m);
afterAll(async () => {
  for (const m of opened) await m.dispose();
});

/** The engine segment (or fallback) each node landed in, by node name. */
function placement(m: CompiledModel): Record<string, 'engine' | 'fallback'> {
  const kinds = new Map(m.report.data.segments.map((s) => [s.id, s.kind]));
  return Object.fromEntries(m.report.data.nodes.map((n) => [n.name, kinds.get(n.segment)!]));
}

/**
 * x [16] -> Greater(0) -> Compress(x, ·) -> Cast -> Relu -> Neg -> y: a shape that depends on the
 * data, made by an op no converter takes (NonZero's engines size theirs: test/compiler/nonzero.test.ts).
 */
function nonzeroModel(): Uint8Array {
  return encodeModel(
    buildModel({
      inputs: [{ name: 'x', shape: [16] }],
      outputs: [{ name: 'y', dtype: 'int32' }],
      initializers: { zero: { dtype: 'float32', dims: [], data: Float32Array.of(0) } },
      nodes: [
        { op: 'Greater', inputs: ['x', 'zero'], outputs: ['pos'], name: 'greater' },
        { op: 'Compress', inputs: ['x', 'pos'], outputs: ['idx'], name: 'nonzero' },
        { op: 'Cast', inputs: ['idx'], outputs: ['f'], attrs: { to: 6 }, name: 'cast' },
        { op: 'Relu', inputs: ['f'], outputs: ['r'], name: 'relu' },
        { op: 'Neg', inputs: ['r'], outputs: ['y'], name: 'neg' },
      ],
    }),
  );
}

describeIf(HAS_NATIVE, 'compile()', NATIVE_MISSING, () => {
  it('takes a path, the bytes of a model, or a ModelProto, with the same result', async () => {
    const x = sine([1, 3, 64, 64]);
    const inputs = { input: [1, 3, 64, 64] };
    const fromPath = keep(await compile(resnet, { inputs, threads: 1 }));
    const fromBytes = keep(await compile(new Uint8Array(fs.readFileSync(resnet)), { inputs, threads: 1 }));
    const fromProto = keep(await compile(loadModelProto(resnet), { inputs, threads: 1 }));
    const a = (await fromPath.run({ input: x })).logits!.data;
    expect((await fromBytes.run({ input: x })).logits!.data).toEqual(a);
    expect((await fromProto.run({ input: x })).logits!.data).toEqual(a);
    expect(fromPath.report.data.model.file).toBe(resnet);
    expect(fromBytes.report.data.model.file).toBe('<bytes>');
  });

  it('reports progress per phase, one build step per engine, one session step per fallback segment', async () => {
    const steps: string[] = [];
    const named: string[] = [];
    const m = keep(
      await compile(resnet, {
        inputs: { input: [1, 3, 64, 64] },
        fallbackOps: ['Relu'],
        minBlockSize: 1,
        threads: 1,
        // A call with a step names a step of the analysis within 'analyze 0/1' (docs/api.md).
        onProgress: (phase, done, total, step) =>
          step === undefined ? steps.push(`${phase} ${done}/${total}`) : named.push(`${phase} ${done}/${total}: ${step}`),
      }),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((n) => n.startsWith('analyze 0/1: '))).toBe(true);
    expect(named).toContain('analyze 0/1: partition');
    const { engineSegments, fallbackSegments } = m.report.data.summary;
    const expected = [
      'analyze 0/1',
      'analyze 1/1',
      ...Array.from({ length: engineSegments + 1 }, (_, i) => `build ${i}/${engineSegments}`),
      ...Array.from({ length: fallbackSegments + 1 }, (_, i) => `sessions ${i}/${fallbackSegments}`),
    ];
    expect(steps).toEqual(expected);
    expect(m.report.engines.map((e) => e.segment)).toEqual(m.report.data.segments.filter((s) => s.kind === 'engine').map((s) => s.id));
    expect(m.report.compileMs.total).toBeGreaterThan(0);
    expect(m.report.text({ color: false })).toContain('fallbackOps Relu');
    expect(JSON.parse(m.report.render('json')).summary.engineSegments).toBe(engineSegments);
  });

  it('puts a custom op on an engine through a user converter (the `registry` option)', async () => {
    // y = MyShiftedRelu(x) = relu(x) + 1 in domain com.example, which onnxruntime cannot run.
    const shiftedRelu: Converter = {
      opType: 'MyShiftedRelu',
      domain: 'com.example',
      sinceVersion: 1,
      validate: () => ({ ok: true }),
      convert(node, ctx, net) {
        const r = net.add('unary', [ctx.input(node, 0)], { op: 'relu' }, `${node.name}/relu`)[0]!;
        const one = net.constant({ dtype: 'float32', dims: [], data: Float32Array.of(1) }, `${node.name}/one`);
        ctx.setOutput(node, 0, net.add('elementwise', [r, one], { op: 'add' }, `${node.name}/add`)[0]!);
      },
    };
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', shape: [2, 5] }],
        outputs: [{ name: 'y', shape: [2, 5] }],
        opsets: { 'com.example': 1 },
        nodes: [{ op: 'MyShiftedRelu', domain: 'com.example', inputs: ['x'], outputs: ['y'] }],
      }),
    );
    // Without the converter the op falls back, and onnxruntime cannot load it.
    await expect(compile(model)).rejects.toMatchObject({ code: 'NATIVE', message: expect.stringContaining('MyShiftedRelu') });
    const m = keep(await compile(model, { registry: [shiftedRelu], minBlockSize: 0 }));
    const x = Float32Array.from({ length: 10 }, (_, i) => i - 4.5);
    const y = (await m.run({ x })).y!;
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(x, (v) => Math.max(v, 0) + 1));
    expect(m.report.data.summary).toMatchObject({ engineSegments: 1, fallbackSegments: 0 });
  });

  it('probes the shape an op without an inference rule produces, so that its readers can go to an engine', async () => {
    //   x[8,8] ──► com.microsoft::Inverse (no inference rule: shape unknown) ──g──► Relu ──► Mul(w) ──► Add(b) ──► y
    // Without probing, Relu/Mul/Add would see an input of unknown shape and fall back.
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', shape: [8, 8] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        opsets: { 'com.microsoft': 1 },
        initializers: {
          w: { dtype: 'float32', dims: [8], data: Float32Array.from({ length: 8 }, (_, i) => 0.5 + i / 8) },
          b: { dtype: 'float32', dims: [8], data: Float32Array.from({ length: 8 }, (_, i) => i / 10 - 0.3) },
        },
        nodes: [
          { op: 'Inverse', domain: 'com.microsoft', inputs: ['x'], outputs: ['g'], name: 'inverse' },
          { op: 'Relu', inputs: ['g'], outputs: ['r'], name: 'relu' },
          { op: 'Mul', inputs: ['r', 'w'], outputs: ['m'], name: 'mul' },
          { op: 'Add', inputs: ['m', 'b'], outputs: ['y'], name: 'add' },
        ],
      }),
    );
    const logs: string[] = [];
    const m = keep(await compile(model, { threads: 1, onLog: (msg) => logs.push(msg) }));
    expect(placement(m)).toEqual({ inverse: 'fallback', relu: 'engine', mul: 'engine', add: 'engine' });
    expect(m.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: [8, 8] }]);
    const x = sine([8, 8]);
    const got = await m.run({ x });
    expect(relativeError(got.y!, (await ortRun(model, { x })).y!)).toBeLessThanOrEqual(1e-6);
  });

  it('leaves the readers of a data-dependent shape on onnxruntime, with a warning', async () => {
    //   x[16] ──► Greater(0) ──► Compress(x, ·) ──► Cast(int32) ──► Relu ──► Mul(2) ──► Neg ──► y[?]
    // Compress's output size is the number of positive x: two probes disagree. (No converter takes
    // Compress; a NonZero's readers take its size over a range: test/compiler/nonzero.test.ts.)
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', shape: [16] }],
        outputs: [{ name: 'y', dtype: 'int32' }],
        initializers: {
          zero: { dtype: 'float32', dims: [], data: Float32Array.of(0) },
          two: { dtype: 'int32', dims: [], data: Int32Array.of(2) },
        },
        nodes: [
          { op: 'Greater', inputs: ['x', 'zero'], outputs: ['pos'], name: 'greater' },
          { op: 'Compress', inputs: ['x', 'pos'], outputs: ['idx'], name: 'nonzero' },
          { op: 'Cast', inputs: ['idx'], outputs: ['f'], attrs: { to: 6 }, name: 'cast' },
          { op: 'Relu', inputs: ['f'], outputs: ['r'], name: 'relu' },
          { op: 'Mul', inputs: ['r', 'two'], outputs: ['m'], name: 'mul' },
          { op: 'Neg', inputs: ['m'], outputs: ['y'], name: 'neg' },
        ],
      }),
    );
    const warnings: string[] = [];
    const m = keep(await compile(model, { threads: 1, minBlockSize: 1, onLog: (msg, level) => level === 'warn' && warnings.push(msg) }));
    expect(warnings.join('\n')).toMatch(/the shapes of .*idx.* depend on the input data: the nodes that read them run on onnxruntime/);
    const where = placement(m);
    for (const n of ['nonzero', 'cast', 'relu', 'mul', 'neg']) expect(where[n], n).toBe('fallback');
    // Runs with inputs giving different output sizes all match onnxruntime.
    for (const phase of [0, 1.3, 2.9]) {
      const x = sine([16], phase);
      const got = (await m.run({ x })).y!;
      const want = (await ortRun(model, { x })).y!;
      expect(got.dims).toEqual(want.dims);
      expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
    }
  });

  it('probes with the given probeFeeds instead of random samples', async () => {
    // Where random samples would be invalid (indices, lengths), a user gives real feeds; they
    // are checked like run()'s feeds.
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', shape: [8, 8] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        opsets: { 'com.microsoft': 1 },
        nodes: [
          { op: 'Inverse', domain: 'com.microsoft', inputs: ['x'], outputs: ['g'], name: 'inverse' },
          { op: 'Relu', inputs: ['g'], outputs: ['y'], name: 'relu' },
        ],
      }),
    );
    const m = keep(await compile(model, { probeFeeds: { x: sine([8, 8], 4) }, minBlockSize: 1, threads: 1 }));
    expect(placement(m)).toEqual({ inverse: 'fallback', relu: 'engine' });
    await expect(compile(model, { probeFeeds: { x: sine([3, 8]) } })).rejects.toMatchObject({ code: 'INPUT' });
  });
  it('finds a data-dependent shape with given probeFeeds too (the CLI probes with its own inputs)', async () => {
    // The same feeds probed twice agree on every shape; resamples of them do not.
    const model = nonzeroModel();
    const x = sine([16]);
    const m = keep(await compile(model, { threads: 1, minBlockSize: 1, probeFeeds: { x } }));
    const where = placement(m);
    for (const n of ['nonzero', 'cast', 'relu', 'neg']) expect(where[n], n).toBe('fallback');
    for (const phase of [0, 2.9]) {
      const xi = sine([16], phase);
      expect((await m.run({ x: xi })).y!.dims).toEqual((await ortRun(model, { x: xi })).y!.dims);
    }
  });

  it('says what the backend computes in: fp16 on cpu is fp32, said once; int8 without a calibration is refused', async () => {
    const logs: string[] = [];
    const m = keep(
      await compile(resnet, { inputs: { input: [1, 3, 64, 64] }, backend: 'cpu', precisions: ['fp16'], threads: 1, onLog: (msg) => logs.push(msg) }),
    );
    expect(m.report.precisions).toEqual(['fp32']);
    expect(logs.filter((l) => l.includes('precision'))).toEqual([
      'the cpu backend computes in fp32: precision fp16 has no effect here (it applies on cuda)',
    ]);
    await expect(compile(resnet, { inputs: { input: [1, 3, 64, 64] }, precisions: ['int8'] })).rejects.toMatchObject({
      code: 'OPTION',
      message: expect.stringMatching(/^precision 'int8' needs a calibration/),
    });
  });
  it('runs an engine segment on onnxruntime where a run brings another shape than probing found, with one warning', async () => {
    // Probed with all-positive feeds, Compress's count looks fixed (16, three samples alike);
    // real data has fewer positives: the engine segment after it meets [k], not [16].
    const model = nonzeroModel();
    const warnings: string[] = [];
    const ones = { dtype: 'float32' as const, dims: [16], data: new Float32Array(16).fill(1) };
    const m = keep(
      await compile(model, { threads: 1, minBlockSize: 1, probeFeeds: { x: ones }, onLog: (msg, level) => level === 'warn' && warnings.push(msg) }),
    );
    expect(placement(m).relu).toBe('engine');
    for (const phase of [0, 1.3]) {
      const x = sine([16], phase);
      const got = (await m.run({ x })).y!;
      const want = (await ortRun(model, { x })).y!;
      expect(got.dims).toEqual(want.dims);
      expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
    }
    expect(warnings.filter((w) => /depends on the input data\); this and later such runs compute the segment on onnxruntime/.test(w))).toHaveLength(
      1,
    );
  });
});
