/**
 * Every bad input hybrid-run can meet gets one line on stderr, `hybrid-run: <file, tensor or
 * flag>: <what>`, and a non-zero exit (2 usage/input, 1 failure while running), with no stack
 * trace unless --verbose, and main() never throws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { writeTensorFile } from '../../src/onnx/tensor-file.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { expectOneLineError, resnet, runMain, runMainRaw, tempDir, writeModel } from './helpers.js';

const dir = tempDir();
const p = (f: string) => path.join(dir, f);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const bytes = fs.readFileSync(resnet);
  fs.writeFileSync(p('truncated.onnx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  fs.writeFileSync(p('text.onnx'), 'this is not a model\n');
  fs.writeFileSync(p('empty.onnx'), '');
  fs.writeFileSync(p('garbage.npy'), 'not numpy at all');
  fs.writeFileSync(p('short.npy'), Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x40]));
  writeTensorFile(p('f64.npy'), { dtype: 'float64', dims: [1, 3, 64, 64], data: new Float64Array(3 * 64 * 64) });
  writeTensorFile(p('small.npy'), { dtype: 'float32', dims: [1, 3, 32, 32], data: new Float32Array(3 * 32 * 32) });

  // y = x + w, with w stored as external data at ../secret.bin (outside the model's folder).
  const model = buildModel({
    inputs: [{ name: 'x', dtype: 'float32', shape: [4] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [4] }],
    initializers: { w: { dtype: 'float32', dims: [4], data: new Float32Array(4) } },
    nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
  });
  const w = model.graph!.initializer[0]!;
  w.rawData = new Uint8Array(0);
  w.dataLocation = 1;
  w.externalData = [{ key: 'location', value: '../secret.bin' }];
  fs.mkdirSync(p('escape'));
  fs.writeFileSync(p('secret.bin'), new Uint8Array(16));
  fs.writeFileSync(p('escape/model.onnx'), encodeModel(model));

  // Valid protobuf that onnxruntime refuses to load: an op that does not exist.
  writeModel(dir, 'unknown-op.onnx', {
    inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [2] }],
    nodes: [{ op: 'NoSuchOp', inputs: ['x'], outputs: ['y'] }],
  });
  // Loads, but fails at run time: 3 elements of x cannot be reshaped to [2, 2].
  writeModel(dir, 'bad-reshape.onnx', {
    inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { shape: { dtype: 'int64', dims: [2], data: BigInt64Array.of(2n, 2n) } },
    nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
  });
});

interface Case {
  what: string;
  argv: () => string[];
  code: 1 | 2;
  /** The error line, after "hybrid-run: ". */
  message: RegExp;
}

const cases: Case[] = [
  { what: 'a missing model file', argv: () => [p('nope.onnx')], code: 2, message: /^\S+nope\.onnx: cannot read model \(no such file\)$/ },
  { what: 'a folder as the model', argv: () => [dir], code: 2, message: /: cannot read model \(is a directory\)$/ },
  {
    what: 'a truncated model',
    argv: () => [p('truncated.onnx')],
    code: 2,
    message: /truncated\.onnx: not a valid ONNX model \(truncated or corrupt protobuf/,
  },
  { what: 'a text file as the model', argv: () => [p('text.onnx')], code: 2, message: /text\.onnx: not (a valid |an )ONNX model/ },
  { what: 'an empty model file', argv: () => [p('empty.onnx')], code: 2, message: /empty\.onnx: (empty file, )?not an ONNX model/ },
  {
    what: 'an external-data path leaving the model folder',
    argv: () => [p('escape/model.onnx')],
    code: 2,
    message: /escape\/model\.onnx: tensor 'w': external data path '\.\.\/secret\.bin' leaves the model's folder$/,
  },
  {
    what: 'an unknown input name in --input',
    argv: () => [resnet, '--input', `image=${p('small.npy')}`],
    code: 2,
    message: /^--input image=\S+: the model has no input 'image' \(its inputs: input\)$/,
  },
  {
    what: 'an unknown input name in --shape',
    argv: () => [resnet, '--shape', 'image=1x3x64x64'],
    code: 2,
    message: /^--shape image=1x3x64x64: the model has no input 'image' \(its inputs: input\)$/,
  },
  {
    what: 'an input file of the wrong dtype',
    argv: () => [resnet, '--input', `input=${p('f64.npy')}`],
    code: 2,
    message: /^input 'input' \(\S+f64\.npy\): dtype float64, the model wants float32$/,
  },
  {
    what: 'an input file of the wrong shape',
    argv: () => [resnet, '--input', `input=${p('small.npy')}`],
    code: 2,
    message: /^input 'input' \(\S+small\.npy\): dimension 2 is 32 \(\[1,3,32,32\]\), the model fixes it at 64 \[N,3,64,64\]$/,
  },
  { what: 'an unreadable .npy', argv: () => [resnet, '--input', `input=${p('garbage.npy')}`], code: 2, message: /garbage\.npy: not a \.npy file/ },
  { what: 'a truncated .npy', argv: () => [resnet, '--input', `input=${p('short.npy')}`], code: 2, message: /short\.npy: / },
  {
    what: 'a missing .npy',
    argv: () => [resnet, '--input', `input=${p('absent.npy')}`],
    code: 2,
    message: /absent\.npy: cannot read tensor file \(no such file\)$/,
  },
  {
    what: 'an input file of unknown type',
    argv: () => [resnet, '--input', `input=${p('x.txt')}`],
    code: 2,
    message: /x\.txt: unknown tensor file type '\.txt'/,
  },
  { what: 'a malformed --shape', argv: () => [resnet, '--shape', 'input=1xx3'], code: 2, message: /^--shape input=1xx3: '' is not a dimension/ },
  { what: 'a --shape without =', argv: () => [resnet, '--shape', 'input'], code: 2, message: /^--shape input: expected NAME=DIMS/ },
  {
    what: 'a --shape too large for this machine',
    argv: () => [resnet, '--shape', 'input=1000000x3x64x64'],
    code: 2,
    message:
      /^--shape input=1000000x3x64x64: \[1000000,3,64,64\] would take 45\.8 GiB, more than the .* a tensor may take on this machine \(half its memory\)$/,
  },
  {
    what: 'a missing required input',
    argv: () => [resnet, '--no-random'],
    code: 2,
    message: /^input 'input': required input not given; pass --input input=FILE \(--no-random is set\)$/,
  },
  { what: 'an unknown flag', argv: () => [resnet, '--frobnicate'], code: 2, message: /^unknown option '--frobnicate' \(see hybrid-run --help\)$/ },
  { what: 'no model at all', argv: () => [], code: 2, message: /^missing required argument 'model' \(see hybrid-run --help\)$/ },
  {
    what: 'a bad --backend',
    argv: () => [resnet, '--backend', 'gpu'],
    code: 2,
    message: /argument 'gpu' is invalid\. Allowed choices are auto, cpu, cuda, ort\./,
  },
  { what: 'a bad --seed', argv: () => [resnet, '--seed', 'abc'], code: 2, message: /^--seed abc: not an integer$/ },
  {
    what: 'an unknown --fallback-nodes name',
    argv: () => [resnet, '--fallback-nodes', '/fc/Gemm,/nope'],
    code: 2,
    message: /^--fallback-nodes \/fc\/Gemm,\/nope: the model has no node '\/nope'$/,
  },
  {
    what: 'onnxruntime refusing the model',
    argv: () => [p('unknown-op.onnx'), '--backend', 'ort'],
    code: 1,
    message: /unknown-op\.onnx: onnxruntime cannot load the model: .*NoSuchOp/,
  },
  {
    what: 'onnxruntime failing during the run',
    argv: () => [p('bad-reshape.onnx'), '--shape', 'x=3', '--backend', 'ort'],
    code: 1,
    message: /bad-reshape\.onnx: onnxruntime failed to run the model: .*/,
  },
];

describe('hybrid-run on bad input', () => {
  it.each(cases)('$what: exit $code and one line', async ({ argv, code, message }) => {
    const r = await runMain(...argv());
    const line = expectOneLineError(r.err);
    expect(line.slice('hybrid-run: '.length)).toMatch(message);
    expect(r.code).toBe(code);
  });

  it('prints the stack trace with --verbose', async () => {
    const r = await runMain(p('truncated.onnx'), '--verbose');
    expect(r.code).toBe(2);
    const [first, ...rest] = r.err.split('\n');
    expect(first).toMatch(/^hybrid-run: \S+truncated\.onnx: not a valid ONNX model/);
    expect(rest.join('\n')).toMatch(/\n\s+at /);
  });

  it('checks partition flags against the model before a dry run', async () => {
    const r = await runMainRaw(resnet, '--dry-run', '--fallback-nodes', '/nope');
    expect(expectOneLineError(r.err)).toBe("hybrid-run: --fallback-nodes /nope: the model has no node '/nope'");
    expect(r.code).toBe(2);
  });

  it('warns once about a --fallback-ops op type the model does not have', async () => {
    const r = await runMainRaw(resnet, '--shape', 'input=1x3x64x64', '--fallback-ops', 'conv');
    expect(r.err.split('\n').filter((l) => l.includes('warning'))).toEqual([
      "hybrid-run: warning: fallbackOps: the model has no 'conv' node (op types are case-sensitive; another domain's op is 'domain::Op')",
    ]);
    const ok = await runMainRaw(resnet, '--shape', 'input=1x3x64x64', '--fallback-ops', 'Conv,ai.onnx::Relu,com.example::Conv');
    expect(ok.err.split('\n').filter((l) => l.includes('warning'))).toEqual([
      "hybrid-run: warning: fallbackOps: the model has no 'com.example::Conv' node (op types are case-sensitive; another domain's op is 'domain::Op')",
    ]);
  });

  it('sets a symbolic dimension that nothing fixes to 1, with one notice naming it and the flag', async () => {
    const r = await runMainRaw(resnet);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').filter((l) => l)).toEqual([
      "hybrid-run: note: input 'input' [N,3,64,64]: 'N' set to 1; set it with --shape input=1x3x64x64 (with your sizes)",
    ]);
    expect(r.out).toMatch(/input +float32\[1,3,64,64\]/);
  });

  it('refuses reduced precisions and partition flags with --backend ort, which runs the whole model on onnxruntime', async () => {
    const fp16 = await runMain(resnet, '--backend', 'ort', '--precision', 'fp16', '--shape', 'input=1x3x64x64');
    expect(expectOneLineError(fp16.err)).toMatch(/^hybrid-run: --precision fp32,fp16: --backend ort runs the model in its own precision/);
    expect(fp16.code).toBe(2);
    const mbs = await runMain(resnet, '--backend', 'ort', '--min-block-size', '2', '--shape', 'input=1x3x64x64');
    expect(expectOneLineError(mbs.err)).toMatch(
      /^hybrid-run: --min-block-size: --backend ort runs the whole model on onnxruntime; partitioning applies to the hybrid executor/,
    );
    expect(mbs.code).toBe(2);
  });
});

describeIf(HAS_NATIVE, 'hybrid-run on bad input, hybrid executor', NATIVE_MISSING, () => {
  it('reports onnxruntime refusing a fallback segment in one line naming the model (exit 1)', async () => {
    const r = await runMain(p('unknown-op.onnx'));
    expect(expectOneLineError(r.err)).toMatch(
      /^hybrid-run: \S+unknown-op\.onnx: onnxruntime cannot load fallback segment 0 \(NoSuchOp_0\): .*NoSuchOp/,
    );
    expect(r.code).toBe(1);
  });

  it('points a failure back to the sizes it set to 1 where nothing sized a dimension', async () => {
    for (const backend of ['ort', 'cpu']) {
      const r = await runMain(p('bad-reshape.onnx'), '--backend', backend);
      const lines = r.err.split('\n').filter(Boolean);
      expect(lines[0]).toBe("hybrid-run: note: input 'x' [n]: 'n' set to 1; set it with --shape x=1 (with your sizes)");
      const errors = lines.filter((l) => !/^hybrid-run: (note|warning): /.test(l));
      expect(expectOneLineError(errors.join('\n')), backend).toMatch(
        /\(input 'x': dimensions nothing sized were set to 1, see the note above; give the model's real sizes with --shape\)$/,
      );
      expect(r.code).not.toBe(0);
    }
    // Sized by the user, the same failure says nothing of defaults.
    expect((await runMain(p('bad-reshape.onnx'), '--shape', 'x=3', '--backend', 'ort')).err).not.toContain('set to 1');
  });

  it('reports a fallback segment failing at run time in one line naming the model (exit 1)', async () => {
    const r = await runMain(p('bad-reshape.onnx'), '--shape', 'x=3');
    const errors = r.err.split('\n').filter((l) => l && !l.startsWith('hybrid-run: warning: '));
    expect(expectOneLineError(errors.join('\n'))).toMatch(
      /^hybrid-run: \S+bad-reshape\.onnx: fallback segment 0: onnxruntime failed: .*cannot be reshaped/,
    );
    expect(r.code).toBe(1);
  });
});
