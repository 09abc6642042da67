// Whole models through compile() and the hybrid executor on the cpu backend, default options:
// - every conformance light_* model against the expected output shipped with it (light/*_output_0.pb,
//   computed by ONNX's reference evaluator). Their weights are uniform (ConstantOfShape), so the
//   output does not depend on the input and any input reproduces it. Tolerance, per element:
//   |got - want| <= 1e-6 + 1e-4 * |want| (outputs are softmax probabilities of order 1e-3; the
//   engines sum convolutions in another order than the reference, in fp32);
// - both examples against onnxruntime alone on the same input: max |got - want| / max |want|
//   <= 1e-5 (the measure of helpers.relativeError).
import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { tensorFromProto } from '../../src/onnx/tensor.js';
import { CONFORMANCE_MISSING, lightModels } from '../helpers/conformance.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, resnet, sine, transformer } from '../runtime/helpers.js';

const models = lightModels();
const opened: CompiledModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.dispose();
});

describeIf(
  HAS_NATIVE && models.length > 0,
  'conformance light_* models through the hybrid executor',
  HAS_NATIVE ? CONFORMANCE_MISSING : NATIVE_MISSING,
  () => {
    it.each(models)('$name', async ({ model: file, output }) => {
      const model = await compile(file, { threads: 1 });
      opened.push(model);
      expect(model.backend).toBe('cpu');
      expect(model.report.engines.length).toBeGreaterThan(0);
      const input = model.inputs[0]!;
      const { outputs, stats } = await model.runWithStats({ [input.name]: sine(input.shape, 1) });
      const want = tensorFromProto(TensorProtoType.decode(fs.readFileSync(output)) as unknown as TensorProto);
      const got = outputs[model.outputNames[0]!]!;
      expect(got.dims).toEqual(want.dims);
      const a = got.data as Float32Array;
      const b = want.data as Float32Array;
      let bad = 0;
      for (let i = 0; i < b.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= 1e-6 + 1e-4 * Math.abs(b[i]!))) bad++;
      expect(bad, `elements outside tolerance`).toBe(0);
      // Every segment of the partition ran, in order.
      expect(stats.segments.map((s) => s.id)).toEqual(model.report.data.segments.map((s) => s.id));
    });
  },
);

describeIf(HAS_NATIVE, 'the examples through the hybrid executor', NATIVE_MISSING, () => {
  const cases = [
    { file: resnet, input: 'input', shape: [2, 3, 64, 64] },
    { file: transformer, input: 'hidden_states', shape: [2, 7, 64] },
  ];
  it.each(cases)('$input of $file matches onnxruntime alone', async ({ file, input, shape }) => {
    const model = await compile(file, { inputs: [{ name: input, shape }], threads: 1 });
    opened.push(model);
    const x = sine(shape, 0.5);
    const got = await model.run({ [input]: x });
    const want = await ortRun(file, { [input]: x });
    for (const name of Object.keys(want)) {
      expect(got[name]!.dims).toEqual(want[name]!.dims);
      expect(relativeError(got[name]!, want[name]!), name).toBeLessThanOrEqual(1e-5);
    }
    // Both examples are fully engine-supported: one engine segment, nothing crosses a boundary.
    expect(model.report.data.summary).toMatchObject({ engineSegments: 1, fallbackSegments: 0, boundaryTransfers: 0 });
  });
});
