/**
 * Unknown option keys are OPTION errors naming the nearest known option (or what to use for an
 * onnxruntime option), at every public entry point that takes options: compile(), analyze(),
 * load(), save() and run(). Before, `{ precision: ['fp16'] }` compiled in fp32 without a word.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { load } from '../../src/artifact/load.js';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { nearestKey } from '../../src/util/option-keys.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, sine } from '../runtime/helpers.js';
import { optionRejection as optionError } from '../helpers/errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-option-keys-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('nearestKey', () => {
  it('finds typos and case slips, and nothing for a word far from every key', () => {
    const known = ['precisions', 'minBlockSize', 'fallbackOps', 'threads'];
    expect(nearestKey('precision', known)).toBe('precisions');
    expect(nearestKey('minBlocksize', known)).toBe('minBlockSize');
    expect(nearestKey('fallback_ops', known)).toBe('fallbackOps');
    expect(nearestKey('thread', known)).toBe('threads');
    expect(nearestKey('executionProviders', known)).toBeUndefined();
  });
});

describe('unknown option keys', () => {
  const inputs = { input: [1, 3, 64, 64] };

  it('compile() and analyze() name the nearest option, or what replaces an onnxruntime one', async () => {
    expect(await optionError(compile(resnet, { inputs, precision: ['fp16'] } as never))).toBe(
      "compile options: unknown option 'precision'; did you mean 'precisions'?",
    );
    expect(await optionError(compile(resnet, { inputs, minBlocksize: 3 } as never))).toBe(
      "compile options: unknown option 'minBlocksize'; did you mean 'minBlockSize'?",
    );
    expect(await optionError(compile(resnet, { inputs, executionProviders: ['cuda'] } as never))).toMatch(
      /^compile options: unknown option 'executionProviders'; onnxruntime's session options go in ortSessionOptions .*; engines' device is backend/,
    );
    expect(await optionError(compile(resnet, { inputs, zzz: 1 } as never))).toMatch(
      /^compile options: unknown option 'zzz'; the compile options are: precisions, calibration, inputs, /,
    );
    expect(await optionError(analyze(resnet, { inputs, probes: false } as never))).toBe(
      "analyze options: unknown option 'probes'; did you mean 'probe'?",
    );
  });

  describeIf(HAS_NATIVE, 'on a compiled model', NATIVE_MISSING, () => {
    it('load(), save() and run() refuse unknown keys too', async () => {
      const model = await compile(resnet, { inputs, backend: 'cpu' });
      try {
        const file = path.join(dir, 'm.hybrid');
        expect(await optionError(model.save(file, { embedsource: true } as never))).toBe(
          "save options: unknown option 'embedsource'; did you mean 'embedSource'?",
        );
        expect(fs.existsSync(file)).toBe(false);
        await model.save(file);
        expect(await optionError(load(file, { thread: 2 } as never))).toBe("load options: unknown option 'thread'; did you mean 'threads'?");
        expect(await optionError(model.run({ input: sine([1, 3, 64, 64]) }, { outputLocaton: 'cpu' } as never))).toBe(
          "run options: unknown option 'outputLocaton'; did you mean 'outputLocation'?",
        );
      } finally {
        await model.dispose();
      }
    });
  });
});
