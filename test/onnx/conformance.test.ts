/**
 * The ONNX conformance data through src/onnx, checked against onnxruntime-node:
 *  - every .onnx file loads;
 *  - Graph.fromModel(m).toModel(), saved, is accepted by onnxruntime and computes the same
 *    outputs, bit for bit, as the original on the test inputs (light_* models: a seeded input);
 *  - the input_*.pb / output_*.pb files as read agree with onnxruntime run on the model, for
 *    every dtype they hold (float within a tolerance, integers and bools exactly); bfloat16,
 *    which onnxruntime-node cannot carry, is checked against the Cast tests' other side.
 * The sweep runs once (conformance-sweep.ts); each `it` asserts one part of its result.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bfloat16BitsToFloat32, float32ToBfloat16Bits } from '../../src/onnx/half.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { readTensorFile } from '../../src/onnx/tensor-file.js';
import { CONFORMANCE_MISSING, allConformanceModels, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { type SweepResult, runSweep, sweepCases } from './conformance-sweep.js';

const root = conformanceDir();

/**
 * Output files where onnxruntime 1.30 disagrees with the ONNX reference outputs for reasons
 * of its own (the same outputs fail in onnxruntime's own backend-test filters), not because of
 * how the files were read. Each entry must still fail: a stale entry is reported.
 */
const ORT_DISAGREES: Record<string, string> = {
  'node/test_resize_downsample_scales_cubic_align_corners:output_0.pb': 'onnxruntime computes align_corners downsampling coordinates differently',
  'node/test_resize_downsample_scales_linear_align_corners:output_0.pb': 'onnxruntime computes align_corners downsampling coordinates differently',
  'node/test_maxunpool_export_with_output_shape:output_0.pb': 'onnxruntime places unpooled values differently when output_shape is given',
  'node/test_training_dropout:output_0.pb': "training-mode Dropout is random: onnxruntime's generator is not NumPy's",
  'node/test_training_dropout_mask:output_0.pb': "training-mode Dropout is random: onnxruntime's generator is not NumPy's",
  'node/test_training_dropout_mask:output_1.pb': "training-mode Dropout is random: onnxruntime's generator is not NumPy's",
  'node/test_training_dropout_default:output_0.pb': "training-mode Dropout is random: onnxruntime's generator is not NumPy's",
  'node/test_training_dropout_default_mask:output_0.pb': "training-mode Dropout is random: onnxruntime's generator is not NumPy's",
  'node/test_training_dropout_default_mask:output_1.pb': "training-mode Dropout is random: onnxruntime's generator is not NumPy's",
  // The 84 causally masked scores, and nothing else (an infinity matches only itself).
  'node/test_attention_4d_with_past_and_present_qk_matmul_bias_3d_mask_causal:output_3.pb':
    'onnxruntime writes the lowest float32 (-3.4e38) for masked attention scores where the reference has -inf',
  'node/test_attention_4d_with_past_and_present_qk_matmul_bias_4d_mask_causal:output_3.pb':
    'onnxruntime writes the lowest float32 (-3.4e38) for masked attention scores where the reference has -inf',
};

/**
 * DFT/STFT in float32 accumulate more rounding in onnxruntime than the float64 reference
 * (errors up to 2.4e-4 on values of magnitude ~100, and 1.3e-5 where the reference has 0).
 */
const LOOSER: Record<string, { rtol: number; atol: number }> = Object.fromEntries(
  ['dft', 'dft_axis', 'dft_rfft', 'dft_inverse', 'dft_irfft']
    .flatMap((t) => [`test_${t}`, `test_${t}_opset19`])
    .concat(['test_stft', 'test_stft_with_window'])
    .map((t) => [`node/${t}`, { rtol: 1e-3, atol: 1e-3 }]),
);

describeIf(!!root, 'conformance models through src/onnx and onnxruntime', CONFORMANCE_MISSING, () => {
  let tmp: string;
  let result: SweepResult;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-conf-'));
    result = await runSweep(sweepCases(root!), tmp, LOOSER);
    const summary = [
      `${result.cases} models with test data; ${result.roundTripsCompared} round-trip runs compared; ${result.pbCompared} output files compared`,
      `${result.ortRejects.size} models onnxruntime 1.30 itself rejects (ops or types it lacks)`,
      ...[...result.setAside].map(([why, names]) => `${names.length} set aside: ${why}`),
    ];
    console.log(`onnx conformance:\n  ${summary.join('\n  ')}`);
  }, 600_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every .onnx file under the conformance folder loads', () => {
    const failures: string[] = [];
    const models = allConformanceModels(root);
    for (const f of models) {
      try {
        loadModelProto(f);
      } catch (e) {
        failures.push(`${f}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(models.length).toBeGreaterThan(1000);
  });

  it('IR round trip: onnxruntime accepts it and computes bit-identical outputs', () => {
    expect(result.roundTripFailures).toEqual([]);
    expect(result.roundTripsCompared).toBeGreaterThan(1000);
  });

  it('IR round trip of a model onnxruntime rejects is rejected with the same message', () => {
    const differ = [...result.ortRejects].filter(([, v]) => !v.sameForRoundTrip).map(([k, v]) => `${k}: ${v.message.slice(0, 120)}`);
    expect(differ).toEqual([]);
  });

  it('.pb inputs as read, run through onnxruntime, give the .pb outputs as read', () => {
    const unexpected = [...result.pbMismatches].filter(([k]) => !(k in ORT_DISAGREES)).map(([k, v]) => `${k}: ${v}`);
    expect(unexpected).toEqual([]);
    const stale = Object.keys(ORT_DISAGREES).filter((k) => !result.pbMismatches.has(k));
    expect(stale, 'entries of ORT_DISAGREES that now pass: remove them').toEqual([]);
    expect(result.pbCompared).toBeGreaterThan(1500);
  });

  it('that comparison covered every numeric dtype onnxruntime-node can carry', () => {
    const all = ['float32', 'float16', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];
    expect(all.filter((d) => !result.dtypesChecked.has(d))).toEqual([]);
  });

  it('bfloat16 .pb files agree with the float32 side of the Cast tests', () => {
    const pair = (test: string) => {
      const dir = path.join(root!, 'node', test, 'test_data_set_0');
      return { input: readTensorFile(path.join(dir, 'input_0.pb')).tensor, output: readTensorFile(path.join(dir, 'output_0.pb')).tensor };
    };
    for (const test of ['test_cast_FLOAT_to_BFLOAT16', 'test_castlike_FLOAT_to_BFLOAT16']) {
      const { input, output } = pair(test);
      expect(output.dtype).toBe('bfloat16');
      expect(Array.from(output.data as Uint16Array)).toEqual(Array.from(input.data as Float32Array, float32ToBfloat16Bits));
    }
    for (const test of ['test_cast_BFLOAT16_to_FLOAT', 'test_castlike_BFLOAT16_to_FLOAT']) {
      const { input, output } = pair(test);
      expect(input.dtype).toBe('bfloat16');
      const want = Array.from(input.data as Uint16Array, bfloat16BitsToFloat32);
      Array.from(output.data as Float32Array).forEach((v, i) =>
        expect(Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i]))).toBe(true),
      );
    }
  });
});
