/** Flag parsing: well-formed values become typed options; malformed ones are OPTION errors naming the flag. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOLERANCE,
  checkToleranceOutputs,
  compareTolerance,
  parseInteger,
  parseList,
  parsePrecisions,
  parseShapeFlag,
  parseTolerance,
  parseToleranceFlag,
  splitShapeSpecs,
  toCliOptions,
} from '../../src/cli/options.js';
import { parseInputFlag } from '../../src/cli/input-flags.js';
import { optionMessage as optionError } from '../helpers/errors.js';

describe('parseShapeFlag', () => {
  it('reads NAME=DIMS with x or comma separators, and an empty shape as a scalar', () => {
    expect(parseShapeFlag('input=1x3x224x224')).toMatchObject({ name: 'input', dims: [1, 3, 224, 224] });
    expect(parseShapeFlag('ids=2,128')).toMatchObject({ name: 'ids', dims: [2, 128] });
    expect(parseShapeFlag('x=0x4')).toMatchObject({ dims: [0, 4] });
    expect(parseShapeFlag('scale=')).toMatchObject({ name: 'scale', dims: [] });
  });

  it("reads trtexec's --fp16/--bf16/--int8 with --precision (--int8 with a calibration), and reads --loadInputs", () => {
    expect(toCliOptions('m.onnx', { fp16: true }).precisions).toEqual(['fp32', 'fp16']);
    expect(toCliOptions('m.onnx', { precision: 'bf16', fp16: true }).precisions).toEqual(['fp32', 'bf16', 'fp16']);
    expect(optionError(() => toCliOptions('m.onnx', { int8: true }))).toMatch(/is required by --precision int8 \(--int8\)/);
    // A cache given alone must exist (else the flag's error: test/cli/int8.test.ts).
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calib-cache-'));
    const cache = path.join(cacheDir, 'm.cache');
    fs.writeFileSync(cache, 'TRT-8601-EntropyCalibration2\n');
    const int8 = toCliOptions('m.onnx', { int8: true, calib: cache });
    expect([int8.precisions, int8.calibration]).toEqual([['fp32', 'int8'], { cache }]);
    // The error names the flag as given: trtexec's --calib, or --calib-cache.
    const missing = path.join(cacheDir, 'none.cache');
    expect(optionError(() => toCliOptions('m.onnx', { int8: true, calib: missing }))).toMatch(/^--calib \S*none\.cache: does not exist/);
    expect(optionError(() => toCliOptions('m.onnx', { int8: true, calibCache: missing }))).toMatch(/^--calib-cache \S*none\.cache: does not exist/);
    expect(optionError(() => toCliOptions('m.onnx', { int8: true, calib: '' }))).toMatch(/^--calib : expected a path/);
    fs.rmSync(cacheDir, { recursive: true });
    expect(toCliOptions('m.onnx', { loadInputs: ['a:x.npy,b:dir/y.pb'] }).inputs.map((i) => [i.name, i.file])).toEqual([
      ['a', 'x.npy'],
      ['b', 'dir/y.pb'],
    ]);
    expect(optionError(() => toCliOptions('m.onnx', { loadInputs: ['x.npy'] }))).toMatch(/--loadInputs x\.npy: 'x\.npy' is not NAME:FILE/);
    // TensorFlow's input names hold ':' (tf2onnx: input:0): the name ends where an existing file follows.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-inputs-'));
    const file = path.join(dir, 'input_0.npy');
    fs.writeFileSync(file, '');
    expect(toCliOptions('m.onnx', { loadInputs: [`input:0:${file}`] }).inputs.map((i) => [i.name, i.file])).toEqual([['input:0', file]]);
    fs.rmSync(dir, { recursive: true });
  });

  it("reads trtexec's NAME:DIMS (the last ':' separates, unless an = does) and comma-separated specs", () => {
    expect(parseShapeFlag('input:1x3x224x224')).toMatchObject({ name: 'input', dims: [1, 3, 224, 224] });
    expect(parseShapeFlag('input:0:2x3')).toMatchObject({ name: 'input:0', dims: [2, 3] });
    expect(parseShapeFlag('input:0=2x3')).toMatchObject({ name: 'input:0', dims: [2, 3] });
    expect(splitShapeSpecs('a:1x3,b:2x5')).toEqual(['a:1x3', 'b:2x5']);
    expect(splitShapeSpecs('a=1,3,b=2,5')).toEqual(['a=1,3', 'b=2,5']);
    expect(splitShapeSpecs('ids=2,128')).toEqual(['ids=2,128']);
    expect(splitShapeSpecs('a,b=1x2')).toEqual(['a,b=1x2']); // an input named 'a,b'
    expect(parseShapeFlag('a,b=1x2')).toMatchObject({ name: 'a,b', dims: [1, 2] });
    const o = toCliOptions('m.onnx', { shape: ['a=1x3'], shapes: ['b:2x5,c:7'] });
    expect(o.shapes.map((s) => [s.name, s.dims])).toEqual([
      ['a', [1, 3]],
      ['b', [2, 5]],
      ['c', [7]],
    ]);
  });

  it('keeps an = inside the input name (the dims never contain one)', () => {
    expect(parseShapeFlag('a=b=2x2')).toMatchObject({ name: 'a=b', dims: [2, 2] });
  });

  it.each([
    ['input', 'expected NAME=DIMS'],
    ['=1x3', 'expected NAME=DIMS'],
    ['input=1xx3', "'' is not a dimension"],
    ['input=1x-3', "'-3' is not a dimension"],
    ['input=1x3.5', "'3.5' is not a dimension"],
    ['input=Nx3', "'N' is not a dimension"],
    ['input=99999999999999999999', 'too large'],
  ])('refuses %s', (raw, why) => {
    const msg = optionError(() => parseShapeFlag(raw));
    expect(msg.startsWith(`--shape ${raw}: `)).toBe(true);
    expect(msg).toContain(why);
  });
});

describe('parseInputFlag', () => {
  it('splits at the first = (paths may contain one) and allows a bare file', () => {
    expect(parseInputFlag('input=data/a=b.npy')).toMatchObject({ name: 'input', file: 'data/a=b.npy' });
    expect(parseInputFlag('x.npy')).toEqual({ raw: 'x.npy', file: 'x.npy' });
  });
  it('refuses an empty name or file', () => {
    expect(optionError(() => parseInputFlag('=x.npy'))).toContain('expected NAME=FILE');
    expect(optionError(() => parseInputFlag('input='))).toContain('no file');
  });
});

describe('numbers and lists', () => {
  it('parses integers within bounds', () => {
    expect(parseInteger('--seed', '42', 0, 100)).toBe(42);
    expect(optionError(() => parseInteger('--seed', 'abc', 0, 100))).toBe('--seed abc: not an integer');
    expect(optionError(() => parseInteger('--seed', '1.5', 0, 100))).toBe('--seed 1.5: not an integer');
    expect(optionError(() => parseInteger('--threads', '0', 1, 100))).toBe('--threads 0: must be at least 1');
  });
  it('bounds every numeric flag (--threads 10000 used to move engines to onnxruntime, which then hung)', () => {
    expect(optionError(() => toCliOptions('m.onnx', { threads: '10000' }))).toBe('--threads 10000: must be at most 256');
    expect(optionError(() => toCliOptions('m.onnx', { warmup: '1e12' }))).toBe('--warmup 1e12: not an integer');
    expect(optionError(() => toCliOptions('m.onnx', { benchmark: '99999999999' }))).toBe('--benchmark 99999999999: must be at most 10000000');
    expect(optionError(() => toCliOptions('m.onnx', { duration: '1e9' }))).toBe(
      '--duration 1e9: must be a positive number of seconds, at most 86400',
    );
    expect(optionError(() => toCliOptions('m.onnx', { seed: '4294967296' }))).toBe('--seed 4294967296: must be at most 4294967295');
  });
  it('parses tolerances', () => {
    expect(parseTolerance('--atol', '1e-3')).toBe(0.001);
    expect(optionError(() => parseTolerance('--atol', 'x'))).toBe('--atol x: not a number');
    expect(optionError(() => parseTolerance('--rtol', '-1'))).toBe('--rtol -1: must not be negative');
  });
  it('parses comma lists and refuses empty items', () => {
    expect(parseList('--fallback-ops', 'Softmax, Resize')).toEqual(['Softmax', 'Resize']);
    expect(optionError(() => parseList('--fallback-ops', 'Softmax,,Resize'))).toContain('empty item');
  });
  it('always includes fp32 in the precisions and refuses unknown ones', () => {
    expect(parsePrecisions('fp16')).toEqual(['fp32', 'fp16']);
    expect(parsePrecisions('fp32,bf16,fp32')).toEqual(['fp32', 'bf16']);
    expect(optionError(() => parsePrecisions('fp8'))).toContain("precision 'fp8' is not one of: fp32, fp16, bf16, int8");
    // int8 is a precision; its calibration is toCliOptions' to require.
    expect(parsePrecisions('int8')).toEqual(['fp32', 'int8']);
  });
});

describe('toCliOptions', () => {
  it('applies the documented defaults', () => {
    const o = toCliOptions('m.onnx', {});
    expect(o).toMatchObject({ seed: 0, distribution: 'uniform', random: true, backend: 'auto', precisions: ['fp32'], warmup: 5 });
    expect(o.benchmark).toBeUndefined();
    // The documented defaults (docs/cli.md): atol 1e-4 (scaled by the output), rtol 1e-3.
    expect(compareTolerance(o, ['fp32'], 'y')).toEqual({ atol: 1e-4, rtol: 1e-3, scaled: true });
  });
  it('widens the --compare tolerances only where the engines compute in a reduced precision', () => {
    const o = toCliOptions('m.onnx', { precision: 'fp16' });
    expect(compareTolerance(o, ['fp32', 'fp16'], 'y')).toEqual({ ...DEFAULT_TOLERANCE.reduced, scaled: true });
    // The cpu backend computes fp16 requests in fp32: nothing changed, so neither does the tolerance.
    expect(compareTolerance(o, ['fp32'], 'y')).toEqual({ ...DEFAULT_TOLERANCE.fp32, scaled: true });
    // A given atol is absolute: not scaled.
    expect(compareTolerance(toCliOptions('m.onnx', { precision: 'fp16', atol: '0.5' }), ['fp32', 'fp16'], 'y')).toEqual({
      atol: 0.5,
      rtol: DEFAULT_TOLERANCE.reduced.rtol,
      scaled: false,
    });
  });
  it('takes an output its own --atol/--rtol, else the bare ones, else the defaults', () => {
    const o = toCliOptions('m.onnx', { atol: ['1e-3', 'logits=0.5'], rtol: ['probs:0.25'] });
    expect(compareTolerance(o, ['fp32'], 'logits')).toEqual({ atol: 0.5, rtol: 1e-3, scaled: false });
    expect(compareTolerance(o, ['fp32'], 'probs')).toEqual({ atol: 1e-3, rtol: 0.25, scaled: false });
    expect(compareTolerance(o, ['fp32'], 'other')).toEqual({ atol: 1e-3, rtol: 1e-3, scaled: false });
    const none = toCliOptions('m.onnx', { rtol: ['probs=0'] });
    expect(compareTolerance(none, ['fp32'], 'probs')).toEqual({ atol: 1e-4, rtol: 0, scaled: true });
  });
  it('reads --atol/--rtol as Polygraphy writes them: bare, OUTPUT=X, OUTPUT:X, comma-separated', () => {
    expect(parseToleranceFlag('--atol', ['1e-3'])).toEqual({ all: 1e-3, outputs: {} });
    expect(parseToleranceFlag('--atol', ['a=1e-3', 'b:2'])).toEqual({ outputs: { a: 1e-3, b: 2 } });
    // The last '=' separates: names may hold ':' (TensorFlow's z:0) and '='.
    expect(parseToleranceFlag('--atol', ['z:0=0.5', 'p=q=3'])).toEqual({ outputs: { 'z:0': 0.5, 'p=q': 3 } });
    expect(parseToleranceFlag('--atol', ['z:0:0.5'])).toEqual({ outputs: { 'z:0': 0.5 } });
    expect(parseToleranceFlag('--rtol', ['1e-4,logits=1e-2'])).toEqual({ all: 1e-4, outputs: { logits: 1e-2 } });
    // A name holding a comma stays whole where the pieces are not all specs.
    expect(parseToleranceFlag('--rtol', ['a,b=1'])).toEqual({ outputs: { 'a,b': 1 } });
    // A name with commas and colons (openWakeWord's timer head names its output by a JSON object of
    // its labels): the commas do not separate specs, since a piece is not OUTPUT=X.
    const label = '{"1": "1_minute_timer", "2": "5_minute_timer"}';
    expect(parseToleranceFlag('--atol', [`${label}=1e-3`])).toEqual({ outputs: { [label]: 1e-3 } });
    expect(parseToleranceFlag('--atol', ['1e-4', `${label}=1e-3`])).toEqual({ all: 1e-4, outputs: { [label]: 1e-3 } });
    expect(parseToleranceFlag('--rtol', undefined)).toEqual({ outputs: {} });
  });
  it('refuses malformed, negative and repeated tolerances, naming the flag and the spec', () => {
    expect(optionError(() => parseToleranceFlag('--atol', ['logits=x']))).toBe("--atol logits=x: 'x' is not a number");
    expect(optionError(() => parseToleranceFlag('--atol', ['logits=-1']))).toBe('--atol logits=-1: must not be negative');
    expect(optionError(() => parseToleranceFlag('--atol', ['=1']))).toMatch(/^--atol =1: expected OUTPUT=X or a number/);
    expect(optionError(() => parseToleranceFlag('--rtol', ['a=1', 'a=2']))).toBe("--rtol a=2: output 'a' is given more than one --rtol");
    expect(optionError(() => parseToleranceFlag('--atol', ['1e-3', '1e-4']))).toMatch(/^--atol 1e-4: a tolerance for every output is given twice/);
    expect(optionError(() => toCliOptions('m.onnx', { atol: ['-1'] }))).toBe('--atol -1: must not be negative');
  });
  it('checks the outputs --atol/--rtol name against the model', () => {
    const o = toCliOptions('m.onnx', { atol: ['logits=1'], rtol: ['prob=1'] });
    expect(optionError(() => checkToleranceOutputs(o, ['logits', 'probs']))).toBe(
      "--rtol prob=1: the model has no output 'prob' (its outputs: logits, probs)",
    );
    expect(() => checkToleranceOutputs(o, ['logits', 'prob'])).not.toThrow();
  });
  it("reads trtexec's --warmUp in milliseconds, refused beside --warmup, and --ref-outputs implies --compare", () => {
    expect(toCliOptions('m.onnx', { warmUp: '200' })).toMatchObject({ warmupMs: 200 });
    expect(toCliOptions('m.onnx', { warmup: '3' }).warmupMs).toBeUndefined();
    expect(optionError(() => toCliOptions('m.onnx', { warmUp: '200', warmup: '3' }))).toMatch(
      /^--warmUp 200: give a warm-up time \(--warmUp MS\) or a number of runs \(--warmup 3\), not both/,
    );
    expect(optionError(() => toCliOptions('m.onnx', { warmUp: '-1' }))).toMatch(/^--warmUp -1: must be a number of milliseconds from 0 to/);
    expect(optionError(() => toCliOptions('m.onnx', { warmUp: 'x' }))).toMatch(/^--warmUp x: must be a number of milliseconds/);
    expect(toCliOptions('m.onnx', { refOutputs: 'ref' })).toMatchObject({ compare: true, refOutputs: 'ref' });
    expect(toCliOptions('m.onnx', {}).compare).toBe(false);
    expect(optionError(() => toCliOptions('m.onnx', { exportTimes: '' }))).toMatch(/^--exportTimes : expected a file/);
  });
  it('gives --benchmark without a count 50 runs', () => {
    expect(toCliOptions('m.onnx', { benchmark: true }).benchmark).toBe(50);
    expect(toCliOptions('m.onnx', { benchmark: '7' }).benchmark).toBe(7);
  });
  it('refuses two --shape flags for one input', () => {
    expect(optionError(() => toCliOptions('m.onnx', { shape: ['x=1x2', 'x=1x3'] }))).toContain('more than one --shape');
  });
});
