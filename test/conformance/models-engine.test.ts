/**
 * Whole models through engines only (requireFullCompilation, cpu backend): no node may fall
 * back to onnxruntime.
 * - The 9 light_* models against their expected outputs (light/*_output_0.pb, from ONNX's
 *   reference evaluator), fp32 rtol 1e-5 / atol 1e-6 (helpers/compare.ts). Their weights are
 *   uniform, so the output does not depend on the input: a sine ramp serves.
 * - The same models with seeded random weights (helpers/random-weights.ts), which make every
 *   channel different, against onnxruntime alone on the same model and input (a softmax's
 *   output with a tolerance scaled by its logits' size, see the test); and both
 *   examples (random weights already) against onnxruntime alone. Measure: max |got - want| /
 *   max |want| per output (test/runtime/helpers.ts relativeError) <= 1e-5: an fp32 sum's
 *   rounding error scales with its terms, not its result, so per-element relative error is
 *   not meaningful for outputs that cancel to near 0 (as in the differential tests).
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import { fromOrtTensor } from '../../src/onnx/ort.js';
import type { ModelProto } from '../../src/onnx/proto.js';
import { readTensorFile } from '../../src/onnx/tensor-file.js';
import { CONFORMANCE_MISSING, lightModels } from '../helpers/conformance.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, resnet, sine, transformer } from '../runtime/helpers.js';
import { compareTensors } from './helpers/compare.js';
import { withRandomWeights } from './helpers/random-weights.js';

const light = lightModels();
const ENGINE_ONLY = { backend: 'cpu', requireFullCompilation: true, threads: 2 } as const;

/** Compiles engine-only, runs `input`, and checks that engines alone ran it. */
async function runOnEngines(model: string | ModelProto, shapes: Record<string, number[]>, phase: number) {
  const compiled = await compile(model, { ...ENGINE_ONLY, inputs: shapes });
  try {
    expect(compiled.report.data.summary).toMatchObject({ fallbackSegments: 0 });
    expect(compiled.report.engines.length).toBe(compiled.report.data.summary.engineSegments);
    expect(compiled.report.engines.length).toBeGreaterThan(0);
    const feeds = Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, sine(shape, phase)]));
    return { feeds, outputs: await compiled.run(feeds) };
  } finally {
    await compiled.dispose();
  }
}

describeIf(HAS_NATIVE && light.length > 0, 'light_* models wholly on engines', HAS_NATIVE ? CONFORMANCE_MISSING : NATIVE_MISSING, () => {
  it('finds the 9 light models', () => {
    expect(light.length).toBe(9);
  });

  it.each(light)('$name reproduces its expected output', async ({ model, output }) => {
    const { outputs } = await runOnEngines(model, { [inputName(model)]: [1, 3, 224, 224] }, 1);
    const got = Object.values(outputs);
    expect(got).toHaveLength(1);
    expect(compareTensors(fromOrtTensor(got[0]!, 'output'), readTensorFile(output).tensor)).toBeUndefined();
  });

  it.each(light)('$name with random weights matches onnxruntime alone', async ({ model }) => {
    const { model: proto, logits } = withRandomWeights(model, 7);
    const shapes = { [inputName(model)]: [1, 3, 224, 224] };
    const { feeds, outputs } = await runOnEngines(proto, shapes, 2);
    const want = await ortRun(encodeModel(proto), feeds);
    for (const [name, t] of Object.entries(want)) {
      // A constant output would mean the random weights did not take.
      const data = t.data as Float32Array;
      expect(Math.max(...data) - Math.min(...data), `${name} varies`).toBeGreaterThan(0);
      // softmax(z + dz) - softmax(z) = p * (dz - sum(p * dz)): its error relative to max p is
      // at most 2 max|dz|, and the logits' own error is 1e-5 * max|z| at most.
      const z = logits.get(name);
      const scale = z ? Math.max(1, 2 * Math.max(...(want[z]!.data as Float32Array).map(Math.abs))) : 1;
      expect(relativeError(outputs[name]!, t), name).toBeLessThanOrEqual(1e-5 * scale);
    }
  });
});

describeIf(HAS_NATIVE, 'examples wholly on engines', NATIVE_MISSING, () => {
  it.each([
    { file: resnet, input: 'input', shape: [2, 3, 64, 64] },
    { file: transformer, input: 'hidden_states', shape: [2, 7, 64] },
  ])('$file matches onnxruntime alone', async ({ file, input, shape }) => {
    const { feeds, outputs } = await runOnEngines(file, { [input]: shape }, 0.5);
    const want = await ortRun(file, feeds);
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(want).sort());
    for (const [name, t] of Object.entries(want)) expect(relativeError(outputs[name]!, t), name).toBeLessThanOrEqual(1e-5);
  });
});

/** The light models' one data input (their weights are nodes, not inputs). */
function inputName(model: string): string {
  const inputs = Graph.fromModel(loadModelProto(model), model).inputs;
  expect(inputs).toHaveLength(1);
  return inputs[0]!;
}
