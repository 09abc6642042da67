// What a user gets wrong, and what they are told: feeds with an unknown name, a missing input,
// the wrong dtype, element count or shape (INPUT), a shape the model allows but was not
// compiled for (SHAPE), a disposed model (DISPOSED), a backend that is not there (BACKEND),
// and what 'auto' says when it picks cpu.
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import { deviceQuery } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, sine } from './helpers.js';
import { rejection } from '../helpers/errors.js';

describeIf(HAS_NATIVE, 'feeds', NATIVE_MISSING, () => {
  let model: CompiledModel;
  beforeAll(async () => {
    model = await compile(resnet, { inputs: { input: [2, 3, 64, 64] }, threads: 1 });
  });
  afterAll(() => model?.dispose());

  it('describes inputs and outputs with their compiled shapes', () => {
    expect(model.inputNames).toEqual(['input']);
    expect(model.outputNames).toEqual(['logits']);
    expect(model.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [2, 3, 64, 64], declaredShape: ['N', 3, 64, 64] }]);
    expect(model.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: [2, 10] }]);
  });

  it('accepts an onnxruntime Tensor or a plain typed array, with the same result', async () => {
    const x = sine([2, 3, 64, 64]);
    const a = await model.run({ input: x });
    const b = await model.run({ input: x.data as Float32Array });
    expect(a.logits).toBeInstanceOf(ort.Tensor);
    expect(a.logits!.dims).toEqual([2, 10]);
    expect(b.logits!.data).toEqual(a.logits!.data);
  });

  it.each([
    {
      what: 'an unknown name',
      feeds: () => ({ input: sine([2, 3, 64, 64]), image: sine([1]) }),
      message: "unknown input 'image' (the model's inputs: input float32[2,3,64,64])",
    },
    { what: 'a missing input', feeds: () => ({}), message: "input 'input' is missing (expected float32[2,3,64,64])" },
    {
      what: 'the wrong dtype',
      feeds: () => ({ input: new ort.Tensor('int32', new Int32Array(2 * 3 * 64 * 64), [2, 3, 64, 64]) }),
      message: "input 'input': dtype int32, expected float32[2,3,64,64]",
    },
    {
      what: 'the wrong rank',
      feeds: () => ({ input: sine([2, 3, 64]) }),
      message: "input 'input': shape [2,3,64] has rank 3, expected float32[2,3,64,64]",
    },
    {
      what: 'a dimension the model fixes',
      feeds: () => ({ input: sine([2, 3, 32, 64]) }),
      message: "input 'input': shape [2,3,32,64], expected float32[2,3,64,64] (dimension 2 is 64)",
    },
    {
      what: 'a typed array of the wrong type',
      feeds: () => ({ input: new Float64Array(4) }),
      message: "input 'input': got a Float64Array, expected a Float32Array (float32[2,3,64,64])",
    },
    {
      what: 'a typed array of the wrong length',
      feeds: () => ({ input: new Float32Array(10) }),
      message: "input 'input': got 10 elements, expected 24576 (float32[2,3,64,64])",
    },
    {
      what: 'something else',
      feeds: () => ({ input: [1, 2, 3] }),
      message: "input 'input': expected an onnxruntime Tensor or a typed array (float32[2,3,64,64])",
    },
  ])('refuses $what with INPUT', async ({ feeds, message }) => {
    const e = await rejection(model.run(feeds() as never));
    expect(e.code).toBe('INPUT');
    expect(e.message).toBe(message);
  });

  it('refuses a symbolic dimension with another value than compiled with SHAPE, saying what was built', async () => {
    const e = await rejection(model.run({ input: sine([1, 3, 64, 64]) }));
    expect(e.code).toBe('SHAPE');
    expect(e.message).toBe(
      "input 'input': shape [1,3,64,64] is not the compiled shape [2,3,64,64] (dimension 0, 'N' in the model, was built as 2); " +
        "compile again with inputs: { 'input': [1,3,64,64] }",
    );
  });
});

describeIf(HAS_NATIVE, 'compile errors', NATIVE_MISSING, () => {
  it('a symbolic dim given no size is 1, with a notice naming it and the option that sizes it', async () => {
    const logs: Array<[string, string]> = [];
    const m = await compile(resnet, { backend: 'cpu', onLog: (msg, level) => logs.push([msg, level]) });
    try {
      expect(m.inputs[0]!.shape).toEqual([1, 3, 64, 64]);
      expect(logs).toContainEqual([
        `input 'input' [N,3,64,64]: 'N' has no size or range, so [1,3,64,64] is compiled; give shapes with inputs: { 'input': [...] } ` +
          `or a range { min, opt, max } (hybrid-run: --shapes input:1x3x64x64, or --min-shapes/--opt-shapes/--max-shapes)`,
        'warn',
      ]);
    } finally {
      await m.dispose();
    }
  });

  it('a shape for an input the model lacks is an INPUT error; one that contradicts it, an OPTION error', async () => {
    expect(await rejection(compile(resnet, { inputs: { image: [1, 3, 64, 64] } }))).toMatchObject({
      code: 'INPUT',
      message: `${resnet}: inputs: the model has no input 'image' (its inputs: input)`,
    });
    expect(await rejection(compile(resnet, { inputs: { input: [1, 3, 32, 32] } }))).toMatchObject({
      code: 'OPTION',
      message: `${resnet}: inputs: 'input': dim 2 is 32, but the model fixes it to 64 ([N,3,64,64])`,
    });
    expect(await rejection(compile(resnet, { inputs: { input: { min: [1, 3, 32, 64], opt: [2, 3, 32, 64], max: [4, 3, 32, 64] } } }))).toMatchObject({
      code: 'OPTION',
      message: `${resnet}: inputs: 'input' (min): dim 2 is 32, but the model fixes it to 64 ([N,3,64,64])`,
    });
  });

  it.each([
    [{ precisions: ['fp8'] }, "precision 'fp8' is not one of: fp32, fp16, bf16, int8"],
    [{ backend: 'gpu' }, "backend 'gpu' is not one of: auto, cpu, cuda"],
    [{ inputs: { input: [1, -3, 64, 64] } }, "inputs: 'input': shape must be an array of non-negative integers, e.g. [1, 3, 224, 224]"],
    [
      { inputs: { input: { min: [2, 3, 64, 64], opt: [1, 3, 64, 64], max: [8, 3, 64, 64] } } },
      "inputs: 'input': dim 0 must satisfy min <= opt <= max; got 2, 1, 8",
    ],
    [{ inputs: { input: { min: [1, 3, 64, 64], max: [8, 3, 64, 64] } } }, "inputs: 'input': a range needs min, opt and max; opt missing"],
    [
      { inputs: { input: { min: [1, 3, 64, 64], opt: [1, 3, 64], max: [8, 3, 64, 64] } } },
      "inputs: 'input': min [1,3,64,64], opt [1,3,64] and max [8,3,64,64] must have one rank",
    ],
    [
      { profiles: [{ input: { min: [1, 3, 64, 64], opt: [1, 3, 64, 64], max: [2, 3, 64, 64] } }, {}] },
      "profiles[1] gives no range for 'input', which another profile ranges; every profile gives the same inputs",
    ],
    [{ profiles: [] }, 'profiles must be a non-empty array of { input: { min, opt, max } }'],
    [
      { inputs: { input: { min: [0, 3, 64, 64], opt: [1, 3, 64, 64], max: [2, 3, 64, 64] } } },
      `${resnet}: inputs: 'input': dim 0 ranges from 0; a range starts at 1 (compile a separate static shape for empty inputs)`,
    ],
    [{ minBlockSize: -1 }, 'minBlockSize must be an integer from 0 to 2000000, got -1'],
    [{ fallbackOps: 'Relu' }, 'fallbackOps must be an array of non-empty strings'],
    [{ threads: 0 }, 'threads must be an integer from 1 to 256, got 0'],
  ])('refuses the option %j with OPTION', async (options, message) => {
    expect(await rejection(compile(resnet, options as never))).toMatchObject({ code: 'OPTION', message });
  });

  it('a model that is not a path, bytes or ModelProto is an OPTION error', async () => {
    expect(await rejection(compile(42 as never))).toMatchObject({ code: 'OPTION' });
  });

  it("backend 'cuda' where the addon or the device lacks it is a BACKEND error with the reason", async () => {
    const cuda = deviceQuery('cuda');
    if (cuda.available) return; // a GPU machine: test/gpu covers it
    const e = await rejection(compile(resnet, { backend: 'cuda', inputs: { input: [1, 3, 64, 64] } }));
    expect(e.code).toBe('BACKEND');
    expect(e.message).toBe(`backend 'cuda' is not available: ${cuda.reason}`);
    expect(cuda.reason).toMatch(/\w/);
  });

  it("'auto' takes cpu where cuda is missing, and says why", async () => {
    const cuda = deviceQuery('cuda');
    if (cuda.available) return;
    const logs: Array<[string, string]> = [];
    const m = await compile(resnet, { inputs: { input: [1, 3, 64, 64] }, onLog: (msg, level) => logs.push([level, msg]) });
    try {
      expect(m.backend).toBe('cpu');
      expect(logs).toContainEqual(['info', `backend auto: using cpu, because cuda is not available: ${cuda.reason}`]);
    } finally {
      await m.dispose();
    }
  });

  it('a disposed model refuses to run with DISPOSED, and keeps its metadata', async () => {
    const m = await compile(resnet, { inputs: { input: [1, 3, 64, 64] }, threads: 1 });
    await m.dispose();
    const e = await rejection(m.run({ input: sine([1, 3, 64, 64]) }));
    expect(e).toMatchObject({ code: 'DISPOSED', message: `${resnet}: the model was disposed` });
    expect(m.inputNames).toEqual(['input']);
  });
});
