/**
 * Helpers for the CLI tests: run `main` in-process with captured output, temp folders, small
 * models built with the model builder, and onnxruntime run directly as the reference.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { main } from '../../src/cli/main.js';
import { type ModelSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const examples = path.join(repoRoot, 'examples');
export const resnet = path.join(examples, 'resnet_mini.onnx');
export const transformer = path.join(examples, 'transformer_block.onnx');

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs hybrid-run in-process. --threads 1 keeps the shared machine's cores for others. */
export async function runMain(...argv: string[]): Promise<CliResult> {
  return runMainRaw(...argv, '--threads', '1');
}

/** runMain on --backend ort (onnxruntime alone), unless argv names a backend. */
export async function runOrt(...argv: string[]): Promise<CliResult> {
  return argv.includes('--backend') ? runMain(...argv) : runMain(...argv, '--backend', 'ort');
}

/** Runs hybrid-run in-process exactly with argv (nothing added). */
export async function runMainRaw(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

export function tempDir(prefix = 'hybridrt-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeModel(dir: string, file: string, spec: ModelSpec): string {
  const full = path.join(dir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, encodeModel(buildModel(spec)));
  return full;
}

/** onnxruntime alone on the same model and feeds: the reference outputs. */
export async function ortRun(model: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** A deterministic float32 tensor not produced by the code under test. */
export function sineTensor(dims: number[], phase = 0): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(0.7 * i + phase);
  return new ort.Tensor('float32', data, dims);
}

/** Parses the printed statistics of an output line: "  name  dtype[dims]  min a  max b  mean c". */
export function printedStats(out: string, name: string): { type: string; min: number; max: number; mean: number } {
  const line = out.split('\n').find((l) => l.trimStart().startsWith(`${name} `));
  if (!line) throw new Error(`no output line for ${name} in:\n${out}`);
  const m = /^\s+(\S+)\s+(\S+)\s+min (\S+)\s+max (\S+)\s+mean (\S+)/.exec(line);
  if (!m) throw new Error(`unexpected output line: ${line}`);
  return { type: m[2]!, min: Number(m[3]), max: Number(m[4]), mean: Number(m[5]) };
}

/** Every hybrid-run error is one line on stderr, with no stack trace. */
export function expectOneLineError(err: string): string {
  const lines = err.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${err}`);
  if (!lines[0]!.startsWith('hybrid-run: ')) throw new Error(`error line lacks the prefix: ${lines[0]}`);
  if (/\n\s+at /.test(err)) throw new Error(`stack trace printed without --verbose:\n${err}`);
  return lines[0]!;
}
