/**
 * hybrid-run end to end, in-process, on --backend ort (the input and output plumbing, checked
 * exactly against onnxruntime run directly on the same inputs; the hybrid executor's path is
 * hybrid-run.test.ts): the examples run, --output-dir files equal what is printed, --seed
 * reproduces, --help documents every flag.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommand } from '../../src/cli/main.js';
import { readTensorFile } from '../../src/onnx/tensor-file.js';
import { writeTensorFile } from '../../src/onnx/tensor-file.js';
import { ortRun, printedStats, resnet, runMainRaw, runOrt, sineTensor, tempDir, transformer, writeModel } from './helpers.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function readF32(file: string): { dims: number[]; data: Float32Array } {
  const { tensor } = readTensorFile(file);
  expect(tensor.dtype).toBe('float32');
  return { dims: tensor.dims, data: tensor.data as Float32Array };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol) throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tol})`);
  }
}

describe('hybrid-run on the examples', () => {
  it("runs resnet_mini on an input file; --output-dir holds onnxruntime's outputs and the printout matches them", async () => {
    const x = sineTensor([2, 3, 64, 64]);
    const inFile = path.join(dir, 'image.npy');
    writeTensorFile(inFile, { dtype: 'float32', dims: [...x.dims], data: x.data as Float32Array });
    const outDir = path.join(dir, 'out-resnet');
    const r = await runOrt(resnet, '--input', `input=${inFile}`, '--output-dir', outDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);

    const expected = (await ortRun(resnet, { input: x })).logits!;
    const got = readF32(path.join(outDir, 'logits.npy'));
    expect(got.dims).toEqual([2, 10]);
    expectClose(got.data, expected.data as Float32Array, 1e-6);

    // The printed summary describes the written file (6 significant digits).
    const stats = printedStats(r.out, 'logits');
    const values = Array.from(got.data);
    expect(stats.type).toBe('float32[2,10]');
    expect(stats.min).toBeCloseTo(Math.min(...values), 4);
    expect(stats.max).toBeCloseTo(Math.max(...values), 4);
    expect(stats.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 4);
    expect(r.out).toContain(`input  float32[2,3,64,64]  ${path.normalize(inFile)}`);
    expect(r.out).toMatch(/^time {5}load [\d.]+ ms, session [\d.]+ ms, run [\d.]+ ms$/m);
    expect(r.out).toContain(`wrote    logits -> ${path.join(outDir, 'logits.npy')}`);
    expect(r.out).not.toContain('top-'); // [2,10] is a batch, not one class vector
  });

  it("prints the top-5 classes for a batch of one, in onnxruntime's order", async () => {
    const outDir = path.join(dir, 'out-top');
    const inDir = path.join(dir, 'in-top');
    const r = await runOrt(resnet, '--shape', 'input=1x3x64x64', '--output-dir', outDir, '--save-inputs', inDir);
    expect(r.code).toBe(0);
    const saved = readF32(path.join(inDir, 'input.npy'));
    const expected = (await ortRun(resnet, { input: new ort.Tensor('float32', saved.data, saved.dims) })).logits!.data as Float32Array;
    const order = Array.from(expected.keys()).sort((a, b) => expected[b]! - expected[a]!);
    const top = /top-5: (.*)$/m.exec(r.out)?.[1];
    expect(top?.split(', ').map((s) => Number(s.split(' ')[0]))).toEqual(order.slice(0, 5));
  });

  it('runs transformer_block with symbolic batch and sequence fixed by --shape, matching onnxruntime', async () => {
    const inDir = path.join(dir, 'in-tf');
    const outDir = path.join(dir, 'out-tf');
    const r = await runOrt(transformer, '--shape', 'hidden_states=2x5x64', '--random-dist', 'normal', '--save-inputs', inDir, '--output-dir', outDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('hidden_states  float32[2,5,64]  random normal, seed 0');
    const x = readF32(path.join(inDir, 'hidden_states.npy'));
    expect(x.data.some((v) => Math.abs(v) > 1)).toBe(true); // normal, not uniform
    const expected = (await ortRun(transformer, { hidden_states: new ort.Tensor('float32', x.data, x.dims) })).output!;
    const got = readF32(path.join(outDir, 'output.npy'));
    expect(got.dims).toEqual([2, 5, 64]);
    expectClose(got.data, expected.data as Float32Array, 1e-5);
    // trtexec's spelling gives the same shape.
    const trt = await runOrt(transformer, '--shapes', 'hidden_states:2x5x64');
    expect(trt.code).toBe(0);
    expect(trt.out).toContain('hidden_states  float32[2,5,64]  random uniform, seed 0');
  });

  it('reproduces random inputs and outputs for a --seed, and changes them with another', async () => {
    const run = async (seed: string, tag: string) => {
      const outDir = path.join(dir, `seed-${tag}`);
      const r = await runOrt(transformer, '--shape', 'hidden_states=1x3x64', '--seed', seed, '--output-dir', outDir);
      expect(r.code).toBe(0);
      return readF32(path.join(outDir, 'output.npy')).data;
    };
    const a = await run('7', 'a');
    const b = await run('7', 'b');
    const c = await run('8', 'c');
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('feeds every input of a multi-input model, integers included, and writes every output', async () => {
    // x[batch,4] float, k[batch] int64:  y = x * 2 ;  z = Cast(k) as float
    const model = writeModel(dir, 'two.onnx', {
      inputs: [
        { name: 'x', dtype: 'float32', shape: ['batch', 4] },
        { name: 'k', dtype: 'int64', shape: ['batch'] },
      ],
      outputs: [
        { name: 'y', dtype: 'float32', shape: ['batch', 4] },
        { name: 'z/cast:0', dtype: 'float32', shape: ['batch'] },
      ],
      initializers: { two: { dtype: 'float32', dims: [], data: Float32Array.of(2) } },
      nodes: [
        { op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] },
        { op: 'Cast', inputs: ['k'], outputs: ['z/cast:0'], attrs: { to: 1 } },
      ],
    });
    const inDir = path.join(dir, 'in-two');
    const outDir = path.join(dir, 'out-two');
    const r = await runOrt(model, '--shape', 'x=3x4', '--save-inputs', inDir, '--output-dir', outDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const x = readF32(path.join(inDir, 'x.npy'));
    const k = readTensorFile(path.join(inDir, 'k.npy')).tensor;
    expect(k.dims).toEqual([3]); // batch taken from --shape x
    const expected = await ortRun(model, {
      x: new ort.Tensor('float32', x.data, x.dims),
      k: new ort.Tensor('int64', k.data as BigInt64Array, k.dims),
    });
    expectClose(readF32(path.join(outDir, 'y.npy')).data, expected.y!.data as Float32Array, 0);
    // An output name with '/' and ':' still gets its own file.
    expectClose(readF32(path.join(outDir, 'z_cast_0.npy')).data, expected['z/cast:0']!.data as Float32Array, 0);
  });

  it('--compare checks the run against onnxruntime alone and passes', async () => {
    // A second onnxruntime session gives exactly the same numbers (the hybrid executor's
    // --compare is in hybrid-run.test.ts).
    const r = await runOrt(resnet, '--shape', 'input=1x3x64x64', '--compare');
    expect(r.code).toBe(0);
    expect(r.out).toContain("compare  against onnxruntime alone (default atol 0.0001 times the output's scale where above 1, rtol 0.001)");
    expect(r.out).toMatch(/^ {2}logits {2}PASS {2}max abs 0 {2}max rel 0 {2}mean abs 0 {2}cosine 1 {2}atol \S+ rtol 0\.001$/m);
  });

  it('--benchmark times the requested number of runs after warm-up', async () => {
    const r = await runOrt(transformer, '--shape', 'hidden_states=1x4x64', '--benchmark', '3', '--warmup', '1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^benchmark {2}3 runs after 1 warm-up: median [\d.]+ ms, mean [\d.]+ ms, min [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms$/m,
    );
  });
});

describe('hybrid-run --help', () => {
  // Every flag the command defines (a hand-kept list let new flags go undocumented), less the
  // hidden alternative spellings (trtexec's --saveEngine for --save-engine).
  const OPTIONS = buildCommand({ out: () => {}, err: () => {}, errIsTTY: false, color: false }).options;
  const FLAGS = [...OPTIONS.filter((o) => !o.hidden).map((o) => o.long!), '--help'];

  it('the command still has the flags the issues ask for', () => {
    // Listed here independently of the code that defines them.
    // trtexec's spellings, hidden from --help.
    for (const flag of [
      '--saveEngine',
      '--shapes',
      '--loadInputs',
      '--fp16',
      '--bf16',
      '--int8',
      '--minShapes',
      '--optShapes',
      '--maxShapes',
      '--warmUp',
      '--exportTimes',
    ]) {
      expect(OPTIONS.map((o) => o.long)).toContain(flag);
    }
    for (const flag of [
      '--input',
      '--shape',
      '--min-shapes',
      '--opt-shapes',
      '--max-shapes',
      '--seed',
      '--output-dir',
      '--backend',
      '--ort-providers',
      '--ort-graph-optimization',
      '--precision',
      '--benchmark',
      '--json',
      '--dry-run',
      '--report',
      '--report-file',
      '--min-block-size',
      '--fallback-ops',
      '--fallback-nodes',
      '--require-full-compilation',
      '--compare',
      '--ref-outputs',
      '--export-times',
      '--atol',
      '--rtol',
    ]) {
      expect(FLAGS, flag).toContain(flag);
    }
  });

  it('documents every flag, each with an example, and exits 0', async () => {
    const r = await runMainRaw('--help');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const flag of FLAGS) expect(r.out, flag).toMatch(new RegExp(`${flag}\\b`));
    // Each option's description (which may wrap) carries an "e.g." example, --help and --no-random aside.
    const entries = r.out.split(/\n(?= {2}-)/).filter((e) => /^ {2}-/.test(e));
    expect(entries.length).toBeGreaterThanOrEqual(FLAGS.length);
    for (const e of entries) {
      if (/--help|--no-random/.test(e)) continue;
      expect(e.replace(/\s+/g, ' '), e).toContain('e.g.');
    }
    expect(r.out).toContain('Exit status');
    // The hidden spellings are named in one paragraph at the end, each of them.
    const trtexec = r.out.slice(r.out.indexOf("trtexec's spellings are read")).replace(/\s+/g, ' ');
    const hidden = OPTIONS.filter((o) => o.hidden).map((o) => o.long!);
    expect(hidden).toEqual(expect.arrayContaining(['--shapes', '--fp16', '--loadInputs', '--warmUp', '--exportTimes', '--calib']));
    for (const flag of hidden) expect(trtexec, flag).toMatch(new RegExp(`${flag}[,.]`));
  });

  it('--version prints the package version and exits 0, with or without a model', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const argv of [['--version'], ['-V'], [resnet, '--version']]) {
      const r = await runMainRaw(...argv);
      expect([r.code, r.out, r.err]).toEqual([0, `${pkg.version}\n`, '']);
    }
  });

  it('docs/cli.md documents every flag too', () => {
    const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
    for (const flag of FLAGS) expect(doc, flag).toContain(`\`${flag}`);
  });
});
