/**
 * hybrid-run's Polygraphy and trtexec habits (issue 17, point 5): --compare against saved
 * outputs (--ref-outputs DIR of .npy, or .pb TensorProtos), per-output --atol/--rtol, a default
 * atol that scales with the output, --export-times (trtexec's --exportTimes) and --warmUp in
 * milliseconds. References are onnxruntime-node's own outputs on an input written here,
 * saved with a .npy writer of this file's (not the one under test), and changed by amounts
 * worked out from those values.
 */
import fs from 'node:fs';
import path from 'node:path';
import type ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../../src/cli/benchmark.js';
import { encodeTensorProtoFile } from '../../src/onnx/tensor-file.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { expectOneLineError, ortRun, resnet, runMain, runOrt, sineTensor, tempDir } from './helpers.js';

/** A float32 .npy file (format 1.0), written by hand: magic, header dict padded to 64 bytes, data. */
function npyBytes(data: Float32Array, dims: readonly number[]): Buffer {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const DIMS = [1, 3, 64, 64];
let dir: string;
let inputFile: string;
let logits: ort.Tensor;

/** A folder holding `values` as logits.npy. */
function refDir(values: Float32Array, name = 'logits.npy'): string {
  const d = fs.mkdtempSync(path.join(dir, 'ref-'));
  fs.writeFileSync(path.join(d, name), npyBytes(values, logits.dims));
  return d;
}

beforeAll(async () => {
  dir = tempDir('hybridrt-ref-');
  const input = sineTensor(DIMS);
  inputFile = path.join(dir, 'input.npy');
  fs.writeFileSync(inputFile, npyBytes(input.data as Float32Array, DIMS));
  logits = (await ortRun(resnet, { input }))['logits']!;
});

const RUN = () => ['--input', `input=${inputFile}`];

describe('--ref-outputs (onnxruntime alone as the runtime)', () => {
  it("passes against onnxruntime's own outputs saved as .npy, and names the folder", async () => {
    const ref = refDir(logits.data as Float32Array);
    const r = await runOrt(resnet, ...RUN(), '--ref-outputs', ref);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`compare  against the outputs saved in ${ref}`);
    expect(r.out).toMatch(/^ {2}logits {2}PASS {2}max abs 0 {2}max rel 0 /m);
  });

  it('warns that random inputs compare only with outputs saved from the same inputs', async () => {
    const r = await runOrt(resnet, '--ref-outputs', refDir(logits.data as Float32Array));
    expect(r.err).toContain(
      "hybrid-run: warning: --ref-outputs: input 'input' is random (seed 0); the saved outputs compare only if they came from the same inputs",
    );
    // The saved outputs came from another input: the comparison fails, as it should.
    expect(r.code).toBe(1);
  });

  it('fails (exit 1) where one saved value is off, naming the output, the folder and the tolerance', async () => {
    const off = Float32Array.from(logits.data as Float32Array);
    off[3]! += 0.05;
    const ref = refDir(off);
    const r = await runOrt(resnet, ...RUN(), '--ref-outputs', ref);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ {2}logits {2}FAIL .*\(1 of 10 elements outside tolerance\)/m);
    expect(expectOneLineError(r.err)).toMatch(
      new RegExp(`^hybrid-run: logits: output differs from the outputs saved in ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} beyond atol `),
    );
    // The output's own --atol, wide enough for 0.05, passes it; a bare --atol too.
    expect((await runOrt(resnet, ...RUN(), '--ref-outputs', ref, '--atol', 'logits=0.06')).code).toBe(0);
    expect((await runOrt(resnet, ...RUN(), '--ref-outputs', ref, '--atol', '0.06')).code).toBe(0);
    // The output's own value wins over the bare one.
    expect((await runOrt(resnet, ...RUN(), '--ref-outputs', ref, '--atol', '0.06', '--atol', 'logits:0.01')).code).toBe(1);
  });

  it('reads a .pb TensorProto that names the output (the ONNX test data layout: output_0.pb)', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'pb-'));
    const t = { dtype: 'float32' as const, dims: [...logits.dims], data: logits.data as Float32Array };
    fs.writeFileSync(path.join(d, 'output_0.pb'), encodeTensorProtoFile(t, 'logits'));
    const r = await runOrt(resnet, ...RUN(), '--ref-outputs', d);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^ {2}logits {2}PASS /m);
  });

  it('refuses, before running, a folder without an output, a missing folder and an --atol for no output', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    const none = await runOrt(resnet, ...RUN(), '--ref-outputs', empty);
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(expectOneLineError(none.err)).toBe(
      `hybrid-run: --ref-outputs ${empty}: no reference for output 'logits' (looked for ${path.join(empty, 'logits.npy')}, ${path.join(empty, 'logits.pb')} and a .pb file naming 'logits')`,
    );
    const missing = await runOrt(resnet, ...RUN(), '--ref-outputs', path.join(dir, 'nope'));
    expect(expectOneLineError(missing.err)).toBe(`hybrid-run: --ref-outputs ${path.join(dir, 'nope')}: no such folder`);
    const other = await runOrt(resnet, ...RUN(), '--compare', '--atol', 'probs=1');
    expect(other.code).toBe(2);
    expect(expectOneLineError(other.err)).toBe("hybrid-run: --atol probs=1: the model has no output 'probs' (its outputs: logits)");
  });

  it('scales the default atol with the output: a rounding-sized difference near zero passes, unless --atol is given', async () => {
    const ref = logits.data as Float32Array;
    const scale = Math.max(...Array.from(ref, Math.abs));
    // resnet_mini's logits reach several units: the scaled default has room a fixed 1e-4 lacks.
    expect(scale).toBeGreaterThan(2);
    let k = 0;
    for (let i = 1; i < ref.length; i++) if (Math.abs(ref[i]!) < Math.abs(ref[k]!)) k = i;
    const fixedBound = 1e-4 + 1e-3 * Math.abs(ref[k]!);
    const scaledBound = 1e-4 * scale + 1e-3 * Math.abs(ref[k]!);
    const shifted = Float32Array.from(ref);
    shifted[k]! += (fixedBound + scaledBound) / 2;
    const d = refDir(shifted);
    const r = await runOrt(resnet, ...RUN(), '--ref-outputs', d);
    expect(r.code).toBe(0);
    expect(r.out).toContain("(default atol 0.0001 times the output's scale where above 1, rtol 0.001)");
    const atol = Number(/^ {2}logits {2}PASS .* atol (\S+) rtol 0\.001$/m.exec(r.out)?.[1]);
    expect(atol).toBeCloseTo(1e-4 * scale, 9);
    // Given, an atol is absolute: 1e-4 fails the same difference.
    expect((await runOrt(resnet, ...RUN(), '--ref-outputs', d, '--atol', '1e-4')).code).toBe(1);
  });
});

describeIf(HAS_NATIVE, '--ref-outputs on the hybrid executor', NATIVE_MISSING, () => {
  it('passes the cpu engines against saved onnxruntime outputs, for an ONNX model and its .hybrid file', async () => {
    const ref = refDir(logits.data as Float32Array);
    const r = await runMain(resnet, ...RUN(), '--backend', 'cpu', '--ref-outputs', ref);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = /^ {2}logits {2}PASS {2}max abs (\S+) /m.exec(r.out);
    expect(Number(m?.[1])).toBeLessThan(1e-4);
    const saved = path.join(dir, 'm.hybrid');
    expect((await runMain(resnet, ...RUN(), '--backend', 'cpu', '--save-engine', saved)).code).toBe(0);
    const fromFile = await runMain(saved, ...RUN(), '--ref-outputs', ref);
    expect(fromFile.err).toBe('');
    expect(fromFile.out).toMatch(/^ {2}logits {2}PASS /m);
    const both = await runMain(saved, ...RUN(), '--ref-outputs', ref, '--onnx', resnet);
    expect(expectOneLineError(both.err)).toMatch(/^hybrid-run: --onnx, --ref-outputs: /);
  });
});

describe('--export-times and --warmUp', () => {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };

  function readTimes(file: string): Array<Record<string, number>> {
    const times = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Record<string, number>>;
    expect(Array.isArray(times)).toBe(true);
    return times;
  }

  /** Checks that hold for any timings: runs in order on one clock, each within its own span. */
  function expectConsistent(times: Array<Record<string, number>>, runs: number, r: BenchmarkResult): void {
    expect(times).toHaveLength(runs);
    expect(times[0]!.startEnqMs).toBe(0);
    times.forEach((t, i) => {
      expect(t.endEnqMs).toBeGreaterThanOrEqual(t.startEnqMs!);
      expect(t.latencyMs).toBeLessThanOrEqual(t.endEnqMs! - t.startEnqMs! + 1e-3);
      expect(t.endToEndMs).toBe(t.latencyMs);
      if (i > 0) expect(t.startEnqMs).toBeGreaterThanOrEqual(times[i - 1]!.endEnqMs!);
    });
    // The same runs as the printed statistics: their median latency.
    expect(r.latencyMs.median).toBeCloseTo(median(times.map((t) => t.latencyMs!)), 4);
  }

  it("--backend ort: one object per timed run in trtexec's keys, without engine times", async () => {
    const file = path.join(dir, 'ort', 'times.json');
    const r = await runOrt(resnet, ...RUN(), '--benchmark', '5', '--warmup', '0', '--json', '--exportTimes', file);
    expect(r.err).toBe('');
    const b = JSON.parse(r.out) as BenchmarkResult;
    const times = readTimes(file);
    expectConsistent(times, 5, b);
    expect(Object.keys(times[0]!).sort()).toEqual(['endEnqMs', 'endToEndMs', 'latencyMs', 'startEnqMs']);
  });

  it.skipIf(!HAS_NATIVE)('--backend cpu: with the engines copy and compute times, each part of its run', async () => {
    const file = path.join(dir, 'cpu-times.json');
    const r = await runMain(resnet, ...RUN(), '--backend', 'cpu', '--benchmark', '4', '--warmup', '0', '--json', '--export-times', file);
    expect(r.err).toBe('');
    const b = JSON.parse(r.out) as BenchmarkResult;
    const times = readTimes(file);
    expectConsistent(times, 4, b);
    for (const t of times) {
      expect(Object.keys(t).sort()).toEqual(['computeMs', 'd2hMs', 'endEnqMs', 'endToEndMs', 'h2dMs', 'latencyMs', 'startEnqMs']);
      expect(t.h2dMs! + t.computeMs! + t.d2hMs!).toBeLessThanOrEqual(t.latencyMs! + 1e-3);
    }
    expect(b.computeMs!.median).toBeCloseTo(median(times.map((t) => t.computeMs!)), 4);
    // The printout says where the file went.
    const printed = await runMain(resnet, ...RUN(), '--backend', 'cpu', '--benchmark', '2', '--export-times', file);
    expect(printed.out).toContain(`wrote    times -> ${file}`);
    expect(readTimes(file)).toHaveLength(2);
  });

  it('--warmUp MS warms up for a time: the runs made are reported, none for 0', async () => {
    const warm = JSON.parse((await runOrt(resnet, ...RUN(), '--benchmark', '2', '--warmUp', '30', '--json')).out) as BenchmarkResult;
    expect(warm.warmupMs).toBe(30);
    expect(warm.warmup).toBeGreaterThanOrEqual(1);
    const none = JSON.parse((await runOrt(resnet, ...RUN(), '--benchmark', '2', '--warmUp', '0', '--json')).out) as BenchmarkResult;
    expect([none.warmup, none.warmupMs]).toEqual([0, 0]);
    const text = await runOrt(resnet, ...RUN(), '--benchmark', '2', '--warmUp', '0');
    expect(text.out).toMatch(/^benchmark {2}2 runs after 0 warm-up in 0 ms: /m);
  });

  it('refuses --export-times and --warmUp without a benchmark, and --warmUp beside --warmup', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['--export-times', 't.json'],
        "hybrid-run: --export-times: these shape --benchmark's results; add --benchmark (or --iterations N, --duration S)",
      ],
      [['--warmUp', '100'], "hybrid-run: --warmUp: these shape --benchmark's results; add --benchmark (or --iterations N, --duration S)"],
      [
        ['--benchmark', '--warmUp', '100', '--warmup', '2'],
        'hybrid-run: --warmUp 100: give a warm-up time (--warmUp MS) or a number of runs (--warmup 2), not both',
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await runOrt(resnet, ...RUN(), ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(expectOneLineError(r.err), flags.join(' ')).toBe(message);
    }
  });
});
