/**
 * One pass over every conformance model that has test data (node/, simple/, pytorch-*, and the
 * light_* models), shared by the assertions of conformance.test.ts:
 *  - the model loads; Graph.fromModel(m).toModel() saved to disk is accepted by onnxruntime
 *    and gives bit-identical outputs to the original model on the test's inputs;
 *  - the input_*.pb files as read, run through onnxruntime, give the output_*.pb files as read.
 * Where onnxruntime itself cannot take part (an op it lacks, a string/int4/sequence input or
 * output that onnxruntime-node cannot carry) the case is set aside under a stated reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { Graph } from '../../src/ir/graph.js';
import { loadModelProto, saveModelProto } from '../../src/onnx/model.js';
import { fromOrtTensor, toOrtTensor } from '../../src/onnx/ort.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { readTensorFile } from '../../src/onnx/tensor-file.js';
import { fillUniform, mulberry32 } from '../../src/util/random.js';
import { compareTensors } from '../conformance/helpers/compare.js';
import { suiteTests } from '../helpers/conformance.js';

/** Element types onnxruntime-node can hand back to JavaScript (it aborts the process on int4 outputs). */
const ORT_JS_TYPES = new Set(['float32', 'float16', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool']);

// NOTE: one thread and no graph optimization: this checks I/O, not speed, and per-session
// thread pools and optimizers made the ~1,500 tiny sessions four times slower on 2 cores.
const SESSION: ort.InferenceSession.SessionOptions = {
  logSeverityLevel: 4,
  graphOptimizationLevel: 'disabled',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
};

export interface SweepCase {
  name: string;
  model: string;
  /** Each data set: input files (none for light models) and expected output files. */
  dataSets: Array<{ inputs: string[]; outputs: string[] }>;
}

export interface SweepResult {
  cases: number;
  /** Round trips that ran and matched the original bit for bit. */
  roundTripsCompared: number;
  /** Failures of the round trip: must be empty. */
  roundTripFailures: string[];
  /** Originals onnxruntime rejects; value: whether the round trip is rejected with the same message. */
  ortRejects: Map<string, { message: string; sameForRoundTrip: boolean }>;
  /** Set aside, by reason. */
  setAside: Map<string, string[]>;
  /** `<case>:<output file>` -> why the output read from .pb differs from onnxruntime's. */
  pbMismatches: Map<string, string>;
  /** Output files compared (and matching or not). */
  pbCompared: number;
  /** dtypes of .pb inputs that were fed and .pb outputs that matched. */
  dtypesChecked: Set<string>;
}

const byIndex = (prefix: string) => (a: string, b: string) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3));

/** Every conformance model with expected outputs. */
export function sweepCases(root: string): SweepCase[] {
  const out: SweepCase[] = [];
  for (const suite of ['node', 'simple', 'pytorch-converted', 'pytorch-operator'] as const) {
    for (const t of suiteTests(suite, root)) {
      const dataSets = t.dataSets.map((s) => {
        const files = fs.readdirSync(s);
        const pick = (prefix: string) =>
          files
            .filter((f) => new RegExp(`^${prefix}\\d+\\.pb$`).test(f))
            .sort(byIndex(prefix))
            .map((f) => path.join(s, f));
        return { inputs: pick('input_'), outputs: pick('output_') };
      });
      if (dataSets.length) out.push({ name: t.name, model: t.model, dataSets });
    }
  }
  const light = path.join(root, 'light');
  if (fs.existsSync(light)) {
    for (const f of fs
      .readdirSync(light)
      .filter((f) => f.endsWith('.onnx'))
      .sort()) {
      const expected = path.join(light, f.replace(/\.onnx$/, '_output_0.pb'));
      // Light models have no input files: every weight is a ConstantOfShape, so their output
      // does not depend on the input, and a seeded random input serves.
      out.push({ name: `light/${f.replace(/\.onnx$/, '')}`, model: path.join(light, f), dataSets: [{ inputs: [], outputs: [expected] }] });
    }
  }
  return out;
}

/**
 * Why onnxruntime's `got` differs from `expected`, or undefined: exact for integers and bools,
 * |d| <= atol + rtol|e| for floats (float16 decoded, with at least one fp16 ulp of slack).
 */
export function mismatch(expected: TensorData, got: ort.Tensor, rtol = 1e-3, atol = 1e-5): string | undefined {
  if (expected.dtype !== got.type) return `dtype ${expected.dtype}, onnxruntime gave ${got.type}`;
  const tolerance =
    expected.dtype === 'float16'
      ? { rtol: Math.max(rtol, 2e-3), atol: Math.max(atol, 1e-3) }
      : expected.dtype === 'float32' || expected.dtype === 'float64'
        ? { rtol, atol }
        : null;
  return compareTensors(fromOrtTensor(got), expected, tolerance);
}

/** An onnxruntime error without the file name and node names (the IR names unnamed nodes). */
function normalise(message: string, file: string): string {
  return message
    .split(file)
    .join('<model>')
    .replace(/(name |node:)'[^']*'/g, "$1'…'")
    .replace(/(name|node) \([^)]*\)/g, '$1 (…)');
}

function sameBits(a: ort.Tensor, b: ort.Tensor): boolean {
  if (a.type !== b.type || a.dims.join() !== b.dims.join()) return false;
  const bytes = (t: ort.Tensor) => {
    const d = t.data as Uint8Array;
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  };
  return bytes(a).equals(bytes(b));
}

function seededInput(dims: number[], seed: number): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor('float32', fillUniform(new Float32Array(n), mulberry32(seed), 0, 1), dims);
}

/** Runs the sweep; `tmp` receives the round-tripped models. `tolerances` loosens float checks per case. */
export async function runSweep(
  cases: SweepCase[],
  tmp: string,
  tolerances: Record<string, { rtol: number; atol: number }> = {},
): Promise<SweepResult> {
  const r: SweepResult = {
    cases: cases.length,
    roundTripsCompared: 0,
    roundTripFailures: [],
    ortRejects: new Map(),
    setAside: new Map(),
    pbMismatches: new Map(),
    pbCompared: 0,
    dtypesChecked: new Set(),
  };
  const setAside = (why: string, name: string) => {
    if (!r.setAside.has(why)) r.setAside.set(why, []);
    r.setAside.get(why)!.push(name);
  };
  for (const c of cases) {
    const rtFile = path.join(tmp, `${c.name.replace(/\//g, '__')}.onnx`);
    try {
      saveModelProto(Graph.fromModel(loadModelProto(c.model), c.name).toModel(), rtFile);
    } catch (e) {
      r.roundTripFailures.push(`${c.name}: load/IR/save failed: ${(e as Error).message}`);
      continue;
    }
    let orig: ort.InferenceSession;
    try {
      orig = await ort.InferenceSession.create(c.model, SESSION);
    } catch (e) {
      const message = normalise((e as Error).message, c.model);
      let rtMessage = '';
      try {
        await (await ort.InferenceSession.create(rtFile, SESSION)).release();
      } catch (e2) {
        rtMessage = normalise((e2 as Error).message, rtFile);
      }
      r.ortRejects.set(c.name, { message, sameForRoundTrip: rtMessage === message });
      continue;
    }
    let rt: ort.InferenceSession;
    try {
      rt = await ort.InferenceSession.create(rtFile, SESSION);
    } catch (e) {
      r.roundTripFailures.push(`${c.name}: onnxruntime accepts the original but not the round trip: ${(e as Error).message}`);
      await orig.release();
      continue;
    }
    try {
      await runCase(c, orig, rt, r, setAside, tolerances[c.name]);
    } finally {
      await orig.release();
      await rt.release();
    }
  }
  return r;
}

async function runCase(
  c: SweepCase,
  orig: ort.InferenceSession,
  rt: ort.InferenceSession,
  r: SweepResult,
  setAside: (why: string, name: string) => void,
  tol?: { rtol: number; atol: number },
): Promise<void> {
  const badOut = orig.outputMetadata.find((o) => !o.isTensor || !ORT_JS_TYPES.has(o.type));
  if (badOut) return setAside(`an output onnxruntime-node cannot return (${badOut.isTensor ? badOut.type : 'not a tensor'})`, c.name);
  for (const ds of c.dataSets) {
    const feeds: Record<string, ort.Tensor> = {};
    const fed: string[] = [];
    if (!ds.inputs.length && c.name.startsWith('light/')) {
      const meta = orig.inputMetadata[0]!;
      feeds[meta.name] = seededInput(meta.isTensor ? (meta.shape as number[]) : [], 1);
    }
    for (const [i, file] of ds.inputs.entries()) {
      let t;
      try {
        t = readTensorFile(file);
        feeds[t.name && orig.inputNames.includes(t.name) ? t.name : orig.inputNames[i]!] = toOrtTensor(t.tensor, file);
        fed.push(t.tensor.dtype);
      } catch (e) {
        return setAside(`an input that is not a numeric tensor onnxruntime-node takes (${(e as { code?: string }).code})`, c.name);
      }
    }
    let a: ort.InferenceSession.ReturnType;
    let b: ort.InferenceSession.ReturnType;
    try {
      a = await orig.run(feeds);
    } catch {
      return setAside('onnxruntime fails to run the original on its test inputs', c.name);
    }
    try {
      b = await rt.run(feeds);
    } catch (e) {
      r.roundTripFailures.push(`${c.name}: the round trip fails to run: ${(e as Error).message}`);
      return;
    }
    const differing = orig.outputNames.filter((k) => !sameBits(a[k]!, b[k]!));
    if (differing.length) {
      r.roundTripFailures.push(`${c.name}: round-trip outputs ${differing.join(', ')} differ from the original's`);
      return;
    }
    r.roundTripsCompared++;
    for (const d of fed) r.dtypesChecked.add(d);
    for (const [i, file] of ds.outputs.entries()) {
      let tensor: TensorData;
      let name: string | undefined;
      try {
        ({ tensor, name } = readTensorFile(file));
      } catch (e) {
        r.pbMismatches.set(`${c.name}:${path.basename(file)}`, `unreadable: ${(e as Error).message}`);
        continue;
      }
      const key = name && orig.outputNames.includes(name) ? name : orig.outputNames[i]!;
      r.pbCompared++;
      const why = mismatch(tensor, a[key]!, tol?.rtol, tol?.atol);
      if (why) r.pbMismatches.set(`${c.name}:${path.basename(file)}`, why);
      else r.dtypesChecked.add(tensor.dtype);
    }
  }
}
