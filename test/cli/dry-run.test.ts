/**
 * hybrid-run --dry-run and --report: the partition report in each form, to stdout or a file,
 * shapes from --shape and input files, forced fallbacks reaching the partitioner, and the flag
 * combinations that are refused. Nothing is run: no output lines appear.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTensorFile } from '../../src/onnx/tensor-file.js';
import { HAS_NATIVE } from '../helpers/skip.js';
import { expectOneLineError, resnet, runMain, runMainRaw, tempDir, transformer, writeModel } from './helpers.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface JsonReport {
  schemaVersion: number;
  model: { file?: string };
  summary: { nodes: number; engineNodes: number; engineSegments: number; fallbackSegments: number };
  nodes: Array<{ name: string; opType: string; segment: number; supported: boolean; reason?: string; forced?: string }>;
  segments: Array<{ id: number; kind: 'engine' | 'fallback'; nodes: string[]; inputs: Array<{ name: string; shape?: Array<number | string> }> }>;
}

async function jsonReport(...argv: string[]): Promise<JsonReport> {
  const r = await runMain(...argv, '--dry-run', '--report', 'json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as JsonReport;
}

/** Every node sits in exactly the segment it names, and the segments cover every node. */
function expectConsistent(rep: JsonReport): void {
  const placed = rep.segments.flatMap((s) => s.nodes.map((n) => [n, s.id] as const));
  expect(placed.length).toBe(rep.nodes.length);
  const bySegment = new Map(placed);
  for (const n of rep.nodes) expect(bySegment.get(n.name), n.name).toBe(n.segment);
  expect(rep.summary.nodes).toBe(rep.nodes.length);
  expect(rep.summary.engineSegments + rep.summary.fallbackSegments).toBe(rep.segments.length);
}

describe('hybrid-run --dry-run', () => {
  it('prints the text report and runs nothing', async () => {
    const r = await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`partition report: ${resnet}`);
    expect(r.out).toMatch(/^Coverage: \d+\/\d+ nodes on engines/m);
    expect(r.out).toMatch(/^Segments:/m);
    expect(r.out).not.toMatch(/^outputs$/m);
    expect(r.out).not.toMatch(/^time /m);
  });

  it('gives a JSON report whose segments cover every node once, for --shape', async () => {
    const rep = await jsonReport(resnet, '--shape', 'input=2x3x64x64');
    expect(rep.schemaVersion).toBeGreaterThanOrEqual(1);
    expectConsistent(rep);
    expect(rep.segments[0]!.inputs.find((i) => i.name === 'input')?.shape).toEqual([2, 3, 64, 64]);
  });

  it('takes input shapes from --input files, shared symbols included', async () => {
    const file = path.join(dir, 'x.npy');
    writeTensorFile(file, { dtype: 'float32', dims: [3, 7, 64], data: new Float32Array(3 * 7 * 64) });
    const rep = await jsonReport(transformer, '--input', `hidden_states=${file}`);
    expectConsistent(rep);
    const entry = rep.segments.flatMap((s) => s.inputs).find((i) => i.name === 'hidden_states');
    expect(entry?.shape).toEqual([3, 7, 64]);
    // With static shapes no node is refused for a symbolic shape.
    expect(rep.nodes.filter((n) => n.reason?.includes('not static'))).toEqual([]);
  });

  it('sets symbolic dimensions nothing fixes to 1, as a run does (with the same notice)', async () => {
    const r = await runMain(transformer, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      "hybrid-run: note: input 'hidden_states' [batch,seq,64]: 'batch', 'seq' set to 1; set them with --shape hidden_states=1x1x64",
    );
    expect(r.out).not.toContain('has no static shape');
  });

  it('with no shapes given, sizes symbolic dims 1 and says which, and the flags that size them', async () => {
    const r = await runMain(transformer, '--dry-run', '--no-random');
    expect(r.code).toBe(0);
    expect(r.out).toContain("input 'hidden_states' [batch,seq,64]: 'batch' and 'seq' have no size or range, so [1,1,64] is compiled");
    expect(r.out).toContain('--shapes hidden_states:1x1x64, or --min-shapes/--opt-shapes/--max-shapes');
  });

  it('passes --fallback-ops, --fallback-nodes and --min-block-size to the partitioner', async () => {
    const forced = await jsonReport(resnet, '--shape', 'input=1x3x64x64', '--fallback-ops', 'Relu', '--fallback-nodes', '/fc/Gemm');
    expectConsistent(forced);
    const relus = forced.nodes.filter((n) => n.opType === 'Relu');
    expect(relus.length).toBeGreaterThan(0);
    for (const n of relus) expect(n).toMatchObject({ supported: false, forced: 'fallbackOps' });
    expect(forced.nodes.find((n) => n.name === '/fc/Gemm')).toMatchObject({ supported: false, forced: 'fallbackNodes' });
    const kindOf = new Map(forced.segments.map((s) => [s.id, s.kind]));
    for (const n of [...relus, forced.nodes.find((n) => n.name === '/fc/Gemm')!]) expect(kindOf.get(n.segment)).toBe('fallback');
    // A block size above every engine group's size sends everything to onnxruntime.
    const none = await jsonReport(resnet, '--shape', 'input=1x3x64x64', '--fallback-ops', 'Relu', '--min-block-size', '1000');
    expect(none.summary.engineNodes).toBe(0);
    expect(none.segments.every((s) => s.kind === 'fallback')).toBe(true);
  });

  it('writes --report-file in the form its extension says, or --report says', async () => {
    const html = path.join(dir, 'reports', 'r.html');
    const r = await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--report-file', html);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote    report -> ${html}\n`);
    expect(fs.readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
    const dot = path.join(dir, 'r.dot');
    await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--report-file', dot);
    expect(fs.readFileSync(dot, 'utf8')).toMatch(/^digraph /);
    const forced = path.join(dir, 'r.txt');
    await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--report', 'json', '--report-file', forced);
    expect(() => JSON.parse(fs.readFileSync(forced, 'utf8'))).not.toThrow();
    const text = path.join(dir, 'r.log');
    await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--report-file', text);
    expect(fs.readFileSync(text, 'utf8')).not.toContain('\x1b['); // no colour in files
  });

  it('fails --require-full-compilation with the unsupported nodes in one line (exit 1)', async () => {
    const r = await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--fallback-ops', 'Relu', '--require-full-compilation');
    expect(expectOneLineError(r.err)).toMatch(/requireFullCompilation: \d+ nodes cannot run on an engine: '\/relu\/Relu' \(Relu\)/);
    expect(r.code).toBe(1);
  });

  it.skipIf(!HAS_NATIVE)('says what the cpu backend does with --precision fp16, as the run does (with the addon)', async () => {
    const r = await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--precision', 'fp16', '--backend', 'cpu');
    expect(r.code).toBe(0);
    expect(r.err).toBe('hybrid-run: note: the cpu backend computes in fp32: precision fp16 has no effect here (it applies on cuda)\n');
    expect((await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--backend', 'cpu')).err).toBe('');
  });

  it('fails where onnxruntime cannot load a fallback segment, as the compile of a run would (exit 1)', async () => {
    const model = writeModel(dir, 'unknown-op.onnx', {
      inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [2] }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'NoSuchOp', inputs: ['r'], outputs: ['y'] },
      ],
    });
    const r = await runMain(model, '--dry-run');
    expect(expectOneLineError(r.err)).toMatch(/unknown-op\.onnx: onnxruntime cannot load fallback segment 0 \(Relu_0, NoSuchOp_1\): .*NoSuchOp/);
    expect(r.code).toBe(1);
  });

  it('partitions a model with data-dependent shapes as the run does (both probe with the run inputs)', async () => {
    // NonZero's output length depends on x's values; what follows it is judged on probed shapes.
    const model = writeModel(dir, 'nonzero.onnx', {
      inputs: [{ name: 'x', dtype: 'float32', shape: [16] }],
      outputs: [
        { name: 'y', dtype: 'float32' },
        { name: 'z', dtype: 'float32', shape: [16] },
      ],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'NonZero', inputs: ['r'], outputs: ['nz'] },
        { op: 'Cast', inputs: ['nz'], outputs: ['f'], attrs: { to: 1 } },
        { op: 'Sigmoid', inputs: ['f'], outputs: ['y'] },
        { op: 'Tanh', inputs: ['r'], outputs: ['z'] },
      ],
    });
    const file = path.join(dir, 'run-report.json');
    const dry = await jsonReport(model, '--seed', '7', '--min-block-size', '1');
    const run = await runMain(model, '--seed', '7', '--min-block-size', '1', '--report-file', file);
    expect(run.code).toBe(0);
    const ran = JSON.parse(fs.readFileSync(file, 'utf8')) as JsonReport;
    expect(ran.segments.map((s) => [s.kind, s.nodes])).toEqual(dry.segments.map((s) => [s.kind, s.nodes]));
    expect(dry.summary.engineNodes).toBeGreaterThan(0);
  });

  it('refuses flags that need a run, and a machine-readable report mixed into a run printout', async () => {
    const compare = await runMainRaw(resnet, '--dry-run', '--compare', '--benchmark');
    expect(expectOneLineError(compare.err)).toBe('hybrid-run: --compare, --benchmark: --dry-run runs nothing; drop --dry-run to run the model');
    expect(compare.code).toBe(2);
    const json = await runMainRaw(resnet, '--shape', 'input=1x3x64x64', '--report', 'json');
    expect(expectOneLineError(json.err)).toMatch(
      /^hybrid-run: --report json: stdout carries the run's printout; add --report-file PATH, or use --dry-run/,
    );
    expect(json.code).toBe(2);
  });

  it('names a --report-file it cannot write', async () => {
    const blocker = path.join(dir, 'blocker');
    fs.writeFileSync(blocker, '');
    const r = await runMain(resnet, '--shape', 'input=1x3x64x64', '--dry-run', '--report-file', path.join(blocker, 'r.json'));
    expect(expectOneLineError(r.err)).toMatch(/^hybrid-run: --report-file \S+r\.json: cannot write the report/);
    expect(r.code).toBe(2);
  });
});
