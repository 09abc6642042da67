/**
 * `hybrid-run quantize` (src/cli/quantize.ts), in-process: a folder of .npy batches in, a Q/DQ
 * model out that onnxruntime runs; the cache flag (and trtexec's --calib) reused without data;
 * usage errors as one line and exit 2, naming what is wrong; --accuracy-target and
 * --int8-sensitivity on the precision policy's sensitive CNN (test/quantize/helpers.ts): the
 * kept layer named with the before/after agreement, and no Q/DQ around it in the written file.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { writeNpy } from '../../src/onnx/npy.js';
import { cosineOf, sensitiveCnn } from '../quantize/helpers.js';
import { expectOneLineError, ortRun, runMainRaw, tempDir, writeModel } from './helpers.js';

function setUp(): { dir: string; model: string; data: string } {
  const dir = tempDir('hybridrt-quantize-');
  const w = Float32Array.from({ length: 4 * 2 * 3 * 3 }, (_, i) => Math.cos(i) * 0.3);
  const model = writeModel(dir, 'model.onnx', {
    opset: 13,
    inputs: [{ name: 'x', shape: [1, 2, 5, 5] }],
    outputs: [{ name: 'y' }],
    initializers: { w: { dtype: 'float32', dims: [4, 2, 3, 3], data: w } },
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }],
  });
  const data = path.join(dir, 'calib');
  fs.mkdirSync(data);
  for (let k = 0; k < 3; k++) {
    writeNpy(path.join(data, `batch${k}.npy`), {
      dtype: 'float32',
      dims: [1, 2, 5, 5],
      data: Float32Array.from({ length: 50 }, (_, i) => Math.sin(i + k)),
    });
  }
  return { dir, model, data };
}

describe('hybrid-run quantize', () => {
  it('writes a Q/DQ model from a folder of .npy batches, and the cache it is asked for', async () => {
    const { dir, model, data } = setUp();
    const out = path.join(dir, 'model.qdq.onnx');
    const cache = path.join(dir, 'model.cache');
    const r = await runMainRaw('quantize', model, '--calib-data', data, '--calib-method', 'minmax', '--calib-cache', cache, '-o', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `${model}: 1 activation(s) quantized (int8 Q/DQ, per tensor) and 1 weight(s) (int8, per output channel) from minmax calibration over ${data} -> ${out}; cache written to ${cache}\n`,
    );
    expect(fs.readFileSync(cache, 'utf8')).toMatch(/^TRT-8601-MinMaxCalibration\nx: [0-9a-f]+\n$/);
    const g = Graph.fromModel(loadModelProto(out));
    expect(g.nodes.map((n) => n.opType).sort()).toEqual(['Conv', 'DequantizeLinear', 'DequantizeLinear', 'QuantizeLinear']);
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 50 }, (_, i) => Math.sin(i + 0.5)),
      [1, 2, 5, 5],
    );
    const [q, f] = [(await ortRun(out, { x })).y!.data as Float32Array, (await ortRun(model, { x })).y!.data as Float32Array];
    // Half a step of x (1/127 of max|x|) times sum|w| plus half a step of w times sum|x|: at most 0.043 here.
    expect(Math.max(...Array.from(q, (v, i) => Math.abs(v - f[i]!)))).toBeLessThan(0.05);
    // trtexec's --calib names the cache; an existing cache needs no data
    const again = path.join(dir, 'again.onnx');
    const c = await runMainRaw('quantize', model, '--calib', cache, '-o', again);
    expect([c.code, c.err]).toEqual([0, '']);
    expect(c.out).toContain(`from the cache ${cache} -> ${again}`);
    expect(fs.readFileSync(again)).toEqual(fs.readFileSync(out));
    fs.rmSync(dir, { recursive: true });
  });

  it('usage errors: one line, exit 2', async () => {
    const { dir, model, data } = setUp();
    const cases: Array<[string[], RegExp]> = [
      [['quantize', model, '--calib-data', data], /-o\/--output is required/],
      [['quantize', model, '-o', path.join(dir, 'o.onnx')], /--calib-data DIR \(or an existing --calib-cache FILE\) is required/],
      [['quantize', model, '--calib-data', data, '--calib-method', 'kl', '-o', 'o.onnx'], /argument 'kl' is invalid.*entropy, minmax, percentile/],
      [
        ['quantize', model, '--calib-data', data, '--calib-method', 'percentile', '--calib-percentile', '120', '-o', 'o.onnx'],
        /percentile 120 is not in \(0, 100\]/,
      ],
      [['quantize', model, '--calib-data', path.join(dir, 'none'), '-o', 'o.onnx'], /cannot read the calibration data folder/],
      [
        ['quantize', model, '--calib-cache', path.join(dir, 'none.cache'), '-o', 'o.onnx'],
        /--calib-cache .*none\.cache: does not exist, and no --calib-data was given/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await runMainRaw(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(expectOneLineError(r.err)).toMatch(message);
    }
    const cache = path.join(dir, 'other.cache');
    fs.writeFileSync(cache, 'TRT-8601-EntropyCalibration2\ninput_1: 3c010a14\n');
    const r = await runMainRaw('quantize', model, '--calib-cache', cache, '-o', path.join(dir, 'o.onnx'));
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.err)).toContain(`${cache} does not match the model: it has no scale for 1 tensor(s) the model quantizes: 'x'`);
    const help = await runMainRaw('quantize', '--help');
    expect(help.code).toBe(0);
    for (const flag of ['--calib-data', '--calib-method', '--calib-percentile', '--calib-cache', '--output']) expect(help.out).toContain(flag);
    fs.rmSync(dir, { recursive: true });
  });

  it('--accuracy-target and --int8-sensitivity keep the sensitive layer in float in the written model', async () => {
    const dir = tempDir('hybridrt-quantize-');
    const { spec, data } = sensitiveCnn();
    const model = writeModel(dir, 'model.onnx', spec);
    const calib = path.join(dir, 'calib');
    fs.mkdirSync(calib);
    data.forEach((f, k) => writeNpy(path.join(calib, `batch${k}.npy`), { dtype: 'float32', dims: [...f.x.dims], data: f.x.data as Float32Array }));
    const out = path.join(dir, 'model.qdq.onnx');
    const policy = ['--accuracy-target', 'cosine=0.999', '--int8-sensitivity'];
    const r = await runMainRaw('quantize', model, '--calib-data', calib, '--calib-method', 'minmax', ...policy, '-o', out);
    expect([r.code, r.err]).toEqual([0, '']);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `${model}: 3 activation(s) quantized (int8 Q/DQ, per tensor) and 3 weight(s) (int8, per output channel) from minmax calibration over ${calib} -> ${out}`,
    );
    const [before, after] = [...lines[1]!.matchAll(/cosine (\S+),/g)].map((m) => Number(m[1]));
    expect(lines[1]).toMatch(
      /^int8 policy: accuracy target cosine >= 0\.999 on the calibration data: all int8 cosine .*; met with 1 layer\(s\) kept in float/,
    );
    expect(lines[2]).toBe('kept in float (no Q/DQ), most sensitive first: conv2');
    expect(lines[3]).toMatch(/^sensitivity .* most sensitive first:$/);
    expect(lines.slice(4).map((l) => /^ {2}(\w+) \(/.exec(l)?.[1])).toEqual(['conv2', expect.any(String), expect.any(String), expect.any(String)]);
    // The figures printed (onnxruntime's, optimizations off) against the same computed here (ortRun: optimizations on).
    const outputs = async (file: string) => Promise.all(data.map(async (f) => (await ortRun(file, f)).y!.data as Float32Array));
    const reference = await outputs(model);
    const allInt8 = path.join(dir, 'all.qdq.onnx');
    expect((await runMainRaw('quantize', model, '--calib-data', calib, '--calib-method', 'minmax', '-o', allInt8)).code).toBe(0);
    expect(cosineOf(await outputs(allInt8), reference)).toBeCloseTo(before!, 3);
    const written = cosineOf(await outputs(out), reference);
    expect(written).toBeGreaterThanOrEqual(0.999);
    expect(written).toBeCloseTo(after!, 4);
    const g = Graph.fromModel(loadModelProto(out));
    const conv2 = g.nodes.find((n) => n.name === 'conv2')!;
    for (const v of conv2.inputs) expect(g.producer(v)?.opType ?? 'initializer', v).not.toMatch(/QuantizeLinear|DequantizeLinear/);
    for (const n of g.consumers('c2')) expect(n.opType).not.toMatch(/QuantizeLinear|DequantizeLinear/);

    const cacheAlone = path.join(dir, 'alone.cache'); // exists: else the flag's own error comes first
    fs.writeFileSync(cacheAlone, 'TRT-8601-EntropyCalibration2\n');
    const cases: Array<[string[], RegExp]> = [
      [['--calib-data', calib, '--accuracy-target', 'cosine'], /--accuracy-target cosine: expected metric=value/],
      [['--calib-data', calib, '--accuracy-target', 'cosin=0.9'], /--accuracy-target cosin=0\.9: .*unknown option 'cosin'; did you mean 'cosine'\?/],
      [['--calib-data', calib, '--accuracy-target', 'top1=1.5'], /accuracyTarget\.top1 must be a number in \(0, 1\]/],
      [['--calib-cache', cacheAlone, '--int8-sensitivity'], /--int8-sensitivity: measures .* add --calib-data DIR/],
    ];
    for (const [flags, message] of cases) {
      const e = await runMainRaw('quantize', model, ...flags, '-o', path.join(dir, 'o.onnx'));
      expect(e.code, flags.join(' ')).toBe(2);
      expect(expectOneLineError(e.err)).toMatch(message);
    }
    expect(fs.existsSync(path.join(dir, 'o.onnx'))).toBe(false);
    const help = await runMainRaw('quantize', '--help');
    for (const flag of ['--accuracy-target', '--int8-sensitivity']) expect(help.out).toContain(flag);
    fs.rmSync(dir, { recursive: true });
  });
});
