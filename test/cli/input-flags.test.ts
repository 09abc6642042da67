/**
 * --input-value NAME=V (src/cli/input-flags.ts): the input is fixed at compile time, so the
 * model whose body sits in an If on `sr == 16000` (test/helpers/rate-gated.ts) runs wholly on
 * engines; --compare feeds onnxruntime the same `sr` on the original model and must PASS (its
 * default tolerance, src/cli/tolerance.ts). Bad names, values and counts are OPTION errors
 * naming the flag; a saved model feeds its fixed value by itself. Also --input's parsing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { inputValueTensors, parseInputFlag, parseInputValueFlags } from '../../src/cli/input-flags.js';
import { RATE_GATED } from '../helpers/rate-gated.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { runMain, tempDir, writeModel } from './helpers.js';
import { optionMessage as optionError } from '../helpers/errors.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const model = writeModel(dir, 'rate-gated.onnx', RATE_GATED);

it('parses NAME=V and NAME=V1,V2 into tensors of the model input, dims from its declared shape', () => {
  const inputs = [
    { name: 'sr', dtype: 'int64' as const, shape: [] },
    { name: 'w', dtype: 'float32' as const, shape: [2, 2] },
    { name: 'ids', dtype: 'int32' as const, shape: ['n'] },
    { name: 'on', dtype: 'bool' as const, shape: [1] },
  ];
  const t = inputValueTensors(parseInputValueFlags(['sr=16000', 'w=1,2.5,-3,4e-1', 'ids=7,8,9', 'on=true']), inputs);
  expect(t.get('sr')).toEqual({ dtype: 'int64', dims: [], data: BigInt64Array.of(16000n) });
  expect(t.get('w')).toEqual({ dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2.5, -3, 0.4) });
  expect(t.get('ids')).toEqual({ dtype: 'int32', dims: [3], data: Int32Array.of(7, 8, 9) });
  expect(t.get('on')).toEqual({ dtype: 'bool', dims: [1], data: Uint8Array.of(1) });
  expect(optionError(() => inputValueTensors(parseInputValueFlags(['rs=16000']), inputs))).toBe(
    "--input-value rs=16000: the model has no input 'rs'; did you mean 'sr'? its inputs: sr, w, ids, on",
  );
  expect(optionError(() => inputValueTensors(parseInputValueFlags(['sr=16k']), inputs))).toContain("'16k' is not an integer (input 'sr' is int64)");
  expect(optionError(() => inputValueTensors(parseInputValueFlags(['sr=1,2']), inputs))).toContain("2 value(s), input 'sr' is [] (1 elements)");
  expect(optionError(() => inputValueTensors(parseInputValueFlags(['w=1,x,3,4']), inputs))).toContain("'x' is not a number");
  expect(optionError(() => inputValueTensors(parseInputValueFlags(['ids=3000000000']), inputs))).toContain('out of the range of int32');
  expect(optionError(() => parseInputValueFlags(['sr']))).toContain('expected NAME=VALUE');
  expect(optionError(() => parseInputValueFlags(['sr=1', 'sr=2']))).toContain("input 'sr' is given more than one --input-value");
  expect(parseInputFlag('x=a=b.npy')).toEqual({ raw: 'x=a=b.npy', name: 'x', file: 'a=b.npy' });
});

it('--dry-run with --input-value sr=16000: every node on an engine, the report lists the fixed input', async () => {
  const before = await runMain(model, '--dry-run', '--min-block-size', '1');
  expect(before.code).toBe(0);
  expect(before.out).toMatch(/fallback segment/);
  expect(before.out).toMatch(/If x1/);
  const after = await runMain(model, '--dry-run', '--min-block-size', '1', '--input-value', 'sr=16000');
  expect(after.code).toBe(0);
  expect(after.out).toContain('fixed inputs: sr = 16000 (int64[])');
  expect(after.out).toMatch(/Coverage: (\d+)\/\1 nodes on engines \(100\.0%\)/);
  const typo = await runMain(model, '--dry-run', '--input-value', 'rs=16000');
  expect(typo.code).not.toBe(0);
  expect(typo.err).toContain("did you mean 'sr'?");
});

describeIf(HAS_NATIVE, '--input-value runs', NATIVE_MISSING, () => {
  it('--compare agrees with onnxruntime fed the same sr; a saved model feeds its value itself', async () => {
    const saved = path.join(dir, 'rate-gated.hybrid');
    const r = await runMain(model, '--backend', 'cpu', '--min-block-size', '1', '--input-value', 'sr=16000', '--compare', '--save-engine', saved);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/partition +(\d+)\/\1 nodes on engines \(100\.0%\)/);
    expect(r.out).toMatch(/sr +int64\[\] +--input-value/);
    expect(r.out).toMatch(/ y +PASS/);
    const again = await runMain(saved, '--onnx', model, '--compare');
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/sr +int64\[\] +fixed at compile time/);
    expect(again.out).toMatch(/ y +PASS/);
    const info = await runMain(saved, '--info');
    expect(info.out).toMatch(/input +sr +int64\[\] .*fixed at compile time: 16000/);
    const other = await runMain(saved, '--input-value', 'sr=8000');
    expect(other.code).not.toBe(0);
    expect(other.err).toContain("input 'sr' was fixed at compile time to 16000 (inputValues), and this run fed 8000");
  });
});
