/**
 * hybrid-run (--backend ort) on ONNX backend node tests: their input_N.pb files go in by --input without a
 * name (each .pb names its input), and the --output-dir files equal the tests' expected
 * output_N.pb, across float, float16, int64 and bool tensors. Skips where the data is absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { toFloat64 } from '../../src/cli/summary.js';
import { readTensorFile } from '../../src/onnx/tensor-file.js';
import { CONFORMANCE_MISSING, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { expectOneLineError, runOrt, tempDir } from './helpers.js';

const root = conformanceDir();
const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TESTS = [
  'test_add',
  'test_matmul_2d',
  'test_gather_0', // int64 indices in
  'test_argmax_default_axis_example', // int64 out
  'test_equal', // bool out
  'test_where_example', // bool in
  'test_cast_FLOAT_to_FLOAT16', // float16 out
  'test_cast_FLOAT16_to_FLOAT', // float16 in
];

describeIf(!!root, 'hybrid-run on conformance node tests', CONFORMANCE_MISSING, () => {
  it.each(TESTS)('%s', async (name) => {
    const data = path.join(root!, 'node', name, 'test_data_set_0');
    const files = fs.readdirSync(data).sort();
    const inputs = files.filter((f) => f.startsWith('input_')).flatMap((f) => ['--input', path.join(data, f)]);
    const outDir = path.join(dir, name);
    const r = await runOrt(path.join(root!, 'node', name, 'model.onnx'), ...inputs, '--no-random', '--output-dir', outDir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const f of files.filter((f) => f.startsWith('output_'))) {
      const { tensor: want, name: outName } = readTensorFile(path.join(data, f));
      const written = /^wrote {4}(.*) -> (.*)$/m.exec(
        r.out
          .split('\n')
          .filter((l) => l.startsWith(`wrote    ${outName} `))
          .join('\n'),
      );
      expect(written, `${outName} written`).not.toBeNull();
      const got = readTensorFile(written![2]!).tensor;
      expect(got.dtype).toBe(want.dtype);
      expect(got.dims).toEqual(want.dims);
      const a = toFloat64(got);
      const b = toFloat64(want);
      for (let i = 0; i < a.length; i++) {
        if (!Number.isFinite(b[i]!))
          expect(a[i], `element ${i}`).toBe(b[i]); // NaN and infinities exactly (Object.is)
        else expect(Math.abs(a[i]! - b[i]!), `element ${i}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(b[i]!));
      }
    }
  });

  it('refuses a test input fed to the wrong input by name', async () => {
    const data = path.join(root!, 'node', 'test_gather_0', 'test_data_set_0');
    // input_1.pb holds the int64 indices; feeding them as 'data' (float) is a dtype error.
    const r = await runOrt(path.join(root!, 'node', 'test_gather_0', 'model.onnx'), '--input', `data=${path.join(data, 'input_1.pb')}`);
    expect(expectOneLineError(r.err)).toMatch(/^hybrid-run: input 'data' \(\S+input_1\.pb\): dtype int64, the model wants float32$/);
    expect(r.code).toBe(2);
  });
});
