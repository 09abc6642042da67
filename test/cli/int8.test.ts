/**
 * `hybrid-run model.onnx --int8 --calib-data DIR [--calib-method ...] [--calib-cache FILE]`
 * (src/cli/calib-flags.ts, the same flags `hybrid-run quantize` reads), in-process on the cpu
 * backend, on a model made here: x [1,2,6,6] ─► Conv 3x3 ─► Relu ─► Conv 3x3 ─► y.
 *
 * Reference: onnxruntime (optimizations off) running the Q/DQ model `hybrid-run quantize`
 * writes with the same flags, on the inputs the run saved: equal within one step of the last
 * quantized activation through the last layer's largest weight (as test/compiler/int8.test.ts).
 * Then the cache through trtexec's --calib, the dry run of the Q/DQ model, and the usage errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { readNpy, writeNpy } from '../../src/onnx/npy.js';
import { expectOneLineError, runMain, runMainRaw, tempDir, writeModel } from './helpers.js';

function setUp(): { dir: string; model: string; data: string } {
  const dir = tempDir('hybridrt-int8-cli-');
  const w = (n: number, phase: number) => Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7 + phase) * 0.25);
  const model = writeModel(dir, 'model.onnx', {
    opset: 13,
    inputs: [{ name: 'x', shape: [1, 2, 6, 6] }],
    outputs: [{ name: 'y' }],
    initializers: {
      w1: { dtype: 'float32', dims: [4, 2, 3, 3], data: w(72, 0) },
      w2: { dtype: 'float32', dims: [3, 4, 3, 3], data: w(108, 1) },
    },
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'Conv', inputs: ['r', 'w2'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } },
    ],
  });
  const data = path.join(dir, 'calib');
  fs.mkdirSync(data);
  for (let k = 0; k < 4; k++) {
    writeNpy(path.join(data, `batch${k}.npy`), {
      dtype: 'float32',
      dims: [1, 2, 6, 6],
      data: Float32Array.from({ length: 72 }, (_, i) => Math.sin(i * 0.5 + k)),
    });
  }
  return { dir, model, data };
}

describe('hybrid-run --int8', () => {
  itIf(HAS_NATIVE, 'compiles int8 layers from a calibration, equal to onnxruntime on the Q/DQ model quantize writes', NATIVE_MISSING, async () => {
    const { dir, model, data } = setUp();
    const cache = path.join(dir, 'model.cache');
    const [out, inputs] = [path.join(dir, 'out'), path.join(dir, 'in')];
    const flags = ['--calib-data', data, '--calib-method', 'minmax'];
    const r = await runMain(model, '--backend', 'cpu', '--int8', ...flags, '--calib-cache', cache, '--output-dir', out, '--save-inputs', inputs);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('precisions fp32,int8');
    expect(r.out).toContain(
      `precision int8: 2 activation(s) (Q/DQ, per tensor) and 2 weight(s) (per output channel) quantized from minmax calibration over ${data}; cache written to ${cache}`,
    );
    expect(fs.readFileSync(cache, 'utf8')).toMatch(/^TRT-8601-MinMaxCalibration\nx: [0-9a-f]+\nr: [0-9a-f]+\n$/);

    const qdq = path.join(dir, 'model.qdq.onnx');
    const q = await runMainRaw('quantize', model, ...flags, '-o', qdq);
    expect([q.code, q.err]).toEqual([0, '']);
    const x = readNpy(path.join(inputs, 'x.npy'));
    const s = await ort.InferenceSession.create(qdq, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    const ref = (await s.run({ x: new ort.Tensor('float32', x.data as Float32Array, x.dims) })).y!.data as Float32Array;
    await s.release();
    const got = readNpy(path.join(out, 'y.npy')).data as Float32Array;
    const g = Graph.fromModel(loadModelProto(qdq));
    const [w2, s2] = [g.constant('w2_quantized')!.data as Int8Array, g.constant('w2_scale')!.data as Float32Array];
    const step = (g.constant('r_scale')!.data as Float32Array)[0]! * Math.max(...Array.from(w2, (v, i) => Math.abs(v * s2[Math.floor(i / 36)]!)));
    const d = Math.max(...Array.from(got, (v, i) => Math.abs(v - ref[i]!)));
    expect(d, `${d} vs one step ${step}`).toBeLessThanOrEqual(step * 1.01);

    // trtexec's --calib FILE with --precision int8 and no data: the cache as written, the same bits.
    const out2 = path.join(dir, 'out2');
    const c = await runMain(
      model,
      '--backend',
      'cpu',
      '--precision',
      'int8',
      '--calib',
      cache,
      '--input',
      `x=${path.join(inputs, 'x.npy')}`,
      '--output-dir',
      out2,
    );
    expect([c.code, c.err]).toEqual([0, '']);
    expect(c.out).toContain(`quantized from the calibration cache ${cache}`);
    expect(readNpy(path.join(out2, 'y.npy')).data).toEqual(got);

    // The dry run partitions the Q/DQ model the run compiles.
    const report = path.join(dir, 'report.json');
    const dry = await runMain(model, '--backend', 'cpu', '--int8', '--calib-cache', cache, '--dry-run', '--report-file', report);
    expect(dry.code).toBe(0);
    expect(dry.err).toBe(
      `hybrid-run: note: precision int8: 2 activation(s) (Q/DQ, per tensor) and 2 weight(s) (per output channel) quantized from the calibration cache ${cache}\n`,
    );
    const ops = (JSON.parse(fs.readFileSync(report, 'utf8')) as { nodes: Array<{ opType: string }> }).nodes.map((n) => n.opType);
    expect(ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(2);
    fs.rmSync(dir, { recursive: true });
  });

  it('usage errors: one line, exit 2, naming the flags', async () => {
    const { dir, model, data } = setUp();
    const cases: Array<[string[], RegExp]> = [
      [['--int8'], /--calib-data DIR \(or an existing --calib-cache FILE\) is required by --precision int8 \(--int8\)/],
      [
        ['--precision', 'fp16,int8', '--calib-method', 'minmax'],
        /--calib-data DIR \(or an existing --calib-cache FILE\) is required with --precision int8/,
      ],
      [['--calib-data', data], /--calib-data: calibration is for int8: add --precision int8 \(trtexec: --int8\)/],
      // Without int8, the method alone says that calibration needs int8, not that data is missing (review).
      [['--calib-method', 'minmax'], /--calib-method: calibration is for int8: add --precision int8/],
      [['--int8', '--calib-data', data, '--calib-percentile', '99.9'], /--calib-percentile 99\.9: applies to --calib-method percentile only/],
      [['--int8', '--calib-data', data, '--calib-method', 'percentile', '--calib-percentile', 'x'], /--calib-percentile x: not a number/],
      [['--int8', '--calib-data', data, '--calib-method', 'kl'], /argument 'kl' is invalid.*entropy, minmax, percentile/],
      // The flags named, not compile()'s option (calibration.data).
      [['--int8', '--calib-cache', path.join(dir, 'none.cache')], /--calib-cache .*none\.cache: does not exist, and no --calib-data was given/],
      [['--int8', '--calib-data', data, '--backend', 'ort'], /--backend ort runs the model in its own precision/],
    ];
    for (const [argv, message] of cases) {
      const r = await runMain(model, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(expectOneLineError(r.err), argv.join(' ')).toMatch(message);
    }
    const help = await runMain('--help');
    for (const flag of ['--calib-data', '--calib-method', '--calib-percentile', '--calib-cache']) expect(help.out).toContain(flag);
    fs.rmSync(dir, { recursive: true });
  });
});
