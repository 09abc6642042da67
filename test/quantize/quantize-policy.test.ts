/**
 * quantize() with the precision policy (src/quantize/quantize.ts, policy.ts): the deliberately
 * sensitive CNN (helpers.ts sensitiveCnn, whose conv2 reads an activation that int8 rounds to
 * nothing) quantized with accuracyTarget { cosine: 0.999 } writes a Q/DQ model in which conv2
 * has no QuantizeLinear/DequantizeLinear around it (float input, float weights) while the
 * other layers are quantized; onnxruntime's run of the written file, with its optimizations on
 * (its int8 kernels) and off (the Q/DQ nodes as written), meets the target against its run of
 * the fp32 model on the calibration data, the cosine computed here; the all-int8 file, from
 * quantize() without the policy, misses it. The options are refused before any work.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import { quantize } from '../../src/quantize/quantize.js';
import { cosineOf, sensitiveCnn, ortYs } from './helpers.js';

const { spec, data } = sensitiveCnn();
const fp32 = encodeModel(buildModel(spec));
const calibration = { data, method: 'minmax' as const, progress: false };

const ortOutputs = (model: Uint8Array, optimize: boolean) => ortYs(model, data, optimize);

const isQdq = (op: string | undefined) => op === 'QuantizeLinear' || op === 'DequantizeLinear';

describe('quantize() with the precision policy', () => {
  it('accuracyTarget leaves the sensitive layer unquantized in the written file, which meets the target on onnxruntime', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quantize-policy-'));
    const output = path.join(dir, 'model.qdq.onnx');
    const q = await quantize(fp32, { ...calibration, accuracyTarget: { cosine: 0.999 }, int8Sensitivity: true, output });
    expect(q.kept).toEqual(['conv2']);
    expect(q.policy).toMatchObject({ target: { cosine: 0.999 }, kept: ['conv2'], outcome: 'met' });
    expect(q.sensitivity!.map((l) => l.node).sort()).toEqual(['conv1', 'conv2', 'conv3', 'gemm']);
    expect(q.sensitivity![0]!.node).toBe('conv2');
    // r1 is read by conv2 alone: no Q/DQ pair; W2 stays float.
    expect(q.activations).toEqual(['x', 'r2', 'f']);
    expect(q.weights).toEqual(['W1', 'W3', 'W4']);

    const g = Graph.fromModel(loadModelProto(output));
    const conv2 = g.nodes.find((n) => n.name === 'conv2')!;
    for (const v of conv2.inputs) expect(g.producer(v)?.opType, `conv2 reads ${v}`).not.toSatisfy(isQdq);
    expect(g.constant(conv2.inputs[1]!)).toMatchObject({ dtype: 'float32', dims: [8, 8, 3, 3] });
    for (const v of conv2.outputs) for (const n of g.consumers(v)) expect(n.opType, `${v} -> ${n.name}`).not.toSatisfy(isQdq);
    for (const name of ['conv1', 'conv3', 'gemm']) {
      const n = g.nodes.find((m) => m.name === name)!;
      for (const i of [0, 1]) expect(g.producer(n.inputs[i]!)?.opType, `${name} input ${i}`).toBe('DequantizeLinear');
    }

    const reference = await ortOutputs(fp32, true);
    const written = new Uint8Array(fs.readFileSync(output));
    for (const optimize of [true, false]) {
      const cosine = cosineOf(await ortOutputs(written, optimize), reference);
      expect(cosine, `optimizations ${optimize ? 'on' : 'off'}`).toBeGreaterThanOrEqual(0.999);
      expect(cosine).toBeLessThan(1); // still an int8 model
    }
    // The all-int8 model (no policy) misses the target, as the result's before figure says.
    const allInt8 = await quantize(fp32, calibration);
    const before = cosineOf(await ortOutputs(encodeModel(allInt8.model), false), reference);
    expect(before).toBeLessThan(0.99);
    expect(q.policy!.allInt8.cosine).toBeCloseTo(before, 6);
    expect(q.policy!.final.cosine).toBeGreaterThanOrEqual(0.999);
    expect(allInt8.kept).toEqual([]);
    expect(allInt8.policy).toBeUndefined();
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses bad options before any work, as compile() does', async () => {
    const nowhere = '/nonexistent/model.onnx'; // never read: the options fail first
    const cases: Array<[object, RegExp]> = [
      [{ data: 'calib/', accuracyTarge: { cosine: 0.9 } }, /^quantize options: unknown option 'accuracyTarge'; did you mean 'accuracyTarget'\?/],
      [{ data: 'calib/', accuracyTarget: { cosin: 0.99 } }, /^accuracyTarget keys: unknown option 'cosin'; did you mean 'cosine'\?/],
      [{ data: 'calib/', accuracyTarget: {} }, /^accuracyTarget names no measure/],
      [{ data: 'calib/', accuracyTarget: { cosine: 0 } }, /^accuracyTarget\.cosine must be a number in \(0, 1\]/],
      [{ data: 'calib/', int8Sensitivity: 1 }, /^int8Sensitivity must be a boolean/],
      [{ cache: __filename, int8Sensitivity: true }, /^int8Sensitivity measures .* give data \(a cache alone/],
      [
        { data: (function* () {})(), accuracyTarget: { top1: 0.9 } },
        /^accuracyTarget reads the calibration data once per measured model: give data as a folder .* or an array/,
      ],
      [{ data: 'calib/', method: 'kl' }, /^calibration method 'kl' is unknown/],
      [{ data: 'calib/', output: '' }, /^output must be a file path/],
    ];
    for (const [options, message] of cases) {
      await expect(quantize(nowhere, options as never), JSON.stringify(options)).rejects.toMatchObject({
        code: 'OPTION',
        message: expect.stringMatching(message),
      });
    }
  });
});
