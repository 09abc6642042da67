/**
 * Reduced precision on the cuda backend: the engine-level suite (which layers run in
 * fp16/bf16, which stay fp32 and why, plan round trip, error against the fp32 engine; see
 * test/engine/helpers/precision-suite.ts for its tolerances), then whole models compiled with
 * precisions ['fp16'] or ['bf16'] against onnxruntime in fp32.
 *
 * Model tolerance (max |got - ort| / max |ort| over each output): 2e-2 for fp16 and 1.2e-1
 * for bf16. Every activation is rounded to the reduced type once per layer (2^-11 resp. 2^-8
 * relative) while sums run in fp32; over L layers independent roundings grow like sqrt(L),
 * amplified a few times by the weights: resnet-style nets of ~50 layers land near
 * 7 * 4.9e-4 * 3 ~ 1e-2 in fp16, and eight times that in bf16. The measured errors are
 * printed so that the tolerances can be checked against them.
 *
 * A model whose fp32 activations (measured by onnxruntime, every intermediate value made an
 * output) leave fp16's range (65504) cannot run in fp16 at all, on any engine: its fp16 case
 * is skipped with that measurement. Most light_* models are such: their weights are all the
 * constant 0.02, so each layer multiplies activations by ~0.02 * fan-in (alexnet's reach
 * 8.8e10 on the test input); bf16, with fp32's range, runs them all.
 */
import { describe, expect, it } from 'vitest';
import type ort from 'onnxruntime-node';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { lower } from '../../src/lowering/index.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import { precisionSuite } from '../engine/helpers/precision-suite.js';
import { CONFORMANCE_MISSING, lightModels } from '../helpers/conformance.js';
import { ortRun, relativeError, resnet, sine, transformer } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';
import { describeIf } from '../helpers/skip.js';

const MODEL_TOL = { fp16: 2e-2, bf16: 1.2e-1 } as const;
const FP16_MAX = 65504;

/** The largest |value| of any float32 intermediate of the model, run by onnxruntime. */
async function maxActivation(file: string, input: string, x: ort.Tensor): Promise<number> {
  const g = Graph.fromModel(loadModelProto(file), file);
  await lower(g, { inputShapes: { [input]: [...x.dims] } });
  const outs = new Set(g.outputs);
  for (const n of g.nodes) for (const o of n.outputs) if (o && g.types.get(o)?.dtype === 'float32') outs.add(o);
  g.outputs = [...outs];
  let max = 0;
  for (const t of Object.values(await ortRun(encodeModel(g.toModel()), { [input]: x }))) {
    if (t.type !== 'float32') continue;
    for (const v of t.data as Float32Array) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  }
  return max;
}

interface Case {
  name: string;
  file: string;
  shape: number[];
}

const models: Case[] = [
  { name: 'resnet_mini', file: resnet, shape: [1, 3, 64, 64] },
  { name: 'transformer_block', file: transformer, shape: [2, 9, 64] },
  ...lightModels().map((m) => ({ name: m.name, file: m.model, shape: [1, 3, 224, 224] })),
];

describeIf(CUDA, 'precision (cuda)', NO_CUDA, () => {
  precisionSuite('cuda');

  for (const p of ['fp16', 'bf16'] as const) {
    describe(`${p} models against onnxruntime fp32 (tolerance ${MODEL_TOL[p]})`, () => {
      for (const m of models)
        it(m.name, async (ctx) => {
          const name = Graph.fromModel(loadModelProto(m.file), m.file).inputs[0]!;
          const x = sine(m.shape, 0.3);
          if (p === 'fp16') {
            const peak = await maxActivation(m.file, name, x);
            if (peak > FP16_MAX) {
              console.log(`precision fp16 ${m.name}: skipped, fp32 activations reach ${peak.toExponential(2)} (fp16 ends at 65504)`);
              ctx.skip();
            }
          }
          const model = await compile(m.file, { backend: 'cuda', precisions: [p], inputs: { [name]: m.shape } });
          try {
            const expected = await ortRun(m.file, { [name]: x });
            const outputs = await model.run({ [name]: x });
            for (const [o, want] of Object.entries(expected)) {
              const err = relativeError(outputs[o]!, want);
              console.log(`precision ${p} ${m.name} ${o}: max relative error ${err.toExponential(2)}`);
              expect(err, `${o}`).toBeLessThanOrEqual(MODEL_TOL[p]);
            }
            // The report says how many layers ran in the reduced type (and which stayed fp32, why).
            const reduced = model.report.engines.reduce((n, e) => n + (e.layerPrecisions[p] ?? 0), 0);
            expect(reduced).toBeGreaterThan(0);
            for (const e of model.report.engines) for (const k of e.keptFp32) expect(k.reason.length).toBeGreaterThan(0);
          } finally {
            await model.dispose();
          }
        });
    });
  }
});

describe.skipIf(!CUDA || lightModels().length > 0)('precision (cuda): light_* models', () => {
  it.skip(CONFORMANCE_MISSING, () => {});
});
