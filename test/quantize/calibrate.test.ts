/**
 * calibrate() (src/quantize/calibrate.ts) over runs of a small model (on the model compiled,
 * calibration's default runner: calibrate-runner.test.ts holds it to onnxruntime's) whose
 * intermediate values the test computes itself:
 *
 *   x [4, 8] ─► MatMul(W1) ─► Relu ─► h ─► MatMul(W2) ─► y        (x and h are calibrated)
 *
 * min-max scales against max|x| and max|h| computed here in float64 (relative 1e-6: the model
 * sums in fp32); entropy and percentile of x against the calibrators on a histogram built here
 * from the same batches (the calibrators' own numbers are held to independent references in
 * entropy.test.ts and histogram.test.ts); data as an array, an async generator and a folder of
 * .npy batches; the cache written, then used instead of data; a cache that lacks a tensor.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { writeTensors } from '../../src/cli/output.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { writeNpy } from '../../src/onnx/npy.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { readCache } from '../../src/quantize/cache.js';
import { calibrate } from '../../src/quantize/calibrate.js';
import { entropyAmax } from '../../src/quantize/entropy.js';
import { AbsHistogram, percentileAmax } from '../../src/quantize/histogram.js';
import { mulberry32, uniform } from '../../src/util/random.js';

const r = mulberry32(3);
const W1 = Float32Array.from({ length: 8 * 6 }, () => uniform(r, -1, 1));
const W2 = Float32Array.from({ length: 6 * 3 }, () => uniform(r, -1, 1));
const model = buildModel({
  opset: 13,
  inputs: [{ name: 'x', shape: [4, 8] }],
  outputs: [{ name: 'y' }],
  initializers: { W1: { dtype: 'float32', dims: [8, 6], data: W1 }, W2: { dtype: 'float32', dims: [6, 3], data: W2 } },
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['m'] },
    { op: 'Relu', inputs: ['m'], outputs: ['h'] },
    { op: 'MatMul', inputs: ['h', 'W2'], outputs: ['y'] },
  ],
});

/** Batches of x: heavy-tailed (a cube of uniform values), so that the methods differ. */
const batches: Float32Array[] = Array.from({ length: 5 }, () => Float32Array.from({ length: 32 }, () => uniform(r, -2, 2) ** 3));
const feeds = batches.map((x) => ({ x: new ort.Tensor('float32', x, [4, 8]) }));

/** h = relu(x W1), in float64. */
function hidden(x: Float32Array): number[] {
  const h: number[] = [];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += x[i * 8 + k]! * W1[k * 6 + j]!;
      h.push(Math.max(0, s));
    }
  return h;
}

const absMax = (xs: Iterable<number>) => Math.max(...Array.from(xs, Math.abs));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'calibrate-'));

describe('calibrate', () => {
  it("minmax: max|x| / 127 of the model's input and of an intermediate tensor", async () => {
    const c = await calibrate(model, { data: feeds, method: 'minmax', progress: false });
    expect([...c.scales.keys()]).toEqual(['x', 'h']);
    expect(c.scales.get('x')).toBe(Math.fround(absMax(batches.flatMap((b) => [...b])) / 127));
    const hMax = absMax(batches.flatMap(hidden));
    expect(Math.abs(c.scales.get('h')! - hMax / 127) / (hMax / 127)).toBeLessThan(1e-6);
  });

  it('entropy and percentile: the calibrators on the histogram of the same batches', async () => {
    const h = new AbsHistogram();
    for (const b of batches) h.add(b);
    const entropy = await calibrate(model, { data: feeds, progress: false });
    expect(entropy.method).toBe('entropy');
    expect(entropy.scales.get('x')).toBe(Math.fround(entropyAmax(h) / 127));
    expect(percentileAmax(h, 90)).toBeLessThan(h.absMax);
    const p = await calibrate(model, { data: feeds, method: 'percentile', percentile: 90, progress: false });
    expect(p.scales.get('x')).toBe(Math.fround(percentileAmax(h, 90) / 127));
    const p4 = await calibrate(model, { data: feeds, method: 'percentile', progress: false });
    expect(p4.scales.get('x')).toBe(Math.fround(percentileAmax(h, 99.99) / 127));
  });

  it('reads an async iterable and a folder of .npy batches as it reads an array', async () => {
    const want = (await calibrate(model, { data: feeds, method: 'minmax', progress: false })).scales;
    async function* stream() {
      for (const f of feeds) yield { x: { dtype: 'float32', dims: [4, 8], data: f.x.data } as TensorData };
    }
    expect((await calibrate(model, { data: stream(), method: 'minmax', progress: false })).scales).toEqual(want);
    const dir = tmp();
    batches.forEach((b, k) => writeNpy(path.join(dir, `batch${k}.npy`), { dtype: 'float32', dims: [4, 8], data: b }));
    expect((await calibrate(model, { data: dir, method: 'minmax', progress: false })).scales).toEqual(want);
    // one sub-folder per batch, <input>.npy inside
    const nested = tmp();
    batches.forEach((b, k) => {
      fs.mkdirSync(path.join(nested, `b${k}`));
      writeNpy(path.join(nested, `b${k}`, 'x.npy'), { dtype: 'float32', dims: [4, 8], data: b });
    });
    expect((await calibrate(model, { data: nested, method: 'minmax', progress: false })).scales).toEqual(want);
    fs.mkdirSync(path.join(nested, 'b9'));
    await expect(calibrate(model, { data: nested, progress: false })).rejects.toThrow(/b9: no tensor file for input\(s\) 'x'/);
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(nested, { recursive: true });
  });

  it('reads a batch folder that --save-inputs wrote, under the file names it gives (input:0 -> input_0.npy)', async () => {
    // TensorFlow's names (tf2onnx: `input:0`) hold ':', which --save-inputs' file names cannot.
    const tf = buildModel({
      opset: 13,
      inputs: [{ name: 'input:0', shape: [4, 8] }],
      outputs: [{ name: 'y' }],
      initializers: { W1: { dtype: 'float32', dims: [8, 6], data: W1 } },
      nodes: [{ op: 'MatMul', inputs: ['input:0', 'W1'], outputs: ['y'] }],
    });
    const nested = tmp();
    batches.forEach((b, k) => writeTensors(path.join(nested, `b${k}`), [{ name: 'input:0', tensor: { dtype: 'float32', dims: [4, 8], data: b } }]));
    expect(fs.readdirSync(path.join(nested, 'b0'))).toEqual(['input_0.npy']);
    const c = await calibrate(tf, { data: nested, method: 'minmax', progress: false });
    expect(c.scales.get('input:0')).toBe(Math.fround(absMax(batches.flatMap((b) => [...b])) / 127));
    fs.rmSync(nested, { recursive: true });
  });

  it('writes the cache, then uses it without data; a cache missing a tensor is an error naming it', async () => {
    const dir = tmp();
    const cache = path.join(dir, 'model.cache');
    const first = await calibrate(model, { data: feeds, cache, progress: false });
    expect(readCache(cache).algorithm).toBe('EntropyCalibration2');
    const again = await calibrate(model, { cache });
    expect(again.method).toBe('cache');
    expect(again.scales).toEqual(first.scales);
    fs.writeFileSync(cache, 'TRT-8601-EntropyCalibration2\nx: 3c010a14\n');
    await expect(calibrate(model, { cache })).rejects.toThrow(
      /model.cache does not match the model: it has no scale for 1 tensor\(s\) the model quantizes: 'h'/,
    );
    await expect(calibrate(model, {})).rejects.toThrow(/needs data/);
    await expect(calibrate(model, { data: [], progress: false })).rejects.toThrow(/holds no batches/);
    fs.rmSync(dir, { recursive: true });
  });

  it("an empty cache file is no cache, as TensorRT's calibrators read one: with data it calibrates and writes it; without, an error saying it is empty", async () => {
    const dir = tmp();
    const cache = path.join(dir, 'empty.cache');
    fs.writeFileSync(cache, '');
    await expect(calibrate(model, { cache })).rejects.toThrow(/calibration cache '.*empty\.cache' is empty, and no calibration data was given/);
    const made = await calibrate(model, { data: feeds, method: 'minmax', cache, progress: false });
    expect(made.method).toBe('minmax');
    expect(readCache(cache).scales).toEqual(made.scales);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('calibrate progress', () => {
  it('shows a bar counting the batches on stderr where it is a terminal (progress: true), nothing with progress: false', async () => {
    const written: string[] = [];
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    const write = process.stderr.write;
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await calibrate(model, { data: feeds, method: 'minmax', progress: true });
      const shown = written.join('');
      expect(shown).toMatch(/calibrate \[.*\] \d\/5 batches/);
      written.length = 0;
      await calibrate(model, { data: feeds, method: 'minmax', progress: false });
      expect(written.join('')).toBe('');
    } finally {
      process.stderr.write = write;
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
  });
});
