/**
 * hybrid-run with saved models: --save-engine (and trtexec's --saveEngine) writes a .hybrid
 * file that hybrid-run runs without compiling, with the same outputs; --info shows what it
 * holds; --dry-run its partition report; --compare needs its source (--onnx, or embedded);
 * the flags that decide a compile are refused; --cache-dir reuses a compile; --save-engine is
 * refused where nothing is built and never overwrites another kind of file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, runMain, tempDir } from './helpers.js';

const dir = tempDir('hybridrt-cli-artifact-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The printed outputs section (from 'outputs' to 'time'), which runs must agree on. */
const outputsOf = (out: string) => out.slice(out.indexOf('outputs'), out.indexOf('\ntime'));

describeIf(HAS_NATIVE, 'hybrid-run and .hybrid files', NATIVE_MISSING, () => {
  const saved = path.join(dir, 'resnet.hybrid');
  let compiledOut = '';

  it('--save-engine writes the compiled model, which hybrid-run then runs with the same outputs', async () => {
    const r = await runMain(resnet, '--backend', 'cpu', '--shape', 'input=1x3x64x64', '--save-engine', saved);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote    engine -> ${saved} (run it with hybrid-run ${saved})`);
    compiledOut = r.out;
    const again = await runMain(saved);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^model {4}.*resnet\.hybrid {2}\(saved model: cpu, 1 engine, 0 fallback, from .*resnet_mini\.onnx\)/);
    expect(again.out).toMatch(/time {5}load .* ms, deserialize .* ms, run .* ms/);
    expect(outputsOf(again.out)).toBe(outputsOf(compiledOut));
    // trtexec's spelling.
    const trt = path.join(dir, 'trt.hybrid');
    expect((await runMain(resnet, '--backend', 'cpu', '--shape', 'input=1x3x64x64', '--saveEngine', trt)).code).toBe(0);
    expect(fs.existsSync(trt)).toBe(true);
  });

  it('--info prints what the file holds; --dry-run its partition report', async () => {
    const info = await runMain(saved, '--info');
    expect(info.code).toBe(0);
    const lines = info.out.trim().split('\n');
    expect(lines[0]).toMatch(/^file {7}.*resnet\.hybrid \(\d+ KiB\)$/);
    expect(lines).toContainEqual(expect.stringMatching(/^built for {2}cpu on .*; precisions fp32$/));
    expect(lines).toContainEqual('input      input  float32[1,3,64,64]  (declared [N,3,64,64])');
    expect(lines).toContainEqual('segment    #0 engine  23 nodes  in input  out logits');
    const dry = await runMain(saved, '--dry-run');
    expect(dry.out).toMatch(/^hybridrt partition report: .*resnet_mini\.onnx/);
    expect(dry.out).toContain('1 engine segment, 0 fallback segments');
  });

  it('--compare runs the source model: refused before running without one, passing with --onnx', async () => {
    const none = await runMain(saved, '--compare');
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toMatch(/--compare: .* does not hold its source model; give it with --onnx model\.onnx/);
    const withOnnx = await runMain(saved, '--compare', '--onnx', resnet);
    expect(withOnnx.code).toBe(0);
    expect(withOnnx.out).toMatch(/logits {2}PASS/);
    expect(withOnnx.err).not.toContain('warning');
    // Another model as --onnx: compared, with a warning that it is not the source.
    const other = path.join(dir, 'other.onnx');
    const m = fs.readFileSync(resnet);
    fs.writeFileSync(other, Buffer.concat([m, Buffer.from([0x32, 0x02, 0x68, 0x69])])); // + doc_string 'hi' (field 6)
    const mismatched = await runMain(saved, '--compare', '--onnx', other);
    expect(mismatched.err).toMatch(/warning: --onnx .*other\.onnx is not the model .*resnet\.hybrid was compiled from/);
    expect(mismatched.code).toBe(0); // the same graph and weights: only the doc string differs
    expect(mismatched.out).toMatch(/logits {2}PASS/);
    const folder = await runMain(saved, '--compare', '--onnx', dir);
    expect(folder.code).toBe(2);
    expect(folder.err).toMatch(/--onnx .*: not a regular file/);
  });

  it('refuses the flags that decide a compile, and --info on an ONNX model', async () => {
    for (const flags of [
      ['--precision', 'fp16'],
      ['--fallback-ops', 'Relu'],
      ['--min-block-size', '1'],
      ['--cache-dir', dir],
      ['--backend', 'ort'],
      ['--min-shapes', 'input:1x3x64x64', '--opt-shapes', 'input:1x3x64x64', '--max-shapes', 'input:2x3x64x64'],
    ]) {
      const r = await runMain(saved, ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err, flags.join(' ')).toMatch(/is a compiled model/);
    }
    expect((await runMain(resnet, '--info')).err).toMatch(/--info: .* is an ONNX model; --info reads \.hybrid files/);
    // A saved model runs on the backend it was built for.
    const cuda = await runMain(saved, '--backend', 'cuda');
    expect(cuda.code).toBe(2);
    expect(cuda.err).toMatch(/--backend cuda: .*resnet\.hybrid was compiled for cpu and runs there; compile its ONNX model with --backend cuda/);
  });

  it('--save-engine is refused where nothing is built, and never overwrites a file that is not a .hybrid one', async () => {
    const target = path.join(dir, 'refused.hybrid');
    for (const model of [resnet, saved]) {
      const dry = await runMain(model, '--dry-run', '--save-engine', target);
      expect(dry.code).toBe(2);
      expect(dry.err).toMatch(/--save-engine: --dry-run builds no engines/);
    }
    for (const flags of [
      ['--save-engine', target],
      ['--cache-dir', dir],
    ]) {
      const ort = await runMain(resnet, '--backend', 'ort', ...flags);
      expect(ort.code, flags[0]).toBe(2);
      expect(ort.err, flags[0]).toMatch(new RegExp(`${flags[0]}: --backend ort builds no engines`));
    }
    expect(fs.existsSync(target)).toBe(false);
    // The ONNX model itself (a slip of the command line) is not overwritten, from either kind of input.
    const onnx = path.join(dir, 'keep.onnx');
    fs.copyFileSync(resnet, onnx);
    for (const model of [resnet, saved]) {
      const r = await runMain(model, '--backend', 'cpu', '--shape', 'input=1x3x64x64', '--save-engine', onnx);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--save-engine .*keep\.onnx: the file exists and is not a \.hybrid file; refusing to overwrite it/);
    }
    expect(fs.readFileSync(onnx)).toEqual(fs.readFileSync(resnet));
    // A .hybrid file is replaced.
    const again = await runMain(resnet, '--backend', 'cpu', '--shape', 'input=1x3x64x64', '--save-engine', saved);
    expect(again.code).toBe(0);
  });

  it('--cache-dir: a second run of the same model and flags loads what the first compiled', async () => {
    const cache = path.join(dir, 'cache');
    const first = await runMain(resnet, '--backend', 'cpu', '--shape', 'input=1x3x64x64', '--cache-dir', cache);
    const second = await runMain(resnet, '--backend', 'cpu', '--shape', 'input=1x3x64x64', '--cache-dir', cache);
    expect(first.out).not.toContain('engine cache hit');
    expect(second.out).toMatch(/engine cache hit: .*\.hybrid/);
    expect(outputsOf(second.out)).toBe(outputsOf(first.out));
  });
});

describe('a .hybrid file that is not one', () => {
  it('is a one-line PLAN error, exit 2', async () => {
    const bad = path.join(dir, 'bad.hybrid');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from('HYBRIDRT'), Buffer.alloc(40)]));
    const r = await runMain(bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^hybrid-run: .*bad\.hybrid: .hybrid container version 0; this hybridrt reads version 1 .*\n$/);
  });
});
