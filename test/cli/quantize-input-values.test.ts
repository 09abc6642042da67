/**
 * `hybrid-run quantize --input-value sr=16000`, in-process, on a Silero-shaped model
 * (test/helpers/rate-gated.ts) with a layer ahead of the If: audio [1,8] ─► MatMul ─► Relu ─►
 * x ─► If (sr == 16000): Sigmoid(x·w + b). The folder holds one .npy of `audio` per batch, no
 * `sr`: that fits only where calibration runs the model with sr fixed, and then both MatMuls
 * (the one in the taken branch too) are quantized, which the printed line says. The written
 * model has audio as its only input; onnxruntime's run of it is held to onnxruntime's run of the
 * fp32 model with sr = 16000 within 0.05: a loose bound on int8 error through a sigmoid (slope
 * ≤ 1/4), enough to tell the 16 kHz branch from the other (a count of nonzeros, ≥ 1); the int8
 * numerics are held tightly in test/quantize/quantize-input-values.test.ts, and this test holds
 * the flag's wiring and its errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { writeNpy } from '../../src/onnx/npy.js';
import { rateGatedWithHead } from '../helpers/rate-gated.js';
import { expectOneLineError, ortRun, runMainRaw, tempDir, writeModel } from './helpers.js';

describe('hybrid-run quantize --input-value', () => {
  it('calibrates from batches without the fixed input, and writes the model at its value', async () => {
    const dir = tempDir('hybridrt-quantize-fixed-');
    const W0 = { dtype: 'float32' as const, dims: [8, 8], data: Float32Array.from({ length: 64 }, (_, i) => Math.cos(i * 0.9) * 0.3) };
    const model = writeModel(dir, 'model.onnx', rateGatedWithHead(W0, 1));
    const data = path.join(dir, 'calib');
    fs.mkdirSync(data);
    const batch = (k: number) => Float32Array.from({ length: 8 }, (_, i) => Math.sin(i * 0.8 + k));
    for (let k = 0; k < 4; k++) writeNpy(path.join(data, `batch${k}.npy`), { dtype: 'float32', dims: [1, 8], data: batch(k) });
    const out = path.join(dir, 'model.qdq.onnx');
    const r = await runMainRaw('quantize', model, '--input-value', 'sr=16000', '--calib-data', data, '--calib-method', 'minmax', '-o', out);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      `${model}: 2 activation(s) quantized (int8 Q/DQ, per tensor) and 2 weight(s) (int8, per output channel) from minmax calibration over ${data} -> ${out}\n` +
        `fixed: sr=16000 (constants of ${out}, no longer inputs)\n`,
    );
    expect(Graph.fromModel(loadModelProto(out)).inputs).toEqual(['audio']);
    for (const phase of [0.5, 2.5]) {
      const audio = new ort.Tensor('float32', batch(phase), [1, 8]);
      const want = (await ortRun(model, { audio, sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []) })).y!.data as Float32Array;
      const got = (await ortRun(out, { audio })).y!.data as Float32Array;
      expect(got).toHaveLength(4);
      expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!)))).toBeLessThan(0.05);
    }

    const cases: Array<[string[], RegExp]> = [
      [['--input-value', 'rate=16000'], /--input-value rate=16000: the model has no input 'rate'; .*its inputs: audio, sr/],
      [['--input-value', 'sr=16k'], /--input-value sr=16k: '16k' is not an integer \(input 'sr' is int64\)/],
      [['--input-value', 'sr'], /--input-value sr: expected NAME=VALUE/],
    ];
    for (const [flags, message] of cases) {
      const e = await runMainRaw('quantize', model, ...flags, '--calib-data', data, '-o', path.join(dir, 'o.onnx'));
      expect(e.code, flags.join(' ')).toBe(2);
      expect(expectOneLineError(e.err)).toMatch(message);
    }
    expect((await runMainRaw('quantize', '--help')).out).toContain('--input-value <name=values>');
    fs.rmSync(dir, { recursive: true });
  });
});
