/**
 * `hybrid-run --int8 --calib-data DIR --input-value sr=16000` (and its --dry-run), in-process on
 * the cpu backend, on a Silero-shaped model (test/helpers/rate-gated.ts) with a layer ahead of
 * the If: audio [1,8] ─► MatMul ─► Relu ─► x ─► If (sr == 16000): Sigmoid(x·w + b). The folder
 * holds one .npy of `audio` per batch, no `sr`: that fits only where calibration runs the model
 * with sr fixed, and then both MatMuls (the one in the taken branch too) are quantized, which
 * the run's note says. The run's outputs are held to onnxruntime on the fp32 model with
 * sr = 16000 within 0.05: a loose bound on int8 error through a sigmoid (slope ≤ 1/4), enough to
 * tell the 16 kHz branch from the other (a count of nonzeros, ≥ 1); the int8 numerics are held
 * tightly in test/compiler/int8-input-values.test.ts, and this test holds the flags' wiring.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import { readNpy, writeNpy } from '../../src/onnx/npy.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { rateGatedWithHead } from '../helpers/rate-gated.js';
import { runMain, tempDir, writeModel } from './helpers.js';

describe('hybrid-run --int8 with --input-value', () => {
  itIf(HAS_NATIVE, 'calibrates from batches without the fixed input, quantizing the taken branch', NATIVE_MISSING, async () => {
    const dir = tempDir('hybridrt-int8-fixed-cli-');
    const W0 = { dtype: 'float32' as const, dims: [8, 8], data: Float32Array.from({ length: 64 }, (_, i) => Math.cos(i * 0.9) * 0.3) };
    const model = writeModel(dir, 'model.onnx', rateGatedWithHead(W0, 1));
    const data = path.join(dir, 'calib');
    fs.mkdirSync(data);
    for (let k = 0; k < 4; k++) {
      writeNpy(path.join(data, `batch${k}.npy`), {
        dtype: 'float32',
        dims: [1, 8],
        data: Float32Array.from({ length: 8 }, (_, i) => Math.sin(i * 0.8 + k)),
      });
    }
    const flags = ['--backend', 'cpu', '--int8', '--calib-data', data, '--calib-method', 'minmax', '--input-value', 'sr=16000'];
    const note = `precision int8: 2 activation(s) (Q/DQ, per tensor) and 2 weight(s) (per output channel) quantized from minmax calibration over ${data}`;

    const dry = await runMain(model, ...flags, '--dry-run');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.err).toContain(note);

    const [out, inputs] = [path.join(dir, 'out'), path.join(dir, 'in')];
    const r = await runMain(model, ...flags, '--output-dir', out, '--save-inputs', inputs);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(note);
    const audio = readNpy(path.join(inputs, 'audio.npy'));
    const session = await ort.InferenceSession.create(fs.readFileSync(model), { logSeverityLevel: 3 });
    try {
      const want = (
        await session.run({
          audio: new ort.Tensor('float32', audio.data as Float32Array, audio.dims),
          sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []),
        })
      ).y!.data as Float32Array;
      const got = readNpy(path.join(out, 'y.npy')).data as Float32Array;
      expect(got).toHaveLength(4);
      expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!)))).toBeLessThan(0.05);
    } finally {
      await session.release();
    }
    fs.rmSync(dir, { recursive: true });
  });
});
