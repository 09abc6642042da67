/**
 * --min-shapes, --opt-shapes and --max-shapes (trtexec's --minShapes, --optShapes, --maxShapes):
 * the flags become compile()'s `inputs` option, `{ min, opt, max }` for a ranged input and a
 * shape for a --shape one, checked as trtexec checks them; against a model, shared symbols take
 * their range from the flags, input files must lie inside the ranges, and a ranged input without
 * a file runs at its opt shape. Tested at the level of the functions that turn flags into
 * options (a compile with ranges is compile()'s to test).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ModelInput, compileInputs, knownInputShapes, prepareInputs } from '../../src/cli/inputs.js';
import { buildCommand } from '../../src/cli/main.js';
import { type RawOptions, parseShapeRanges, shapeOptions, toCliOptions } from '../../src/cli/options.js';
import { profilesOption } from '../../src/compiler/profiles.js';
import { HybridError } from '../../src/errors.js';
import { writeTensorFile } from '../../src/onnx/tensor-file.js';
import { thrown } from '../helpers/errors.js';
import { resnet, runMain, runMainRaw, tempDir } from './helpers.js';
import { optionMessage as optionError } from '../helpers/errors.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The options commander makes of argv, as main() hands them to toCliOptions. */
function parsed(...argv: string[]) {
  const program = buildCommand({ out: () => {}, err: () => {} });
  program.parse(['m.onnx', ...argv], { from: 'user' });
  return toCliOptions('m.onnx', program.opts<RawOptions>());
}

const RANGE = ['--min-shapes', 'x:1x3x224x224', '--opt-shapes', 'x:8x3x224x224', '--max-shapes', 'x:32x3x224x224'];

describe('range flags to compile options', () => {
  it("makes { min, opt, max } of an input's three flags, and a shape of a --shape", () => {
    const o = parsed(...RANGE, '--shape', 'y=1x5');
    expect(shapeOptions(o)).toEqual({
      y: [1, 5],
      x: { min: [1, 3, 224, 224], opt: [8, 3, 224, 224], max: [32, 3, 224, 224] },
    });
    // What compile() reads it as: one profile, the same shapes.
    expect(profilesOption(shapeOptions(o), undefined)).toEqual([
      {
        y: { min: [1, 5], opt: [1, 5], max: [1, 5] },
        x: { min: [1, 3, 224, 224], opt: [8, 3, 224, 224], max: [32, 3, 224, 224] },
      },
    ]);
    expect(shapeOptions(parsed('--shape', 'y=1x5'))).toEqual({ y: [1, 5] });
    expect(shapeOptions(parsed())).toEqual({});
  });

  it("reads trtexec's spellings, NAME=DIMS beside NAME:DIMS, comma lists and repeated flags", () => {
    const o = parsed(
      '--minShapes',
      'a:1x3,b:1x5',
      '--optShapes',
      'a=2,3',
      '--opt-shapes',
      'b=4x5',
      '--maxShapes',
      'a:4x3',
      '--max-shapes',
      'b:8x5',
      '--shapes',
      'c:7',
    );
    expect(shapeOptions(o)).toEqual({
      c: [7],
      a: { min: [1, 3], opt: [2, 3], max: [4, 3] },
      b: { min: [1, 5], opt: [4, 5], max: [8, 5] },
    });
    expect(o.ranges.map((r) => [r.name, r.min.raw, r.opt.raw, r.max.raw])).toEqual([
      ['a', 'a:1x3', 'a=2,3', 'a:4x3'],
      ['b', 'b:1x5', 'b=4x5', 'b:8x5'],
    ]);
  });

  it('accepts a range whose ends are equal, and a dim of size 0', () => {
    expect(shapeOptions(toCliOptions('m.onnx', { minShapes: ['x=0x2'], optShapes: ['x=0x2'], maxShapes: ['x=4x2'] }))).toEqual({
      x: { min: [0, 2], opt: [0, 2], max: [4, 2] },
    });
    expect(shapeOptions(toCliOptions('m.onnx', { minShapes: ['x=3'], optShapes: ['x=3'], maxShapes: ['x=3'] }))).toEqual({
      x: { min: [3], opt: [3], max: [3] },
    });
  });
});

describe('range flag errors', () => {
  it('names the missing end(s) and the exact flags to add', () => {
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['x:1x3'], maxShapes: ['x:4x3'] }))).toBe(
      "--min-shapes x:1x3: input 'x' has no --opt-shapes; a range needs --min-shapes, --opt-shapes and --max-shapes: add --opt-shapes x:1x3 (with your sizes)",
    );
    expect(optionError(() => toCliOptions('m.onnx', { optShapes: ['x=8x3'] }))).toBe(
      "--opt-shapes x=8x3: input 'x' has no --min-shapes or --max-shapes; a range needs --min-shapes, --opt-shapes and --max-shapes: add --min-shapes x=8x3 --max-shapes x=8x3 (with your sizes)",
    );
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['a:1,b:1'], optShapes: ['a:2'], maxShapes: ['a:4,b:4'] }))).toBe(
      "--min-shapes b:1: input 'b' has no --opt-shapes; a range needs --min-shapes, --opt-shapes and --max-shapes: add --opt-shapes b:1 (with your sizes)",
    );
    // trtexec's spelling reaches the same check.
    expect(optionError(() => parsed('--maxShapes', 'x:4x3'))).toMatch(/^--max-shapes x:4x3: input 'x' has no --min-shapes or --opt-shapes;/);
  });

  it('refuses an input given --shape and a range', () => {
    expect(optionError(() => parsed(...RANGE, '--shape', 'x=1x3x224x224'))).toBe(
      "--shape x=1x3x224x224: input 'x' also has a range (--min-shapes/--opt-shapes/--max-shapes); give it a fixed shape or a range, not both",
    );
    expect(optionError(() => parsed(...RANGE, '--shapes', 'x:1x3x224x224'))).toMatch(/^--shape x:1x3x224x224: input 'x' also has a range/);
  });

  it('refuses one input twice in one flag', () => {
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['x:1x3', 'x:2x3'], optShapes: ['x:2x3'], maxShapes: ['x:4x3'] }))).toBe(
      "--min-shapes x:2x3: input 'x' is given more than one --min-shapes",
    );
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['x:1x3'], optShapes: ['x:2x3'], maxShapes: ['x:4x3,x:5x3'] }))).toBe(
      "--max-shapes x:5x3: input 'x' is given more than one --max-shapes",
    );
    // One input in two different flags is a range, not a repeat; --shape keeps its own wording.
    expect(optionError(() => toCliOptions('m.onnx', { shape: ['x=1x2'], shapes: ['x:1x3'] }))).toBe(
      "--shape x:1x3: input 'x' is given more than one --shape",
    );
  });

  it('refuses ends of different ranks, and min > opt or opt > max in any dim', () => {
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['x:1x3'], optShapes: ['x:2x3x1'], maxShapes: ['x:4x3'] }))).toBe(
      "--min-shapes x:1x3 --opt-shapes x:2x3x1 --max-shapes x:4x3: input 'x': min [1,3], opt [2,3,1] and max [4,3] must have one rank",
    );
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['x:1x3'], optShapes: ['x:8x3'], maxShapes: ['x:4x3'] }))).toBe(
      "--min-shapes x:1x3 --opt-shapes x:8x3 --max-shapes x:4x3: input 'x': dim 0 must satisfy min <= opt <= max; got 1, 8, 4",
    );
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['x:1x5'], optShapes: ['x:1x3'], maxShapes: ['x:1x7'] }))).toBe(
      "--min-shapes x:1x5 --opt-shapes x:1x3 --max-shapes x:1x7: input 'x': dim 1 must satisfy min <= opt <= max; got 5, 3, 7",
    );
  });

  it('refuses a malformed spec naming the flag it was given to', () => {
    expect(optionError(() => parseShapeRanges({ optShapes: ['x:8xx3'] }))).toBe(
      "--opt-shapes x:8xx3: '' is not a dimension (dimensions are non-negative integers separated by 'x')",
    );
    expect(optionError(() => parseShapeRanges({ minShapes: ['1x3'] }))).toBe(
      '--min-shapes 1x3: expected NAME=DIMS, e.g. --min-shapes input=1x3x224x224',
    );
    expect(optionError(() => parseShapeRanges({ maxShapes: ['x=Nx3'] }))).toBe(
      "--max-shapes x=Nx3: 'N' is not a dimension (dimensions are non-negative integers separated by 'x')",
    );
  });

  it('refuses a max shape no tensor could have, before anything is allocated', () => {
    expect(optionError(() => toCliOptions('m.onnx', { minShapes: ['x:1x1'], optShapes: ['x:1x1'], maxShapes: ['x:2000000x2000000'] }))).toMatch(
      /^--max-shapes x:2000000x2000000: \[2000000,2000000\] has 4000000000000 elements, more than/,
    );
  });
});

/** A transformer's inputs: `batch` shared by both, `seq` by both, `h` by ids alone. */
const model: ModelInput[] = [
  { name: 'x', dtype: 'float32', shape: ['batch', 3, 'h'] },
  { name: 'mask', dtype: 'bool', shape: ['batch', 'seq'] },
  { name: 'pos', dtype: 'int64', shape: ['seq'] },
];

function opts(raw: RawOptions) {
  const o = toCliOptions('m.onnx', raw);
  return { ...o, inputs: o.inputs };
}

const xRange = { minShapes: ['x:1x3x4'], optShapes: ['x:8x3x4'], maxShapes: ['x:32x3x16'] };

function npy(name: string, dtype: 'float32' | 'int64', dims: number[]): string {
  const n = dims.reduce((a, b) => a * b, 1);
  const full = path.join(dir, name);
  writeTensorFile(full, { dtype, dims, data: dtype === 'int64' ? new BigInt64Array(n) : new Float32Array(n) });
  return full;
}

const dimsOf = (feeds: ReturnType<typeof prepareInputs>) => Object.fromEntries(feeds.map((f) => [f.name, f.tensor.dims]));

describe('ranges against the model', () => {
  it('runs a ranged input at opt; inputs sharing its symbols take its range, their other dims as in the run', () => {
    const o = opts({ ...xRange, shape: ['pos=5'] });
    const notes: string[] = [];
    const feeds = prepareInputs(model, o, (m) => notes.push(m));
    expect(dimsOf(feeds)).toEqual({ x: [8, 3, 4], mask: [8, 5], pos: [5] });
    expect(notes).toEqual([]);
    expect(compileInputs(model, o, dimsOf(feeds))).toEqual({
      x: { min: [1, 3, 4], opt: [8, 3, 4], max: [32, 3, 16] },
      mask: { min: [1, 5], opt: [8, 5], max: [32, 5] }, // batch from x's range, seq from --shape pos=5
      pos: [5],
    });
  });

  it('sets a symbol nothing sizes to 1 with the usual notice, in the run and in the range', () => {
    const o = opts(xRange);
    const notes: string[] = [];
    const feeds = prepareInputs(model, o, (m) => notes.push(m));
    expect(dimsOf(feeds)).toEqual({ x: [8, 3, 4], mask: [8, 1], pos: [1] });
    expect(notes).toEqual(["input 'mask' [batch,seq]: 'seq' set to 1; set it with --shape mask=8x1 (with your sizes)"]);
    expect(compileInputs(model, o, dimsOf(feeds))).toEqual({
      x: { min: [1, 3, 4], opt: [8, 3, 4], max: [32, 3, 16] },
      mask: { min: [1, 1], opt: [8, 1], max: [32, 1] },
      pos: [1],
    });
  });

  it('without range flags passes every input at its run shape, as before', () => {
    const o = opts({ shape: ['x=2x3x4'] });
    const feeds = prepareInputs(model, o);
    expect(compileInputs(model, o, dimsOf(feeds))).toEqual({ x: [2, 3, 4], mask: [2, 1], pos: [1] });
  });

  it('refuses a range for an input the model lacks, or one the declared shape forbids, naming the flag', () => {
    expect(optionError(() => prepareInputs(model, opts({ minShapes: ['y:1'], optShapes: ['y:1'], maxShapes: ['y:2'] })))).toBe(
      "--min-shapes y:1: the model has no input 'y' (its inputs: x, mask, pos)",
    );
    expect(optionError(() => prepareInputs(model, opts({ ...xRange, maxShapes: ['x:32x4x16'] })))).toBe(
      "--max-shapes x:32x4x16: input 'x': dimension 1 is 4 ([32,4,16]), the model fixes it at 3 [batch,3,h]",
    );
    expect(optionError(() => prepareInputs(model, opts({ minShapes: ['pos:1x1'], optShapes: ['pos:1x1'], maxShapes: ['pos:1x4'] })))).toBe(
      "--min-shapes pos:1x1: input 'pos': rank 2 ([1,1]), the model wants rank 1 [seq]",
    );
  });

  it('refuses ranges (or a --shape and a range) that give a shared symbol different sizes at an end', () => {
    const both = opts({ minShapes: ['x:1x3x4,mask:1x2'], optShapes: ['x:8x3x4,mask:8x2'], maxShapes: ['x:32x3x4,mask:16x2'] });
    expect(optionError(() => prepareInputs(model, both))).toBe(
      "--max-shapes mask:16x2: 'batch' is 16 here but 32 in --max-shapes x:32x3x4; inputs that share the dimension 'batch' must agree on its size",
    );
    expect(optionError(() => prepareInputs(model, opts({ ...xRange, shape: ['mask=8x2'] })))).toBe(
      "--min-shapes x:1x3x4: 'batch' is 1 here but 8 in --shape mask=8x2; inputs that share the dimension 'batch' must agree on its size",
    );
  });

  it('runs a ranged input on its file where the file lies inside the range; refuses one outside', () => {
    const inside = npy('x-inside.npy', 'float32', [4, 3, 10]);
    const o = opts({ ...xRange, input: [`x=${inside}`] });
    const feeds = prepareInputs(model, o);
    expect(dimsOf(feeds)).toEqual({ x: [4, 3, 10], mask: [4, 1], pos: [1] });
    expect(compileInputs(model, o, dimsOf(feeds))).toMatchObject({ x: { min: [1, 3, 4], opt: [8, 3, 4], max: [32, 3, 16] } });

    const big = npy('x-big.npy', 'float32', [40, 3, 10]);
    const e = thrown(() => prepareInputs(model, opts({ ...xRange, input: [`x=${big}`] })));
    expect(e.code).toBe('INPUT');
    expect(e.message).toBe(
      `input 'x' (${big}): shape [40,3,10]: dim 0 is 40, outside its range 1..32 (--min-shapes x:1x3x4 --opt-shapes x:8x3x4 --max-shapes x:32x3x16)`,
    );
    const narrow = npy('x-narrow.npy', 'float32', [4, 3, 2]);
    expect(thrown(() => prepareInputs(model, opts({ ...xRange, input: [`x=${narrow}`] }))).message).toContain(
      'shape [4,3,2]: dim 2 is 2, outside its range 4..16',
    );
  });

  it("runs a ranged input at the size a file gives a symbol it shares, and refuses a file outside the symbol's range", () => {
    const shared: ModelInput[] = [
      { name: 'x', dtype: 'float32', shape: ['batch', 3, 'h'] },
      { name: 'ids', dtype: 'int64', shape: ['batch', 'seq'] },
    ];
    const ids = npy('ids.npy', 'int64', [4, 7]);
    const o = opts({ ...xRange, input: [`ids=${ids}`] });
    const feeds = prepareInputs(shared, o);
    expect(dimsOf(feeds)).toEqual({ x: [4, 3, 4], ids: [4, 7] }); // batch 4 from the file, h at opt
    expect(compileInputs(shared, o, dimsOf(feeds))).toEqual({
      x: { min: [1, 3, 4], opt: [8, 3, 4], max: [32, 3, 16] },
      ids: { min: [1, 7], opt: [8, 7], max: [32, 7] },
    });

    const wide = npy('ids-wide.npy', 'int64', [33, 7]);
    const e = thrown(() => prepareInputs(shared, opts({ ...xRange, input: [`ids=${wide}`] })));
    expect(e.code).toBe('INPUT');
    expect(e.message).toBe(
      `input 'ids' (${wide}): shape [33,7]: 'batch' is 33, outside its range 1..32 (--min-shapes x:1x3x4 --max-shapes x:32x3x16)`,
    );
  });

  it('gives a dry run the opt shape of a ranged input it cannot make', () => {
    const o = opts({ ...xRange, random: false } as RawOptions);
    expect(knownInputShapes(model, o).shapes).toMatchObject({ x: [8, 3, 4] });
  });

  it('refuses a max shape whose tensor would not fit in memory, by the input dtype', () => {
    const e = thrown(() => prepareInputs(model, opts({ minShapes: ['x:1x3x1'], optShapes: ['x:1x3x1'], maxShapes: ['x:4000000x3x100000'] })));
    expect(e).toBeInstanceOf(HybridError);
    expect(e.code).toBe('OPTION');
    expect(e.message).toMatch(/^--max-shapes x:4000000x3x100000: /);
  });
});

describe('range flags on the command line', () => {
  it('refuses them with --backend ort, which builds no engines', async () => {
    const r = await runMain(
      resnet,
      '--backend',
      'ort',
      '--min-shapes',
      'input:1x3x64x64',
      '--opt-shapes',
      'input:2x3x64x64',
      '--max-shapes',
      'input:4x3x64x64',
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe('hybrid-run: --min-shapes/--opt-shapes/--max-shapes: --backend ort builds no engines; use --backend auto|cpu|cuda\n');
  });

  it('reports a flag error in one line with exit code 2', async () => {
    const r = await runMainRaw(resnet, '--min-shapes', 'input:1x3x64x64', '--max-shapes', 'input:4x3x64x64');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "hybrid-run: --min-shapes input:1x3x64x64: input 'input' has no --opt-shapes; a range needs --min-shapes, --opt-shapes and --max-shapes: add --opt-shapes input:1x3x64x64 (with your sizes)\n",
    );
  });

  it("lists the flags in --help with an example, trtexec's spellings only in their closing paragraph", async () => {
    const r = await runMainRaw('--help');
    expect(r.out).toContain('--min-shapes x:1x3x224x224 --opt-shapes x:8x3x224x224 --max-shapes x:32x3x224x224');
    for (const flag of ['--min-shapes', '--opt-shapes', '--max-shapes']) expect(r.out).toContain(flag);
    const [flags, trtexec] = r.out.split("trtexec's spellings");
    expect(flags).not.toContain('--minShapes');
    expect(trtexec).toContain('--minShapes');
  });
});
