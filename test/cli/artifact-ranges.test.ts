/**
 * hybrid-run on a .hybrid file compiled for a shape range: it runs at any shape inside the
 * range, as the compiled model does (load() takes them), from --shape or an --input file, at
 * the opt shape where neither is given, and a shape outside the range is refused before
 * anything runs. hybrid-run refused every shape but opt ("dimension 0 is 1 ([1,3,64,64]), the
 * model fixes it at 2"). --compare checks the outputs against onnxruntime (hybrid-run's
 * default tolerance).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, runMain, tempDir, writeModel } from './helpers.js';

const dir = tempDir('hybridrt-cli-artifact-ranges-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describeIf(HAS_NATIVE, 'hybrid-run on a .hybrid file compiled for a range', NATIVE_MISSING, () => {
  const saved = path.join(dir, 'ranged.hybrid');
  const range = ['--min-shapes', 'input:1x3x64x64', '--opt-shapes', 'input:2x3x64x64', '--max-shapes', 'input:3x3x64x64'];

  it('runs at every shape inside the range, at opt by default, and refuses one outside it', async () => {
    const built = await runMain(resnet, '--backend', 'cpu', ...range, '--save-engine', saved);
    expect(built.code, built.err).toBe(0);
    const atOpt = await runMain(saved, '--compare', '--onnx', resnet);
    expect(atOpt.code, atOpt.err).toBe(0);
    expect(atOpt.out).toMatch(/input {2}float32\[2,3,64,64\]/);
    expect(atOpt.out).toMatch(/logits {2}PASS/);
    for (const n of [1, 3]) {
      const r = await runMain(saved, '--shape', `input=${n}x3x64x64`, '--compare', '--onnx', resnet);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`input {2}float32\\[${n},3,64,64\\]`));
      expect(r.out).toMatch(/logits {2}PASS/);
    }
    // An --input file inside the range (saved by a run at batch 1).
    const inputs = path.join(dir, 'inputs');
    expect((await runMain(resnet, '--backend', 'ort', '--shape', 'input=1x3x64x64', '--save-inputs', inputs)).code).toBe(0);
    const fromFile = await runMain(saved, '--input', `input=${path.join(inputs, 'input.npy')}`, '--compare', '--onnx', resnet);
    expect(fromFile.code, fromFile.err).toBe(0);
    expect(fromFile.out).toMatch(/logits {2}PASS/);
    const outside = await runMain(saved, '--shape', 'input=4x3x64x64');
    expect(outside.code).toBe(2);
    expect(outside.out).toBe('');
    expect(outside.err).toMatch(/--shape input=4x3x64x64: .*outside/);
  });

  it('a --shape for one input sizes the others that share its dimensions (silero: input and state share batch)', async () => {
    // a [N, 4] and b [2, N, 3] share N: --shape a=1x4 must run b at [2, 1, 3], not refuse it for
    // disagreeing with the range's opt (N = 2) that the user never typed.
    const model = writeModel(dir, 'shared.onnx', {
      inputs: [
        { name: 'a', dtype: 'float32', shape: ['N', 4] },
        { name: 'b', dtype: 'float32', shape: [2, 'N', 3] },
      ],
      outputs: [
        { name: 'ya', dtype: 'float32' },
        { name: 'yb', dtype: 'float32' },
      ],
      nodes: [
        { op: 'Relu', inputs: ['a'], outputs: ['ya'] },
        { op: 'Sigmoid', inputs: ['b'], outputs: ['yb'] },
      ],
    });
    const file = path.join(dir, 'shared.hybrid');
    const ends = ['--min-shapes', 'a:1x4,b:2x1x3', '--opt-shapes', 'a:2x4,b:2x2x3', '--max-shapes', 'a:3x4,b:2x3x3'];
    const built = await runMain(model, '--backend', 'cpu', ...ends, '--save-engine', file);
    expect(built.code, built.err).toBe(0);
    for (const n of [1, 3]) {
      const r = await runMain(file, '--shape', `a=${n}x4`, '--compare', '--onnx', model);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`b {2}float32\\[2,${n},3\\]`));
      expect(r.out).toMatch(/yb {2}PASS/);
    }
    // Given both, they must still agree; and a size outside the range is refused by name.
    const disagree = await runMain(file, '--shape', 'a=1x4', '--shape', 'b=2x3x3');
    expect(disagree.code).toBe(2);
    expect(disagree.err).toMatch(/'N' is 3 here but 1/);
    const outside = await runMain(file, '--shape', 'a=4x4');
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/--shape a=4x4: .*outside/);
  });
});
