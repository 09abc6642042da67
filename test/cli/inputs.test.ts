/**
 * Feeds from --input/--shape and random data: files are checked against the model's declared
 * types, symbolic dims are resolved from --shape and from files, and each problem is an error
 * naming the input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type InputOptions, type ModelInput, prepareInputs } from '../../src/cli/inputs.js';
import { parseInputFlag } from '../../src/cli/input-flags.js';
import { parseShapeFlag } from '../../src/cli/options.js';
import { writeTensorFile } from '../../src/onnx/tensor-file.js';
import { tempDir } from './helpers.js';
import { thrown } from '../helpers/errors.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const model: ModelInput[] = [
  { name: 'pixels', dtype: 'float32', shape: ['batch', 3, 'h', 'w'] },
  { name: 'mask', dtype: 'bool', shape: ['batch', 'h', 'w'] },
  { name: 'ids', dtype: 'int64', shape: ['batch', 'seq'] },
];

function opts(over: { input?: string[]; shape?: string[]; random?: boolean } = {}): InputOptions {
  return {
    inputs: (over.input ?? []).map(parseInputFlag),
    shapes: (over.shape ?? []).map((s) => parseShapeFlag(s)),
    seed: 0,
    distribution: 'uniform',
    random: over.random ?? true,
  };
}

function file(name: string, dtype: 'float32' | 'float64' | 'int64', dims: number[], tensorName?: string): string {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = dtype === 'int64' ? new BigInt64Array(n) : dtype === 'float64' ? new Float64Array(n).fill(0.25) : new Float32Array(n).fill(0.5);
  const full = path.join(dir, name);
  writeTensorFile(full, { dtype, dims, data }, tensorName);
  return full;
}

describe('prepareInputs', () => {
  it('fills symbolic dims shared between inputs from one file and the --shape of another', () => {
    const pixels = file('pixels.npy', 'float32', [2, 3, 8, 6]);
    const feeds = prepareInputs(model, opts({ input: [`pixels=${pixels}`], shape: ['ids=2x5'] }));
    expect(feeds.map((f) => [f.name, f.tensor.dtype, f.tensor.dims])).toEqual([
      ['pixels', 'float32', [2, 3, 8, 6]],
      ['mask', 'bool', [2, 8, 6]], // batch, h, w from the pixels file
      ['ids', 'int64', [2, 5]], // seq from --shape
    ]);
    expect(feeds[0]!.source).toBe(path.normalize(pixels));
    expect(feeds[0]!.tensor.data[0]).toBe(0.5);
    expect(feeds[1]!.source).toBe('random uniform, seed 0');
  });

  it('refuses a shared symbol given two sizes, naming both flags or files', () => {
    const e = thrown(() => prepareInputs(model, opts({ shape: ['pixels=2x3x4x4', 'ids=3x5'] })));
    expect(e.code).toBe('OPTION');
    expect(e.message).toBe(
      "--shape ids=3x5: 'batch' is 3 here but 2 in --shape pixels=2x3x4x4; inputs that share the dimension 'batch' must agree on its size",
    );
    const pixels = file('pixels4.npy', 'float32', [4, 3, 8, 6]);
    expect(thrown(() => prepareInputs(model, opts({ input: [`pixels=${pixels}`], shape: ['mask=2x8x6'] }))).message).toMatch(
      /^--shape mask=2x8x6: 'batch' is 2 here but 4 in --input .*pixels4\.npy;/,
    );
  });

  it('sets a symbolic dim nothing fixes to 1, once per symbol, naming the input, the symbol and the --shape', () => {
    const notes: string[] = [];
    const feeds = prepareInputs(model, opts({ shape: ['pixels=2x3x4x4'] }), (m) => notes.push(m));
    expect(feeds.map((f) => f.tensor.dims)).toEqual([
      [2, 3, 4, 4],
      [2, 4, 4],
      [2, 1],
    ]);
    expect(notes).toEqual(["input 'ids' [batch,seq]: 'seq' set to 1; set it with --shape ids=2x1 (with your sizes)"]);
  });

  it('asks for --shape when the model declares no shape, and never binds unnamed dims to each other', () => {
    const noShape = thrown(() => prepareInputs([{ name: 'x', dtype: 'float32' }], opts()));
    expect(noShape.message).toBe("input 'x': the model does not declare its shape; give one with --shape x=DIMS");
    const two: ModelInput[] = [
      { name: 'a', dtype: 'float32', shape: ['unk__dim0'] },
      { name: 'b', dtype: 'float32', shape: ['unk__dim0'] },
    ];
    const notes: string[] = [];
    const feeds = prepareInputs(two, opts({ shape: ['a=4'] }), (m) => notes.push(m));
    expect(feeds[1]!.tensor.dims).toEqual([1]);
    expect(notes).toEqual(["input 'b' [unk__dim0]: dimension 0 (unnamed) set to 1; set it with --shape b=1 (with your sizes)"]);
  });

  it('refuses a shape whose tensor would not fit in memory before allocating it', () => {
    const e = thrown(() => prepareInputs(model, opts({ shape: ['pixels=100000x3x1000x1000', 'ids=100000x1'] })));
    expect(e.code).toBe('OPTION');
    expect(e.message).toMatch(/^--shape pixels=100000x3x1000x1000: \[100000,3,1000,1000\] has 300000000000 elements|would take/);
  });

  it('binds a bare file to the only input, or to the input a .pb file names', () => {
    const only = file('only.npy', 'float32', [1, 3, 2, 2]);
    expect(prepareInputs([model[0]!], opts({ input: [only] }))[0]!.tensor.dims).toEqual([1, 3, 2, 2]);
    const pb = file('named.pb', 'int64', [1, 4], 'ids');
    const feeds = prepareInputs(model, opts({ input: [pb], shape: ['pixels=1x3x2x2'] }));
    expect(feeds[2]!.source).toBe(path.normalize(pb));
    const bare = thrown(() => prepareInputs(model, opts({ input: [only] })));
    expect(bare.message).toContain('say which input it feeds, as NAME=');
  });

  it('refuses unknown input names in --input and --shape, listing the real ones', () => {
    const f = file('u.npy', 'float32', [1]);
    expect(thrown(() => prepareInputs(model, opts({ input: [`image=${f}`] }))).message).toBe(
      `--input image=${f}: the model has no input 'image' (its inputs: pixels, mask, ids)`,
    );
    expect(thrown(() => prepareInputs(model, opts({ shape: ['image=1x3'] }))).message).toBe(
      "--shape image=1x3: the model has no input 'image' (its inputs: pixels, mask, ids)",
    );
  });

  it('refuses a --shape that contradicts the model', () => {
    expect(thrown(() => prepareInputs(model, opts({ shape: ['pixels=1x4x2x2'] }))).message).toBe(
      "--shape pixels=1x4x2x2: input 'pixels': dimension 1 is 4 ([1,4,2,2]), the model fixes it at 3 [batch,3,h,w]",
    );
    expect(thrown(() => prepareInputs(model, opts({ shape: ['ids=1x2x3'] }))).message).toContain('rank 3 ([1,2,3]), the model wants rank 2');
  });

  it('refuses a file of the wrong dtype or shape, naming input and file', () => {
    const f64 = file('f64.npy', 'float64', [1, 3, 2, 2]);
    const wrongDtype = thrown(() => prepareInputs(model, opts({ input: [`pixels=${f64}`], shape: ['ids=1x1'] })));
    expect(wrongDtype.code).toBe('INPUT');
    expect(wrongDtype.message).toBe(`input 'pixels' (${f64}): dtype float64, the model wants float32`);
    const rank = file('rank.npy', 'float32', [3, 2, 2]);
    expect(thrown(() => prepareInputs(model, opts({ input: [`pixels=${rank}`] }))).message).toContain('rank 3 ([3,2,2]), the model wants rank 4');
    const other = file('other.npy', 'float32', [1, 3, 2, 2]);
    expect(thrown(() => prepareInputs(model, opts({ input: [`pixels=${other}`], shape: ['pixels=1x3x4x4'] }))).message).toContain(
      'shape [1,3,2,2] differs from --shape pixels=1x3x4x4',
    );
  });

  it('refuses the same input twice', () => {
    const f = file('twice.npy', 'float32', [1, 3, 1, 1]);
    expect(thrown(() => prepareInputs(model, opts({ input: [`pixels=${f}`, `pixels=${f}`] }))).message).toContain(
      "input 'pixels' is given more than once",
    );
  });

  it('with --no-random, names the first input that is not given', () => {
    const f = file('given.npy', 'float32', [1, 3, 1, 1]);
    const e = thrown(() => prepareInputs(model, opts({ input: [`pixels=${f}`], random: false })));
    expect(e.code).toBe('INPUT');
    expect(e.message).toBe("input 'mask': required input not given; pass --input mask=FILE (--no-random is set)");
  });

  it('refuses to invent string inputs or inputs of unknown type', () => {
    expect(thrown(() => prepareInputs([{ name: 's', dtype: 'string', shape: [1] }], opts())).message).toBe(
      "input 's': string inputs cannot be random; pass it with --input s=FILE",
    );
    expect(thrown(() => prepareInputs([{ name: 'u', shape: [1] }], opts())).message).toContain('does not declare its element type');
  });
});
